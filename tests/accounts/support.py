"""Factories of business-area test data: companies with lines, accounts with users."""

from __future__ import annotations

from sqlalchemy import select

from saldo.accounts.models import BusinessUser, CompanyAccount
from saldo.accounts.repository import Scope
from saldo.identity.passwords import hash_password
from saldo.lines.models import Line
from saldo.runtime import Runtime
from tests.factories import make_line

VAT_A = "10000000017"
VAT_B = "10000010016"
PASSWORD = "cavallo-batteria-graffetta"
_HASH = hash_password(PASSWORD)  # hashed once: argon2 is slow on purpose


def make_company(
    rt: Runtime, *, vat: str, lines: int = 3, credit: str = "40", plan: str = "BUSINESS100"
) -> list[str]:
    """``lines`` business lines of the company with partita IVA ``vat``; their numbers."""
    return [make_line(rt, plan=plan, credit=credit, vat_number=vat) for _ in range(lines)]


def make_account(rt: Runtime, *, vat: str, admin: str, name: str = "Azienda Srl") -> int:
    """An account for ``vat`` (whose lines exist) with one active admin; the account id."""
    with rt.transaction() as session:
        from saldo.accounts.repository import first_business_customer

        customer_id = first_business_customer(session, vat)
        assert customer_id is not None
        account = CompanyAccount(
            customer_id=customer_id, vat_number=vat, name=name, created_at=rt.clock.now()
        )
        session.add(account)
        session.flush()
        account_id = account.id
    make_user(rt, account_id=account_id, email=admin, role="admin")
    return account_id


def make_user(
    rt: Runtime, *, account_id: int, email: str, role: str, msisdn: str | None = None
) -> int:
    with rt.transaction() as session:
        line_id = None
        if msisdn is not None:
            line_id = session.scalar(select(Line.id).where(Line.msisdn == msisdn))
        user = BusinessUser(
            account_id=account_id,
            email=email.lower(),
            password_hash=_HASH,
            role=role,
            status="active",
            line_id=line_id,
            totp_enabled=False,
            created_at=rt.clock.now(),
        )
        session.add(user)
        session.flush()
        return user.id


def scope_of(rt: Runtime, email: str) -> Scope:
    with rt.transaction() as session:
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
            .where(BusinessUser.email == email.lower())
        ).one()
        return Scope(*row)
