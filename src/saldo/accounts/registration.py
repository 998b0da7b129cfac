"""Registering a company: the partita IVA, the first admin's e-mail and password, and a
6-digit code sent by SMS to one of the company's active lines (proof of possession).

Every well-formed request goes through the same steps (the password hashed, the lookups
made, a registration row written), whether or not the company, the line or an account
exist; the code goes out only when they do, so nothing in the answer tells them apart.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from saldo.accounts import repository as repo
from saldo.accounts.errors import RegistrationRejected
from saldo.accounts.models import BusinessUser, CompanyAccount, Registration
from saldo.accounts.validation import Checker, msisdn, normalize_email, vat
from saldo.audit.service import Actor, record
from saldo.catalog.service import get_catalog
from saldo.db import table, utc
from saldo.identity.passwords import hash_password
from saldo.notifications.service import enqueue

CODE_VALIDITY = timedelta(minutes=10)
MAX_WRONG_TRIES = 5
reg_t = table(Registration)


def _code_hash(secret: str, email: str, code: str) -> str:
    return hmac.new(secret.encode(), f"reg:{email}:{code}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class RegistrationRequest:
    vat_number: str
    email: str
    password: str
    msisdn: str
    name: str


def validate_registration(request: RegistrationRequest) -> RegistrationRequest:
    """The request with its fields normalized; ``InvalidFields`` naming every problem."""
    check = Checker()
    piva = check.field("vat_number", vat, request.vat_number)
    email = check.field("email", normalize_email, request.email)
    check.password(request.password)
    e164 = check.field("msisdn", msisdn, request.msisdn)
    name = check.text("name", request.name, max_length=200)
    check.done()
    return RegistrationRequest(piva, email, request.password, e164, name)


def request_registration(
    session: Session, *, request: RegistrationRequest, now: datetime, secret: str, client: str
) -> None:
    """Register a ``validate_registration``-checked request: when the partita IVA is a
    business customer's without an account and the number one of its active lines, the code
    goes to that line. A company that already has an account gets no code: its admins get an
    e-mail saying someone tried."""
    piva, email, e164, name = request.vat_number, request.email, request.msisdn, request.name
    password_hash = hash_password(request.password)
    account = repo.account_by_vat(session, piva)
    line_id = repo.company_line_id(session, vat_number=piva, msisdn=e164)
    taken = repo.user_by_email(session, email) is not None
    eligible = account is None and line_id is not None and not taken
    code = f"{secrets.randbelow(10**6):06d}"
    session.add(
        Registration(
            email=email,
            vat_number=piva,
            msisdn=e164,
            name=name,
            password_hash=password_hash,
            code_hash=_code_hash(secret, email, code),
            status="active" if eligible else "void",
            attempts=0,
            created_at=now,
            expires_at=now + CODE_VALIDITY,
        )
    )
    _, document = get_catalog(session)
    operator = document.operator.name
    if eligible:
        enqueue(
            session,
            recipient=e164,
            sender=document.channels.sms,
            body=(
                f"{code} è il codice per attivare l'Area Clienti Business {operator} di {name}. "
                f"Vale 10 minuti. Non darlo a nessuno."
            ),
            topic="otp",
            now=now,
        )
    elif account is not None:
        for admin in repo.admin_emails(session, account.id):
            enqueue(
                session,
                channel="email",
                recipient=admin,
                subject=f"{operator} Business: tentativo di registrazione",
                body=(
                    f"Qualcuno ({email}) ha provato a registrare di nuovo l'azienda "
                    f"{account.name} all'Area Clienti Business {operator}.\n"
                    "Se è un tuo collega, invitalo dalla pagina Utenti: è l'unico modo per "
                    "dargli accesso. Se non sai chi sia, non serve fare nulla."
                ),
                topic="business_registration",
                now=now,
            )
        record(
            session,
            actor=Actor("anonymous", None, client),
            scope=repo.company_scope(account.id),
            action="registration_attempt",
            subject=email,
            now=now,
        )
    session.flush()


def confirm_registration(
    session: Session, *, email: str, code: str, now: datetime, secret: str, client: str
) -> int | None:
    """The user id of the new account's first admin, or None (wrong, expired, burned or no
    code: the try is counted, so the caller commits before raising ``RegistrationRejected``)."""
    address = email.strip().lower()
    row = (
        None
        if not address.isprintable()
        else session.scalar(
            select(Registration)
            .where(Registration.email == address, Registration.status.in_(("active", "void")))
            .order_by(Registration.id.desc())
            .limit(1)
        )
    )
    expires = None if row is None else utc(row.expires_at)
    if row is None or expires is None or expires <= now:
        return None
    counted = session.execute(
        update(reg_t)
        .where(reg_t.c.id == row.id, reg_t.c.attempts < MAX_WRONG_TRIES)
        .values(attempts=reg_t.c.attempts + 1)
    )
    if not getattr(counted, "rowcount", 0):
        return None
    digits = code.strip().replace(" ", "")
    matches = hmac.compare_digest(_code_hash(secret, address, digits), row.code_hash)
    if not (matches and row.status == "active") or not _still_free(session, row):
        if row.attempts + 1 >= MAX_WRONG_TRIES:
            row.status = "burned"
        session.flush()
        return None
    row.status = "used"
    return _open_account(session, row, now=now, client=client)


def _still_free(session: Session, row: Registration) -> bool:
    return (
        repo.account_by_vat(session, row.vat_number) is None
        and repo.user_by_email(session, row.email) is None
        and repo.company_line_id(session, vat_number=row.vat_number, msisdn=row.msisdn) is not None
    )


def _open_account(session: Session, row: Registration, *, now: datetime, client: str) -> int:
    customer_id = repo.first_business_customer(session, row.vat_number)
    assert customer_id is not None  # the company has an active line
    account = CompanyAccount(
        customer_id=customer_id, vat_number=row.vat_number, name=row.name, created_at=now
    )
    session.add(account)
    session.flush()  # a concurrent registration of the same company fails here (unique)
    user = BusinessUser(
        account_id=account.id,
        email=row.email,
        password_hash=row.password_hash,
        role="admin",
        status="active",
        totp_enabled=False,
        created_at=now,
    )
    session.add(user)
    session.flush()
    record(
        session,
        actor=Actor("business_user", user.id, client),
        scope=repo.company_scope(account.id),
        action="registered",
        subject=row.email,
        details={"vat_number": row.vat_number, "msisdn": row.msisdn},
        now=now,
    )
    return user.id


__all__ = [
    "RegistrationRejected",
    "RegistrationRequest",
    "confirm_registration",
    "request_registration",
    "validate_registration",
]
