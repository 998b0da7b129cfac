"""Credit notes (TD04) and payments of invoices: corrections are new documents pointing at what
they correct; a payment reference pays once. Nothing here commits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from saldo.billing.document import Document, Line, summarize
from saldo.billing.errors import AlreadyPaid, CreditTooLarge, NotPayable, PaymentRefReused
from saldo.billing.invoices import find_invoice
from saldo.billing.issuing import issue
from saldo.billing.models import BillingAccount, Invoice
from saldo.catalog.service import get_catalog
from saldo.kit.clock import to_rome
from saldo.kit.errors import InvalidInput
from saldo.kit.money import format_eur


def credited_cents(session: Session, invoice_id: int) -> int:
    """The taxable amount already credited on an invoice."""
    total = session.scalar(
        select(func.coalesce(func.sum(Invoice.net_cents), 0)).where(
            Invoice.credits_invoice_id == invoice_id
        )
    )
    return int(total or 0)


def main_rate(doc: Document) -> int:
    """The invoice's VAT rate a credit is taxed at: the rate of its largest taxable amount."""
    taxed = [g for g in doc.totals.groups if g.natura is None]
    if not taxed:
        raise InvalidInput(
            "la fattura non ha importi soggetti a IVA da stornare",
            "the invoice has no taxable amount to credit",
        )
    return max(taxed, key=lambda g: g.taxable_cents).rate_bp


@dataclass(frozen=True, slots=True)
class CreditResult:
    note: Invoice
    replayed: bool


def issue_credit_note(
    session: Session, *, number: str, amount_cents: int, reason: str, ref: str | None, now: datetime
) -> CreditResult:
    """A TD04 crediting ``amount_cents`` (taxable, VAT added at the invoice's rate) of invoice
    ``number``; never more than what remains of it. The same ``ref`` issues one."""
    invoice = find_invoice(session, number)
    key = f"credit:{invoice.id}:{ref}" if ref else None
    if key:
        existing = session.scalar(select(Invoice).where(Invoice.issue_key == key))
        if existing is not None:
            return CreditResult(existing, True)
    if invoice.kind != "invoice":
        raise NotPayable(
            f"{number} è una nota di credito: si stornano solo le fatture",
            f"{number} is a credit note: only invoices can be credited",
        )
    if amount_cents <= 0:
        raise InvalidInput("--amount: deve essere sopra zero", "--amount: must be above zero")
    # the invoice row is locked (PostgreSQL) so that two credits at once see each other
    session.execute(select(Invoice.id).where(Invoice.id == invoice.id).with_for_update())
    remaining = invoice.net_cents - credited_cents(session, invoice.id)
    if amount_cents > remaining:
        raise CreditTooLarge(
            f"{number}: restano da stornare {format_eur(remaining)} di imponibile, "
            f"non {format_eur(amount_cents)}",
            f"{number}: {format_eur(remaining)} taxable left to credit, "
            f"not {format_eur(amount_cents)}",
        )
    doc = Document.from_json(invoice.document)
    _, catalog = get_catalog(session)
    today = to_rome(now).date()
    lines = (
        Line(f"Storno parziale fattura {number}: {reason}", "credit", amount_cents, main_rate(doc)),
    )
    draft = replace(
        doc,
        type="TD04",
        date=today.isoformat(),
        due_date=today.isoformat(),
        lines=lines,
        totals=summarize(lines),
        period=None,
        linked_number=invoice.number,
        linked_date=invoice.issued_on.isoformat(),
        reason=reason,
    )
    note = issue(
        session,
        draft=draft,
        account=session.get_one(BillingAccount, invoice.account_id),
        kind="credit_note",
        issue_key=key or f"credit:{invoice.id}:{uuid.uuid4().hex}",
        series=catalog.billing.series,
        issued_on=today,
        now=now,
        credits_invoice_id=invoice.id,
    )
    if amount_cents == remaining:
        invoice.status = "credited"
    session.flush()
    return CreditResult(note, False)


@dataclass(frozen=True, slots=True)
class PaymentResult:
    invoice: Invoice
    replayed: bool


def pay_invoice(session: Session, *, number: str, ref: str, now: datetime) -> PaymentResult:
    """Record the payment ``ref`` of invoice ``number``: the same reference twice pays once;
    a paid (or credited) invoice is not paid again."""
    invoice = find_invoice(session, number)
    if invoice.payment_ref == ref:
        return PaymentResult(invoice, True)
    used = session.scalar(select(Invoice.number).where(Invoice.payment_ref == ref))
    if used is not None:
        raise PaymentRefReused(
            f"il pagamento {ref} ha già saldato la fattura {used}",
            f"payment {ref} already paid invoice {used}",
        )
    if invoice.kind != "invoice" or invoice.status not in ("issued", "overdue"):
        if invoice.status == "paid":
            raise AlreadyPaid(number)
        raise NotPayable(
            f"la fattura {number} è {invoice.status}: non si paga",
            f"invoice {number} is {invoice.status}: it cannot be paid",
        )
    # one conditional statement: of two payments at once, one finds the invoice still open
    paid = session.execute(
        update(Invoice)
        .where(Invoice.id == invoice.id, Invoice.status.in_(("issued", "overdue")))
        .values(status="paid", payment_ref=ref, paid_at=now)
        .execution_options(synchronize_session=False)
    )
    session.refresh(invoice)
    if paid.rowcount != 1:  # type: ignore[attr-defined]
        if invoice.payment_ref == ref:  # the same payment, recorded a moment ago
            return PaymentResult(invoice, True)
        raise AlreadyPaid(number)
    return PaymentResult(invoice, False)
