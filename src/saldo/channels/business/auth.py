"""Registration, sign-in and sign-out of the business area's JSON API."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, Response, status

from saldo.accounts import registration, signin, users
from saldo.accounts.errors import RegistrationRejected
from saldo.channels.api.base import ApiRoute, errors
from saldo.channels.business.deps import client_of, signed_in
from saldo.channels.business.schemas import (
    Accepted,
    AcceptIn,
    BusinessTokenIn,
    ConfirmIn,
    RegistrationIn,
    Token,
    UserOut,
)
from saldo.channels.http.deps import BearerDep, RuntimeDep
from saldo.identity import service as identity

router = APIRouter(tags=["business"], route_class=ApiRoute)


@router.post(
    "/registrations",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
    responses=errors(422, 429),
)
def register(body: RegistrationIn, request: Request, rt: RuntimeDep) -> Accepted:
    """Register a company: when the partita IVA is a business customer's and the number one
    of its active lines, a 6-digit code (valid 10 minutes) goes by SMS to that line.

    The answer, and its time, are the same whether or not the company or the line exist.
    Each malformed field is named (422); the login-code limits apply (429)."""
    web = rt.settings.web
    now = rt.clock.now()
    clean = registration.validate_registration(
        registration.RegistrationRequest(**body.model_dump())
    )
    with rt.transaction() as session:
        admission = identity.admit_code_request(
            session,
            client=client_of(request, rt),
            msisdn=clean.msisdn,
            now=now,
            limits=identity.SignInLimits.of(web),
        )
    admission.raise_if_refused()  # after the commit: refused requests stay counted
    with rt.transaction() as session:
        registration.request_registration(
            session,
            request=clean,
            now=now,
            secret=web.secret_key.get_secret_value(),
            client=client_of(request, rt),
        )
    return Accepted(
        message="Se i dati corrispondono a un'azienda cliente, la linea riceverà un SMS con il "
        "codice."
    )


@router.post(
    "/registrations/confirm",
    status_code=status.HTTP_201_CREATED,
    response_model=UserOut,
    responses=errors(401, 422),
)
def confirm(body: ConfirmIn, request: Request, rt: RuntimeDep) -> UserOut:
    """Confirm with the code: the account is opened and the user is its first admin. A wrong
    code → 401; five wrong tries burn it; it expires after 10 minutes."""
    with rt.transaction() as session:
        user_id = registration.confirm_registration(
            session,
            email=body.email,
            code=body.code,
            now=rt.clock.now(),
            secret=rt.settings.web.secret_key.get_secret_value(),
            client=client_of(request, rt),
        )
    if user_id is None:  # after the commit: the wrong try stays counted
        raise RegistrationRejected()
    return UserOut(id=user_id, email=body.email.strip().lower(), role="admin", status="active")


@router.post("/token", response_model=Token, responses=errors(401, 422, 429))
def issue_token(body: BusinessTokenIn, request: Request, rt: RuntimeDep) -> Token:
    """A bearer token for a business user. Wrong e-mail or password → 401 (the same body for
    both); after 5 failures in 15 minutes the user, and the client address, are locked for
    15 minutes (429 with ``Retry-After``). With TOTP on, ``totp`` is needed too."""
    lifetime = timedelta(minutes=rt.settings.web.api_token_minutes)
    with rt.transaction() as session:
        result = signin.sign_in(
            session,
            email=body.email,
            password=body.password,
            totp=body.totp,
            kind="api",
            lifetime=lifetime,
            now=rt.clock.now(),
            client=client_of(request, rt),
        )
    token = result.raise_if_failed()  # after the commit: the failure stays counted
    return Token(access_token=token, expires_in=int(lifetime.total_seconds()))


@router.delete("/token", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401))
def revoke_token(request: Request, rt: RuntimeDep, bearer: BearerDep) -> Response:
    """Log out: the token stops working at once."""
    with signed_in(rt, bearer, "api") as (session, scope):
        signin.sign_out(
            session, token=bearer, scope=scope, now=rt.clock.now(), client=client_of(request, rt)
        )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/invitations/accept",
    status_code=status.HTTP_201_CREATED,
    response_model=UserOut,
    responses=errors(404, 422),
)
def accept(body: AcceptIn, request: Request, rt: RuntimeDep) -> UserOut:
    """Set the password of an invited user (the link's token: valid 72 hours, once)."""
    with rt.transaction() as session:
        user = users.accept_invitation(
            session,
            token=body.token,
            password=body.password,
            now=rt.clock.now(),
            client=client_of(request, rt),
        )
        return UserOut(id=user.id, email=user.email, role=user.role, status=user.status)
