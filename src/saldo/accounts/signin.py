"""Signing in to the business area: e-mail, password and (when on) TOTP, with the lockout of
``identity.lockout``; sessions are ``identity`` sessions of a ``business_user`` principal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from saldo.accounts import repository as repo
from saldo.accounts.models import BusinessUser, CompanyAccount
from saldo.accounts.repository import Scope
from saldo.audit.service import Actor, record
from saldo.identity import service as identity
from saldo.identity.errors import BadCredentials, NotSignedIn, SecondFactorRequired
from saldo.identity.lockout import LockoutPolicy, check_lockout, clear_failures, record_failure
from saldo.identity.passwords import verify_password
from saldo.identity.schemas import BUSINESS_USER, Principal, SignedIn
from saldo.identity.totp import verify_totp
from saldo.kit.errors import SaldoError

LOCKOUT = LockoutPolicy(realm="business")


@dataclass(frozen=True, slots=True)
class SignInResult:
    """A token, or the error to raise once the failure is committed."""

    token: str | None
    error: SaldoError | None = None

    def raise_if_failed(self) -> str:
        if self.error is not None:
            raise self.error
        assert self.token is not None
        return self.token


def sign_in(
    session: Session,
    *,
    email: str,
    password: str,
    totp: str | None,
    kind: str,
    lifetime: timedelta,
    now: datetime,
    client: str,
) -> SignInResult:
    """Check the credentials and open a session (``kind`` browser or api). Locked: raises
    ``AccountLocked`` at once. Wrong e-mail, password or TOTP: a result carrying
    ``BadCredentials`` (the same for each), the failure counted towards the lockout."""
    address = email.strip().lower()
    check_lockout(session, policy=LOCKOUT, user=address, client=client, now=now)
    user = repo.user_by_email(session, address)
    usable = user is not None and user.status == "active"
    # the hash is checked even for no such user, so the time does not tell them apart
    ok = verify_password(user.password_hash if usable and user else None, password)
    if ok and user is not None and user.totp_enabled:
        if not totp:
            return SignInResult(None, SecondFactorRequired())
        ok = verify_totp(user.totp_secret or "", totp, now=now)
    if not ok or user is None:
        record_failure(session, policy=LOCKOUT, user=address, client=client, now=now)
        if user is not None:
            record(
                session,
                actor=Actor("anonymous", None, client),
                scope=repo.company_scope(user.account_id),
                action="login_failed",
                subject=address,
                now=now,
            )
        return SignInResult(None, BadCredentials())
    clear_failures(session, policy=LOCKOUT, user=address, client=client, now=now)
    token = identity.open_principal_session(
        session, principal=Principal(BUSINESS_USER, user.id), kind=kind, now=now, lifetime=lifetime
    )
    record(
        session,
        actor=Actor(BUSINESS_USER, user.id, client),
        scope=repo.company_scope(user.account_id),
        action="login",
        subject=address,
        details={"via": kind},
        now=now,
    )
    return SignInResult(token)


def resolve(
    session: Session, *, token: str | None, kind: str, now: datetime, idle: timedelta
) -> tuple[SignedIn, Scope]:
    """The signed-in user of ``token`` and its scope; ``NotSignedIn`` for a user disabled
    since."""
    signed = identity.resolve_principal(
        session, token=token, kind=kind, principal_kind=BUSINESS_USER, now=now, idle=idle
    )
    row = session.execute(
        select(
            BusinessUser.id,
            BusinessUser.account_id,
            CompanyAccount.vat_number,
            BusinessUser.role,
            BusinessUser.line_id,
            BusinessUser.email,
        )
        .join(CompanyAccount, CompanyAccount.id == BusinessUser.account_id)
        .where(BusinessUser.id == signed.principal.id, BusinessUser.status == "active")
    ).one_or_none()
    if row is None:
        raise NotSignedIn("missing")
    return signed, Scope(*row)


def sign_out(
    session: Session, *, token: str | None, scope: Scope, now: datetime, client: str
) -> None:
    """End the session server-side: the token or cookie stops working at once."""
    identity.end_session(session, token=token, now=now)
    record(
        session,
        actor=Actor(BUSINESS_USER, scope.user_id, client),
        scope=scope.audit_scope,
        action="logout",
        subject=scope.email,
        now=now,
    )
