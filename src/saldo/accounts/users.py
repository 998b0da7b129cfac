"""An account's users: invitations by e-mail, roles, disabling; the last-admin rule.

Only admins manage users (``NotAllowed`` otherwise), and every query is bound to the admin's
own account: a user id of another company is not found.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from saldo.accounts import repository as repo
from saldo.accounts.errors import (
    EmailTaken,
    InvalidFields,
    InvitationInvalid,
    LastAdmin,
    NotAllowed,
    UserNotFound,
)
from saldo.accounts.models import BusinessUser, Invitation
from saldo.accounts.repository import Scope
from saldo.accounts.validation import Checker, msisdn, normalize_email
from saldo.audit.service import Actor, record
from saldo.catalog.service import get_catalog
from saldo.db import utc
from saldo.identity import service as identity
from saldo.identity.passwords import hash_password
from saldo.identity.schemas import BUSINESS_USER, Principal
from saldo.notifications.service import enqueue

INVITATION_VALIDITY = timedelta(hours=72)


def require_admin(scope: Scope) -> None:
    if scope.role != "admin":
        raise NotAllowed()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _actor(scope: Scope, client: str) -> Actor:
    return Actor(BUSINESS_USER, scope.user_id, client)


def list_users(session: Session, scope: Scope) -> Sequence[BusinessUser]:
    require_admin(scope)
    return repo.users_of(session, scope.account_id)


def _line_for(session: Session, scope: Scope, number: str) -> int:
    line = repo.visible_line(session, scope, number)
    if line is None or line.status != "active":
        raise InvalidFields(
            [("msisdn", "non è una linea attiva dell'azienda", "not an active company line")]
        )
    taken = session.scalar(select(BusinessUser.id).where(BusinessUser.line_id == line.id))
    if taken is not None:
        raise InvalidFields(
            [("msisdn", "la linea ha già un utente", "the line already has a user")]
        )
    return line.id


@dataclass(frozen=True, slots=True)
class Invited:
    user: BusinessUser
    link: str


def invite_user(
    session: Session,
    *,
    scope: Scope,
    email: str,
    role: str,
    number: str | None,
    now: datetime,
    client: str,
    link_base: str,
) -> Invited:
    """A new user, invited by e-mail with a one-time link valid 72 hours; an ``employee``
    needs ``number``, one of the company's active lines without a user."""
    require_admin(scope)
    check = Checker()
    address = check.field("email", normalize_email, email)
    check.role(role)
    e164 = ""
    if role == "employee":
        if not number:
            check.problems.append(
                ("msisdn", "obbligatorio per un dipendente", "required for an employee")
            )
        else:
            e164 = check.field("msisdn", msisdn, number)
    check.done()
    if repo.user_by_email(session, address) is not None:
        raise EmailTaken()
    line_id = _line_for(session, scope, e164) if role == "employee" else None
    user = BusinessUser(
        account_id=scope.account_id,
        email=address,
        role=role,
        status="invited",
        line_id=line_id,
        totp_enabled=False,
        created_at=now,
    )
    session.add(user)
    session.flush()
    token = secrets.token_urlsafe(32)
    session.add(
        Invitation(
            user_id=user.id,
            token_hash=_token_hash(token),
            created_at=now,
            expires_at=now + INVITATION_VALIDITY,
        )
    )
    link = f"{link_base.rstrip('/')}/business/invite/{token}"
    _, document = get_catalog(session)
    enqueue(
        session,
        channel="email",
        recipient=address,
        subject=f"Invito all'Area Clienti Business {document.operator.name}",
        body=(
            f"{scope.email} ti ha invitato all'Area Clienti Business {document.operator.name}.\n"
            f"Scegli la tua password da questo link (vale 72 ore, una volta sola):\n{link}\n"
        ),
        topic="business_invite",
        now=now,
    )
    record(
        session,
        actor=_actor(scope, client),
        scope=scope.audit_scope,
        action="user_invite",
        subject=address,
        details={"role": role, "msisdn": e164 or None},
        now=now,
    )
    session.flush()
    return Invited(user, link)


