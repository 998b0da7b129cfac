"""The monthly bill run: one TD01 per billing account with uninvoiced charges of the month.

Each account is issued in a transaction of its own, so a run that stops (a crash, Ctrl-C)
resumes where it was: an account already invoiced for the period is skipped (its issue key is
unique), as are charges already invoiced. An account that cannot be invoiced (missing data, a
document the schema refuses) is reported and the run goes on with the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from saldo.billing.accounts import record_monthly_tcg
from saldo.billing.document import ChargeRow, Document, charge_lines, summarize, with_stamp
from saldo.billing.issuing import buyer_of, issue, payment_terms, seller_of
from saldo.billing.models import BillableCharge, BilledLine, BillingAccount, BillRun, Invoice
from saldo.billing.periods import bounds, period_of, previous
from saldo.billing.sepa import write_batch
from saldo.catalog.schemas import CatalogDocument
from saldo.catalog.service import get_catalog
from saldo.customers.models import Customer
from saldo.db import dialect_name, table
from saldo.kit.clock import to_rome
from saldo.kit.errors import Conflict, SaldoError
from saldo.runtime import Runtime

log = structlog.get_logger("saldo.billing")


@dataclass
class RunReport:
    period: str
    accounts: int = 0
    issued: list[str] = field(default_factory=list)
    skipped: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    """(billing account id, message) of the accounts left uninvoiced."""
    sepa_batch: str | None = None
    """The pain.008 file written for the direct debit invoices."""


def accounts_to_bill(session: Session, *, period: str) -> list[int]:
    """Billing accounts with uninvoiced charges dated in ``period``."""
    start, end = bounds(period)
    query = (
        select(BilledLine.account_id)
        .join(BillableCharge, BillableCharge.line_id == BilledLine.line_id)
        .where(BillableCharge.invoice_id.is_(None))
        .where(BillableCharge.occurred_at >= start, BillableCharge.occurred_at < end)
        .distinct()
        .order_by(BilledLine.account_id)
    )
    return [int(a) for a in session.scalars(query)]


def uninvoiced(
    session: Session, *, account_ids: list[int], start: datetime, end: datetime
) -> list[tuple[int, ChargeRow]]:
    """(charge id, row) of the accounts' charges not yet invoiced, in [start, end)."""
    query = (
        select(
            BillableCharge.id,
            BilledLine.msisdn,
            BillableCharge.kind,
            BillableCharge.code,
            BillableCharge.service,
            BillableCharge.net_cents,
            BillableCharge.vat_rate_bp,
        )
        .join(BilledLine, BilledLine.line_id == BillableCharge.line_id)
        .where(BilledLine.account_id.in_(account_ids))
        .where(BillableCharge.invoice_id.is_(None))
        .where(BillableCharge.occurred_at >= start, BillableCharge.occurred_at < end)
        .order_by(BillableCharge.id)
    )
    return [(r[0], ChargeRow(*r[1:])) for r in session.execute(query)]


def names_of(catalog: CatalogDocument) -> dict[str, str]:
    """Plan and option names by code, as invoice lines show them."""
    return {p.code: p.name for p in catalog.plan} | {o.code: o.name for o in catalog.option}


