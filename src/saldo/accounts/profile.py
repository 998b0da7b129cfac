"""A user's own profile: the TOTP second factor (set up, confirmed with a first code, turned
off with a current code)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from saldo.accounts.errors import InvalidFields
from saldo.accounts.models import BusinessUser
from saldo.accounts.repository import Scope
from saldo.audit.service import Actor, record
from saldo.catalog.service import get_catalog
from saldo.identity.schemas import BUSINESS_USER
from saldo.identity.totp import new_totp_secret, provisioning_uri, qr_svg, verify_totp


@dataclass(frozen=True, slots=True)
class TotpSetup:
    secret: str
    uri: str
    qr_svg: str


def _user(session: Session, scope: Scope) -> BusinessUser:
    user = session.get(BusinessUser, scope.user_id, with_for_update=True)
    assert user is not None  # the scope was resolved from an active user in this unit
    return user


def _wrong_code() -> InvalidFields:
    return InvalidFields([("code", "codice dell'app non valido", "wrong authenticator code")])


def start_totp(session: Session, *, scope: Scope) -> TotpSetup:
    """A new secret to scan (not in force until ``confirm_totp``); TOTP already on: refused."""
    user = _user(session, scope)
    if user.totp_enabled:
        raise InvalidFields(
            [("totp", "l'autenticazione a due fattori è già attiva", "two-factor is already on")]
        )
    user.totp_secret = new_totp_secret()
    _, document = get_catalog(session)
    uri = provisioning_uri(
        user.totp_secret, account=user.email, issuer=f"{document.operator.name} Business"
    )
    session.flush()
    return TotpSetup(user.totp_secret, uri, qr_svg(uri))


def confirm_totp(session: Session, *, scope: Scope, code: str, now: datetime, client: str) -> None:
    """Turn TOTP on with a first code from the app: from now on sign-in needs one."""
    user = _user(session, scope)
    if not user.totp_secret or not verify_totp(user.totp_secret, code, now=now):
        raise _wrong_code()
    user.totp_enabled = True
    _audit(session, scope, "totp_on", now, client)


def disable_totp(session: Session, *, scope: Scope, code: str, now: datetime, client: str) -> None:
    """Turn TOTP off, proven with a current code."""
    user = _user(session, scope)
    if not user.totp_enabled or not verify_totp(user.totp_secret or "", code, now=now):
        raise _wrong_code()
    user.totp_enabled = False
    user.totp_secret = None
    _audit(session, scope, "totp_off", now, client)


def _audit(session: Session, scope: Scope, action: str, now: datetime, client: str) -> None:
    record(
        session,
        actor=Actor(BUSINESS_USER, scope.user_id, client),
        scope=scope.audit_scope,
        action=action,
        subject=scope.email,
        now=now,
    )
    session.flush()
