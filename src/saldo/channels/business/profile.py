"""The signed-in user's profile: who they are, and the TOTP second factor."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, Field

from saldo.accounts import profile
from saldo.accounts.models import BusinessUser
from saldo.channels.api.base import ApiRoute, errors
from saldo.channels.business.deps import client_of, signed_in
from saldo.channels.business.schemas import UserOut
from saldo.channels.business.users import line_msisdn, user_out
from saldo.channels.http.deps import BearerDep, RuntimeDep

router = APIRouter(prefix="/profile", tags=["business"], route_class=ApiRoute)


class TotpOut(BaseModel):
    secret: str
    uri: str = Field(description="otpauth:// provisioning URI")
    qr_svg: str = Field(description="the URI as an SVG QR code")


class TotpCode(BaseModel):
    code: str = Field(max_length=12)


@router.get("", response_model=UserOut, responses=errors(401))
def me(rt: RuntimeDep, bearer: BearerDep) -> UserOut:
    with signed_in(rt, bearer, "api", read=True) as (session, scope):
        user = session.get(BusinessUser, scope.user_id)
        assert user is not None
        return user_out(user, line_msisdn(session, user))


@router.post("/totp", response_model=TotpOut, responses=errors(401, 422))
def start_totp(rt: RuntimeDep, bearer: BearerDep) -> TotpOut:
    """A new TOTP secret, its provisioning URI and QR code; on after ``/totp/confirm``."""
    with signed_in(rt, bearer, "api") as (session, scope):
        setup = profile.start_totp(session, scope=scope)
    return TotpOut(secret=setup.secret, uri=setup.uri, qr_svg=setup.qr_svg)


@router.post("/totp/confirm", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401, 422))
def confirm_totp(body: TotpCode, request: Request, rt: RuntimeDep, bearer: BearerDep) -> Response:
    """Turn TOTP on with a first code from the authenticator app."""
    with signed_in(rt, bearer, "api") as (session, scope):
        profile.confirm_totp(
            session, scope=scope, code=body.code, now=rt.clock.now(), client=client_of(request, rt)
        )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/totp/disable", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401, 422))
def disable_totp(body: TotpCode, request: Request, rt: RuntimeDep, bearer: BearerDep) -> Response:
    """Turn TOTP off, with a current code."""
    with signed_in(rt, bearer, "api") as (session, scope):
        profile.disable_totp(
            session, scope=scope, code=body.code, now=rt.clock.now(), client=client_of(request, rt)
        )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