def invitation_user(session: Session, *, token: str, now: datetime) -> BusinessUser:
    """The user of a link still valid (an invitation, or a password reset of an active user);
    ``InvitationInvalid`` otherwise (used, expired, or the user disabled since)."""
    invitation = session.scalar(
        select(Invitation).where(Invitation.token_hash == _token_hash(token or ""))
    )
    expires = None if invitation is None else utc(invitation.expires_at)
    if invitation is None or invitation.used_at is not None or expires is None or expires <= now:
        raise InvitationInvalid()
    user = session.get(BusinessUser, invitation.user_id, with_for_update=True)
    if user is None or user.status not in ("invited", "active"):
        raise InvitationInvalid()
    return user


def accept_invitation(
    session: Session, *, token: str, password: str, now: datetime, client: str
) -> BusinessUser:
    """Set the invited user's password: the link is used up, the user active."""
    check = Checker()
    check.password(password)
    check.done()
    user = invitation_user(session, token=token, now=now)
    invitation = session.scalar(
        select(Invitation).where(
            Invitation.token_hash == _token_hash(token), Invitation.used_at.is_(None)
        )
    )
    assert invitation is not None
    invitation.used_at = now
    reset = user.status == "active"
    user.password_hash = hash_password(password)
    user.status = "active"
    if reset:  # a new password ends the sessions opened with the old one
        identity.end_principal_sessions(
            session, principal=Principal(BUSINESS_USER, user.id), now=now
        )
    record(
        session,
        actor=Actor(BUSINESS_USER, user.id, client),
        scope=repo.company_scope(user.account_id),
        action="password_reset" if reset else "invitation_accept",
        subject=user.email,
        now=now,
    )
    session.flush()
    return user


def change_user(
    session: Session,
    *,
    scope: Scope,
    user_id: int,
    now: datetime,
    client: str,
    role: str | None = None,
    status: str | None = None,
    number: str | None = None,
) -> BusinessUser:
    """Change a user's role, line or status (``active`` / ``disabled``); the account always
    keeps one active admin (``LastAdmin``). Disabling ends the user's sessions at once."""
    require_admin(scope)
    check = Checker()
    if role is not None:
        check.role(role)
    if status is not None and status not in ("active", "disabled"):
        check.problems.append(("status", "stato: active o disabled", "status: active or disabled"))
    e164 = check.field("msisdn", msisdn, number) if number else ""
    check.done()
    repo.lock_account(session, scope.account_id)
    user = repo.user_in_account(session, account_id=scope.account_id, user_id=user_id)
    if user is None:
        raise UserNotFound()
    before = {"role": user.role, "status": user.status, "line_id": user.line_id}
    new_role, new_status = role or user.role, status or user.status
    if new_role == "employee" and e164:
        user.line_id = None
        session.flush()
        user.line_id = _line_for(session, scope, e164)
    elif new_role == "employee" and user.line_id is None:
        raise InvalidFields(
            [("msisdn", "obbligatorio per un dipendente", "required for an employee")]
        )
    elif new_role != "employee":
        user.line_id = None
    losing_admin = user.role == "admin" and user.status == "active"
    demoted = new_role != "admin" or new_status != "active"
    if losing_admin and demoted and repo.active_admins(session, scope.account_id) <= 1:
        raise LastAdmin()
    if new_status == "active" and user.status == "invited":
        new_status = "invited"  # an invited user becomes active by accepting, not by an admin
    user.role, user.status = new_role, new_status
    if new_status == "disabled":
        identity.end_principal_sessions(
            session, principal=Principal(BUSINESS_USER, user.id), now=now
        )
    record(
        session,
        actor=_actor(scope, client),
        scope=scope.audit_scope,
        action="user_disable" if new_status == "disabled" else "user_change",
        subject=user.email,
        details={
            "before": before,
            "after": {"role": new_role, "status": new_status, "line_id": user.line_id},
        },
        now=now,
    )
    session.flush()
    return user
