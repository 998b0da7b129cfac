"""Billing accounts and the postpaid lines they hold; the TCG each line owes per month."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from saldo.billing.models import BillableCharge, BilledLine, BillingAccount
from saldo.billing.periods import bounds, period_of
from saldo.billing.service import record_charge
from saldo.catalog.service import get_catalog
from saldo.customers.models import Customer
from saldo.db import dialect_name, table

TCG_KIND = "tcg"


def account_of_customer(session: Session, *, customer_id: int, now: datetime) -> BillingAccount:
    """The customer's first billing account, opened now if it has none."""
    account = session.scalar(
        select(BillingAccount)
        .where(BillingAccount.customer_id == customer_id)
        .order_by(BillingAccount.id)
        .limit(1)
    )
    if account is None:
        account = BillingAccount(customer_id=customer_id, created_at=now)
        session.add(account)
        session.flush()
    return account


def open_line(
    session: Session, *, line_id: int, customer_id: int, msisdn: str, at: datetime
) -> BilledLine:
    """A postpaid line joins its customer's billing account, and owes the TCG of this month."""
    account = account_of_customer(session, customer_id=customer_id, now=at)
    billed = BilledLine(line_id=line_id, account_id=account.id, msisdn=msisdn, opened_at=at)
    session.add(billed)
    session.flush()
    record_tcg(session, billed=billed, period=period_of(at))
    return billed


def tcg_cents(session: Session, *, customer: Customer) -> int:
    """The monthly tassa di concessione governativa of the customer's kind, per the catalogue."""
    _, document = get_catalog(session)
    business = customer.segment == "business"
    return document.billing.tcg_business if business else document.billing.tcg_private


def record_tcg(session: Session, *, billed: BilledLine, period: str) -> None:
    """The line's TCG for ``period``, once (its reference names line and month)."""
    customer = session.scalars(
        select(Customer)
        .join(BillingAccount, BillingAccount.customer_id == Customer.id)
        .where(BillingAccount.id == billed.account_id)
    ).one()
    start, _ = bounds(period)
    record_charge(
        session,
        line_id=billed.line_id,
        kind=TCG_KIND,
        net_cents=tcg_cents(session, customer=customer),
        vat_rate_bp=0,
        occurred_at=max(start, billed.opened_at),
        reference=f"tcg:{billed.line_id}:{period}",
    )


def lines_open_in(session: Session, *, period: str) -> list[tuple[int, datetime, str]]:
    """(line id, opened at, customer segment) of the postpaid lines active in ``period``."""
    start, end = bounds(period)
    query = (
        select(BilledLine.line_id, BilledLine.opened_at, Customer.segment)
        .join(BillingAccount, BillingAccount.id == BilledLine.account_id)
        .join(Customer, Customer.id == BillingAccount.customer_id)
        .where(BilledLine.opened_at < end)
        .where(or_(BilledLine.closed_at.is_(None), BilledLine.closed_at >= start))
        .order_by(BilledLine.line_id)
    )
    return [(int(r[0]), r[1], r[2]) for r in session.execute(query)]


def record_monthly_tcg(session: Session, *, period: str) -> int:
    """Every line active in ``period`` owes its TCG (the worker on the 1st, the bill run before
    it invoices), in one statement per thousand lines; lines already charged for it are left as
    they are. Returns the lines seen."""
    lines = lines_open_in(session, period=period)
    if not lines:  # nothing to charge (and no catalogue needed: a new database has none)
        return 0
    _, document = get_catalog(session)
    amounts = {"business": document.billing.tcg_business}
    start, _ = bounds(period)
    rows = [
        {
            "line_id": line_id,
            "kind": TCG_KIND,
            "net_cents": amounts.get(segment, document.billing.tcg_private),
            "vat_rate_bp": 0,
            "occurred_at": max(start, opened_at),
            "reference": f"tcg:{line_id}:{period}",
        }
        for line_id, opened_at, segment in lines
    ]
    insert = postgresql.insert if dialect_name(session) == "postgresql" else sqlite.insert
    for chunk in range(0, len(rows), 1000):
        session.execute(
            insert(table(BillableCharge)).on_conflict_do_nothing(index_elements=["reference"]),
            rows[chunk : chunk + 1000],
        )
    return len(lines)