def invoice_account(
    session: Session,
    *,
    account_id: int,
    period: str,
    now: datetime,
    catalog: CatalogDocument | None = None,
) -> Invoice | None:
    """Issue the period's invoice of one account; None when there is nothing (left) to bill.
    An invoice of the period already there makes the insert fail (its issue key is unique)."""
    start, end = bounds(period)
    charges = uninvoiced(session, account_ids=[account_id], start=start, end=end)
    if not charges:
        return None
    account, customer = session.execute(
        select(BillingAccount, Customer)
        .join(Customer, Customer.id == BillingAccount.customer_id)
        .where(BillingAccount.id == account_id)
    ).one()
    catalog = catalog or get_catalog(session)[1]
    key = f"run:{account_id}:{period}"
    today = to_rome(now).date()
    method, extra = payment_terms(account)
    lines = with_stamp(charge_lines((row for _, row in charges), names_of(catalog)))
    draft = Document(
        type="TD01",
        number="",
        date=today.isoformat(),
        due_date=(today + timedelta(days=catalog.billing.due_days)).isoformat(),
        progressive="",
        seller=seller_of(catalog),
        buyer=buyer_of(customer),
        lines=tuple(lines),
        totals=summarize(lines),
        payment_method=method,
        period=period,
        extra=extra,
    )
    invoice = issue(
        session,
        draft=draft,
        account=account,
        kind="invoice",
        issue_key=key,
        series=catalog.billing.series,
        issued_on=today,
        now=now,
    )
    ids = [charge_id for charge_id, _ in charges]
    marked = session.execute(
        update(BillableCharge)
        .where(BillableCharge.id.in_(ids), BillableCharge.invoice_id.is_(None))
        .values(invoice_id=invoice.id)
        .execution_options(synchronize_session=False)
    )
    if marked.rowcount != len(ids):  # type: ignore[attr-defined]
        raise Conflict("addebiti fatturati da un'altra emissione", "charges billed by another run")
    return invoice


BATCH = 50
"""Accounts issued per transaction, each in a savepoint of its own: a commit per invoice would
cost more than the invoice on PostgreSQL. A crash loses at most one batch, issued again on
resume (nothing of it was committed)."""


def run_bills(
    rt: Runtime,
    *,
    period: str,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> RunReport:
    """Invoice every account with charges in ``period``: an account that cannot be invoiced
    is reported and left out, the others go on."""
    with rt.transaction() as session:
        record_monthly_tcg(session, period=period)
    with rt.read() as session:
        accounts = accounts_to_bill(session, period=period)
        if accounts:  # a catalogue without the operator's data stops the run at once
            seller_of(get_catalog(session)[1])
    report = RunReport(period, accounts=len(accounts))
    for start in range(0, len(accounts), BATCH):
        chunk = accounts[start : start + BATCH]
        issued: list[str] = []
        errors: list[tuple[int, str]] = []
        with rt.transaction() as session:
            catalog = get_catalog(session)[1]
            for account_id in chunk:
                _one(session, issued, errors, account_id=account_id, period=period, now=now,
                     catalog=catalog)  # fmt: skip
        report.issued += issued
        report.errors += errors
        report.skipped += len(chunk) - len(issued) - len(errors)
        if progress is not None:
            progress(start + len(chunk), len(accounts))
    batch = write_batch(rt, now=now)
    report.sepa_batch = str(batch.path) if batch else None
    return report


def _one(
    session: Session,
    issued: list[str],
    errors: list[tuple[int, str]],
    *,
    account_id: int,
    period: str,
    now: datetime,
    catalog: CatalogDocument,
) -> None:
    savepoint = session.begin_nested()
    try:
        invoice = invoice_account(
            session, account_id=account_id, period=period, now=now, catalog=catalog
        )
        savepoint.commit()
    except (IntegrityError, Conflict):
        savepoint.rollback()  # another run issued this account's invoice first
        return
    except SaldoError as exc:
        savepoint.rollback()
        errors.append((account_id, exc.message_it))
        return
    if invoice is not None:
        issued.append(invoice.number)


def monthly(rt: Runtime, *, now: datetime) -> int:
    """The worker's job: once a month, from the 1st, invoice the month before (once), and
    charge this month's TCG. Returns the invoices issued."""
    current = period_of(now)
    month = previous(current)
    with rt.read() as session:
        if session.get(BillRun, month) is not None:
            return 0
    try:
        report = run_bills(rt, period=month, now=now)
    except SaldoError as exc:  # the operator's data missing: tried again at the next pass
        log.error("bill_run_refused", period=month, error=exc.message_en)
        return 0
    with rt.transaction() as session:
        record_monthly_tcg(session, period=current)
        insert = postgresql.insert if dialect_name(session) == "postgresql" else sqlite.insert
        session.execute(
            insert(table(BillRun))
            .values(
                period=month, finished_at=now, issued=len(report.issued), errors=len(report.errors)
            )
            .on_conflict_do_nothing(index_elements=["period"])
        )
    return len(report.issued)
