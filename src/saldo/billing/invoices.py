"""Reading invoices and the running invoice: who a key names, and the JSON every door shows."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from saldo.billing.document import Document, charge_lines, summarize, with_stamp
from saldo.billing.errors import CustomerNotFound, InvoiceNotFound
from saldo.billing.models import BilledLine, BillingAccount, Invoice
from saldo.billing.periods import bounds, period_of
from saldo.billing.runs import names_of, uninvoiced
from saldo.catalog.service import get_catalog
from saldo.customers.models import Customer
from saldo.customers.service import find_customer
from saldo.kit.errors import InvalidInput, NotFound
from saldo.kit.msisdn import normalize_msisdn


def accounts_for(session: Session, key: str) -> tuple[Customer, list[int]]:
    """The customer and billing accounts a key names: an MSISDN (that line's account), a
    partita IVA or a codice fiscale (every account of the customer)."""
    raw = key.strip().upper()
    if len(raw) == 16 or (len(raw.removeprefix("IT")) == 11 and raw.removeprefix("IT").isdigit()):
        try:
            customer = find_customer(session, raw)
        except NotFound:
            raise CustomerNotFound(key) from None
        ids = account_ids_of_customer(session, customer_id=customer.id)
        if not ids:
            raise CustomerNotFound(key)
        return customer, ids
    try:
        msisdn = normalize_msisdn(key)
    except InvalidInput:
        raise InvalidInput(
            f"{key!r}: atteso un numero di telefono, una partita IVA o un codice fiscale",
            f"{key!r}: expected a phone number, a partita IVA or a codice fiscale",
        ) from None
    billed = session.scalar(select(BilledLine).where(BilledLine.msisdn == msisdn))
    if billed is None:
        raise CustomerNotFound(key)
    account = session.get_one(BillingAccount, billed.account_id)
    return session.get_one(Customer, account.customer_id), [account.id]


def running_invoice(session: Session, *, account_ids: list[int], now: datetime) -> dict[str, Any]:
    """The invoice being issued ("fattura in emissione"): this month's charges so far."""
    period = period_of(now)
    start, end = bounds(period)
    rows = [row for _, row in uninvoiced(session, account_ids=account_ids, start=start, end=end)]
    _, catalog = get_catalog(session)
    lines = with_stamp(charge_lines(rows, names_of(catalog)))
    totals = summarize(lines)
    return {
        "period": period,
        "net_cents": totals.net_cents,
        "vat_cents": totals.vat_cents,
        "exempt_cents": totals.exempt_cents + totals.stamp_cents,
        "total_cents": totals.total_cents,
        "charges": [_line_json(asdict(line)) for line in lines],
    }


def _line_json(line: dict[str, Any]) -> dict[str, Any]:
    return {
        k: line[k] for k in ("msisdn", "kind", "description", "net_cents", "vat_rate_bp", "natura")
    }


def find_invoice(session: Session, number: str) -> Invoice:
    invoice = session.scalar(select(Invoice).where(Invoice.number == number.strip()))
    if invoice is None:
        raise InvoiceNotFound(number)
    return invoice


def list_invoices(
    session: Session, *, customer_ids: list[int] | None = None, account_ids: list[int] | None = None
) -> list[Invoice]:
    """Invoices and credit notes, newest first; of some customers or accounts when given."""
    query = select(Invoice).order_by(Invoice.issued_on.desc(), Invoice.id.desc())
    if customer_ids is not None:
        query = query.where(Invoice.customer_id.in_(customer_ids))
    if account_ids is not None:
        query = query.where(Invoice.account_id.in_(account_ids))
    return list(session.scalars(query))


def invoices_of_company(session: Session, *, customer_id: int) -> list[Invoice]:
    """Every invoice of every billing account of a company, and only those (the business
    area's list); its running invoice is ``running_invoice`` over
    ``account_ids_of_customer``."""
    return list_invoices(
        session, account_ids=account_ids_of_customer(session, customer_id=customer_id)
    )


def invoice_json(invoice: Invoice) -> dict[str, Any]:
    """An invoice as ``saldo invoice show --json`` and the channels give it."""
    doc = Document.from_json(invoice.document)
    buyer = doc.buyer
    customer: dict[str, Any] = {"id": invoice.customer_id, "name": buyer.name}
    if buyer.vat_number:
        customer["vat_number"] = buyer.vat_number
    else:
        customer["tax_code"] = buyer.tax_code
    return {
        "number": invoice.number,
        "date": invoice.issued_on.isoformat(),
        "due_date": invoice.due_on.isoformat(),
        "kind": invoice.kind,
        "customer": customer,
        "net_cents": invoice.net_cents,
        "vat_cents": invoice.vat_cents,
        "exempt_cents": invoice.exempt_cents,
        "stamp_cents": invoice.stamp_cents,
        "total_cents": invoice.total_cents,
        "status": invoice.status,
        "lines": [_line_json(asdict(line)) for line in doc.lines],
    }


def last_invoice_of_line(session: Session, *, msisdn: str) -> Invoice | None:
    """The newest invoice of the billing account a postpaid line belongs to (None for a
    prepaid line or before the first bill run): what SMS FATTURA and the voice menu tell."""
    account = select(BilledLine.account_id).where(BilledLine.msisdn == msisdn).scalar_subquery()
    return session.scalar(
        select(Invoice)
        .where(Invoice.account_id == account, Invoice.kind == "invoice")
        .order_by(Invoice.issued_on.desc(), Invoice.id.desc())
        .limit(1)
    )


def account_ids_of_customer(session: Session, *, customer_id: int) -> list[int]:
    """Every billing account of a customer (a company's, for the business area)."""
    query = select(BillingAccount.id).where(BillingAccount.customer_id == customer_id)
    return [int(i) for i in session.scalars(query.order_by(BillingAccount.id))]
