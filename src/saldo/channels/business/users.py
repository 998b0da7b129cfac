"""The account's users (admins only): invite, list, change the role, disable."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from saldo.accounts import users
from saldo.accounts.models import BusinessUser
from saldo.channels.api.base import ApiRoute, errors
from saldo.channels.business.deps import client_of, signed_in
from saldo.channels.business.schemas import InviteIn, UserOut, UserPatch
from saldo.channels.http.deps import BearerDep, RuntimeDep
from saldo.lines.models import Line

router = APIRouter(prefix="/users", tags=["business"], route_class=ApiRoute)


def user_out(user: BusinessUser, msisdn: str | None) -> UserOut:
    return UserOut(
        id=user.id,
        email=user.email,
        role=user.role,
        status=user.status,
        msisdn=msisdn,
        totp_enabled=user.totp_enabled,
    )


def line_msisdn(session: Session, user: BusinessUser) -> str | None:
    if user.line_id is None:
        return None
    return session.scalar(select(Line.msisdn).where(Line.id == user.line_id))


@router.get("", response_model=list[UserOut], responses=errors(401, 403))
def list_users(rt: RuntimeDep, bearer: BearerDep) -> list[UserOut]:
    """Every user of the account (admins only)."""
    with signed_in(rt, bearer, "api", read=True) as (session, scope):
        return [user_out(u, line_msisdn(session, u)) for u in users.list_users(session, scope)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=UserOut,
    responses=errors(401, 403, 409, 422),
)
def invite(body: InviteIn, request: Request, rt: RuntimeDep, bearer: BearerDep) -> UserOut:
    """Invite a user by e-mail (a one-time link valid 72 hours); ``msisdn`` is required for an
    ``employee`` and must be an active line of the company."""
    base = rt.settings.web.public_url or str(request.base_url)
    with signed_in(rt, bearer, "api") as (session, scope):
        invited = users.invite_user(
            session,
            scope=scope,
            email=body.email,
            role=body.role,
            number=body.msisdn,
            now=rt.clock.now(),
            client=client_of(request, rt),
            link_base=base,
        )
        return user_out(invited.user, line_msisdn(session, invited.user))


@router.patch("/{user_id}", response_model=UserOut, responses=errors(401, 403, 404, 409, 422))
def change(
    user_id: int, body: UserPatch, request: Request, rt: RuntimeDep, bearer: BearerDep
) -> UserOut:
    """Change a user's role, line or status; the last active admin cannot be demoted (409)."""
    with signed_in(rt, bearer, "api") as (session, scope):
        user = users.change_user(
            session,
            scope=scope,
            user_id=user_id,
            role=body.role,
            status=body.status,
            number=body.msisdn,
            now=rt.clock.now(),
            client=client_of(request, rt),
        )
        return user_out(user, line_msisdn(session, user))


@router.delete(
    "/{user_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401, 403, 404, 409)
)
def disable(user_id: int, request: Request, rt: RuntimeDep, bearer: BearerDep) -> Response:
    """Disable a user (kept for the audit trail); the last active admin cannot be (409)."""
    with signed_in(rt, bearer, "api") as (session, scope):
        users.change_user(
            session,
            scope=scope,
            user_id=user_id,
            status="disabled",
            now=rt.clock.now(),
            client=client_of(request, rt),
        )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
