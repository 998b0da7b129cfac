"""Queries of company accounts. Every query of a company's data takes the signed-in user
(``Scope``) and applies the role in the statement itself: an employee's query can only ever
return the one line assigned to them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.orm import Session

from saldo.accounts.models import BusinessUser, CompanyAccount, LineLabel
from saldo.customers.models import Customer
from saldo.db import table
from saldo.lines.models import Line

account_t = table(CompanyAccount)
user_t = table(BusinessUser)
label_t = table(LineLabel)
line_t = table(Line)
customer_t = table(Customer)


@dataclass(frozen=True, slots=True)
class Scope:
    """A signed-in business user: what every query of the company's data is filtered by."""

    user_id: int
    account_id: int
    vat_number: str
    role: str
    line_id: int | None
    email: str

    @property
    def audit_scope(self) -> str:
        return company_scope(self.account_id)


def company_scope(account_id: int) -> str:
    return f"company:{account_id}"


def company_lines(vat_number: str) -> Select[Any]:
    """Ids of the lines of every business customer with this partita IVA."""
    return (
        select(line_t.c.id)
        .join(customer_t, customer_t.c.id == line_t.c.customer_id)
        .where(customer_t.c.vat_number == vat_number, customer_t.c.segment == "business")
    )


def visible_lines(scope: Scope) -> Select[Any]:
    """Ids of the lines ``scope`` may see: the company's, or only an employee's own."""
    query = company_lines(scope.vat_number)
    if scope.role == "employee":
        query = query.where(line_t.c.id == scope.line_id)  # none assigned: nothing
    return query


def visible_line(session: Session, scope: Scope, msisdn: str) -> Line | None:
    return session.scalar(
        select(Line).where(Line.msisdn == msisdn, Line.id.in_(visible_lines(scope)))
    )


def company_line_id(session: Session, *, vat_number: str, msisdn: str) -> int | None:
    """The active line ``msisdn`` of the company, if it is one."""
    found = session.scalar(
        company_lines(vat_number).where(line_t.c.msisdn == msisdn, line_t.c.status == "active")
    )
    return None if found is None else int(found)


def first_business_customer(session: Session, vat_number: str) -> int | None:
    found = session.scalar(
        select(func.min(customer_t.c.id)).where(
            customer_t.c.vat_number == vat_number, customer_t.c.segment == "business"
        )
    )
    return None if found is None else int(found)


def account_by_vat(session: Session, vat_number: str) -> CompanyAccount | None:
    return session.scalar(select(CompanyAccount).where(CompanyAccount.vat_number == vat_number))


def user_by_email(session: Session, email: str) -> BusinessUser | None:
    """The user of ``email``; text no address holds (a NUL byte, which PostgreSQL cannot take
    as a parameter, a lone surrogate, a control character) names nobody."""
    if not email.isprintable():
        return None
    return session.scalar(select(BusinessUser).where(BusinessUser.email == email))


def user_in_account(session: Session, *, account_id: int, user_id: int) -> BusinessUser | None:
    return session.scalar(
        select(BusinessUser).where(
            BusinessUser.id == user_id, BusinessUser.account_id == account_id
        )
    )


def users_of(session: Session, account_id: int) -> Sequence[BusinessUser]:
    return session.scalars(
        select(BusinessUser).where(BusinessUser.account_id == account_id).order_by(BusinessUser.id)
    ).all()


def admin_emails(session: Session, account_id: int) -> list[str]:
    return list(
        session.scalars(
            select(user_t.c.email).where(
                user_t.c.account_id == account_id,
                user_t.c.role == "admin",
                user_t.c.status == "active",
            )
        )
    )


def lock_account(session: Session, account_id: int) -> None:
    """Serialize changes of an account's users (the last-admin rule)."""
    session.execute(select(account_t.c.id).where(account_t.c.id == account_id).with_for_update())


def active_admins(session: Session, account_id: int) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                user_t.c.account_id == account_id,
                user_t.c.role == "admin",
                user_t.c.status == "active",
            )
        )
        or 0
    )


def line_page(
    session: Session,
    scope: Scope,
    *,
    q: str | None,
    status: str | None,
    offset: int,
    limit: int,
    sort: str = "msisdn",
) -> tuple[int, list[Any]]:
    """One page of the lines ``scope`` may see, with their label and user: (total, rows of
    id, msisdn, label, user_email)."""
    filters: list[ColumnElement[bool]] = [line_t.c.id.in_(visible_lines(scope))]
    if status:
        filters.append(line_t.c.status == status)
    if q and not q.isprintable():
        filters.append(false())  # no number or label holds a control character
    elif q:
        like = f"%{q.strip().lower()}%"
        filters.append(
            or_(line_t.c.msisdn.like(like.replace(" ", "")), func.lower(label_t.c.label).like(like))
        )
    joined = line_t.outerjoin(label_t, label_t.c.line_id == line_t.c.id).outerjoin(
        user_t, and_(user_t.c.line_id == line_t.c.id, user_t.c.status != "disabled")
    )
    where = and_(*filters)
    total = session.scalar(select(func.count()).select_from(joined).where(where))
    order = {
        "msisdn": line_t.c.msisdn,
        "label": func.coalesce(label_t.c.label, ""),
        "status": line_t.c.status,
        "renewal": line_t.c.renews_at,
    }.get(sort, line_t.c.msisdn)
    rows = session.execute(
        select(line_t.c.id, line_t.c.msisdn, label_t.c.label, user_t.c.email)
        .select_from(joined)
        .where(where)
        .order_by(order, line_t.c.id)
        .offset(offset)
        .limit(limit)
    ).all()
    return int(total or 0), list(rows)
