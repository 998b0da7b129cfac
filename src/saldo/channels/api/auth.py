"""POST /api/v1/auth/otp, POST /api/v1/auth/token, DELETE /api/v1/auth/token."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, Response, status

from saldo.channels.api.base import ApiRoute, errors
from saldo.channels.api.schemas import OtpAccepted, OtpRequest, Token, TokenRequest
from saldo.channels.http.client import request_client
from saldo.channels.http.deps import BearerDep, RuntimeDep, api_line
from saldo.identity import service as identity
from saldo.kit.msisdn import normalize_msisdn

router = APIRouter(prefix="/auth", tags=["auth"], route_class=ApiRoute)


@router.post(
    "/otp",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=OtpAccepted,
    responses=errors(422, 429),
)
def send_code(body: OtpRequest, request: Request, rt: RuntimeDep) -> OtpAccepted:
    """Send a 6-digit login code by SMS (valid 5 minutes; at most 3 per number in 15 minutes,
    and limits per client address, per number range and for the whole service: 429 with
    ``Retry-After`` past them).

    The answer, and the time it takes, are the same whether or not the number belongs to a
    customer.
    """
    web = rt.settings.web
    now = rt.clock.now()
    e164 = normalize_msisdn(body.msisdn)
    with rt.transaction() as session:
        admission = identity.admit_code_request(
            session,
            client=request_client(request, web.trusted_proxies),
            msisdn=e164,
            now=now,
            limits=identity.SignInLimits.of(web),
        )
    admission.raise_if_refused()  # after the commit: refused requests stay counted
    with rt.transaction() as session:
        identity.request_code(
            session, msisdn=e164, now=now, secret=web.secret_key.get_secret_value()
        )
    return OtpAccepted(
        message="Se il numero è di un cliente, riceverà un SMS con il codice.",
        expires_in=int(identity.CODE_VALIDITY.total_seconds()),
    )


@router.post("/token", response_model=Token, responses=errors(401, 422, 429))
def issue_token(body: TokenRequest, request: Request, rt: RuntimeDep) -> Token:
    """Exchange the code for a bearer token bound to that number's line only.

    Five wrong codes burn the code; ask for a new one. Too many wrong codes from one client
    address, whatever the numbers: 429 with ``Retry-After``.
    """
    web = rt.settings.web
    lifetime = timedelta(minutes=web.api_token_minutes)
    with rt.transaction() as session:
        result = identity.check_code(
            session,
            msisdn=body.msisdn,
            code=body.otp,
            now=rt.clock.now(),
            secret=web.secret_key.get_secret_value(),
            previous_secrets=[k.get_secret_value() for k in web.previous_secret_keys],
            client=request_client(request, web.trusted_proxies),
            limits=identity.SignInLimits.of(web),
        )
        token = None
        if result.outcome == "ok" and result.line_id is not None:
            token = identity.open_session(
                session, line_id=result.line_id, kind="api", now=rt.clock.now(), lifetime=lifetime
            )
    result.raise_if_rejected()  # after the commit: the wrong try stays counted
    assert token is not None
    return Token(access_token=token, expires_in=int(lifetime.total_seconds()))


@router.delete("/token", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401))
def revoke_token(rt: RuntimeDep, bearer: BearerDep) -> Response:
    """Log out: the token stops working at once."""
    with api_line(rt, bearer) as (session, _me):
        identity.end_session(session, token=bearer, now=rt.clock.now())
    return Response(status_code=status.HTTP_204_NO_CONTENT)
