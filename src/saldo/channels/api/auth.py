"""POST /api/v1/auth/otp, POST /api/v1/auth/token, DELETE /api/v1/auth/token."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Response, status

from saldo.channels.api.base import ApiRoute, errors
from saldo.channels.api.schemas import OtpAccepted, OtpRequest, Token, TokenRequest
from saldo.channels.http.deps import BearerDep, RuntimeDep, api_line
from saldo.channels.selfcare import auth

router = APIRouter(prefix="/auth", tags=["auth"], route_class=ApiRoute)


@router.post(
    "/otp",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=OtpAccepted,
    responses=errors(422, 429),
)
def send_code(body: OtpRequest, rt: RuntimeDep) -> OtpAccepted:
    """Send a 6-digit login code by SMS (valid 5 minutes; at most 3 per number in 15 minutes).

    The answer is the same whether or not the number belongs to a customer.
    """
    with rt.transaction() as session:
        auth.request_code(
            session,
            msisdn=body.msisdn,
            now=rt.clock.now(),
            secret=rt.settings.web.secret_key.get_secret_value(),
        )
    return OtpAccepted(
        message="Se il numero è di un cliente, riceverà un SMS con il codice.",
        expires_in=int(auth.CODE_VALIDITY.total_seconds()),
    )


@router.post("/token", response_model=Token, responses=errors(401, 422))
def issue_token(body: TokenRequest, rt: RuntimeDep) -> Token:
    """Exchange the code for a bearer token bound to that number's line only.

    Five wrong codes burn the code; ask for a new one.
    """
    lifetime = timedelta(minutes=rt.settings.web.api_token_minutes)
    with rt.transaction() as session:
        result = auth.check_code(
            session,
            msisdn=body.msisdn,
            code=body.otp,
            now=rt.clock.now(),
            secret=rt.settings.web.secret_key.get_secret_value(),
        )
        token = None
        if result.outcome == "ok" and result.line_id is not None:
            token = auth.open_session(
                session, line_id=result.line_id, kind="api", now=rt.clock.now(), lifetime=lifetime
            )
    result.raise_if_rejected()  # after the commit: the wrong try stays counted
    assert token is not None
    return Token(access_token=token, expires_in=int(lifetime.total_seconds()))


@router.delete("/token", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401))
def revoke_token(rt: RuntimeDep, bearer: BearerDep) -> Response:
    """Log out: the token stops working at once."""
    with api_line(rt, bearer) as (session, _me):
        auth.end_session(session, token=bearer, now=rt.clock.now())
    return Response(status_code=status.HTTP_204_NO_CONTENT)
