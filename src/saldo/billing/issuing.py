"""Issuing a document: its parties from the catalogue and the customer, its number, its XML
validated, the row stored. Shared by the bill run and credit notes. Nothing here commits."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sqlalchemy.orm import Session

from saldo.billing.document import Document, Party
from saldo.billing.errors import CustomerDataMissing, OperatorDataMissing
from saldo.billing.models import BillingAccount, Invoice
from saldo.billing.numbering import take_numbers
from saldo.billing.xml import file_name, render_xml
from saldo.catalog.schemas import CatalogDocument
from saldo.customers.models import Customer

CUSTOMER_FIELDS = {
    "name": "nome",
    "address": "indirizzo",
    "zip": "CAP",
    "city": "comune",
    "country": "nazione",
}


def seller_of(catalog: CatalogDocument) -> Party:
    """The operator as ``[operator]`` describes it; OperatorDataMissing when it cannot bill."""
    op = catalog.operator
    missing = op.missing_for_invoices()
    if missing:
        raise OperatorDataMissing(missing)
    assert op.address and op.zip and op.city
    return Party(
        name=op.legal_name or op.name,
        address=op.address,
        zip=op.zip,
        city=op.city,
        province=op.province,
        country=op.country,
        vat_number=op.vat_number,
        tax_regime=op.tax_regime,
        rea_office=op.rea_office,
        rea_number=op.rea_number,
        iban=op.iban,
    )


def buyer_of(customer: Customer) -> Party:
    """The customer as an invoice names them; CustomerDataMissing naming what is lacking."""
    missing = [label for attr, label in CUSTOMER_FIELDS.items() if not getattr(customer, attr)]
    if customer.country in (None, "IT") and not customer.province:
        missing.append("provincia")
    if not (customer.vat_number or customer.tax_code):
        missing.append("partita IVA o codice fiscale")
    if missing:
        who = customer.vat_number or customer.tax_code or f"#{customer.id}"
        raise CustomerDataMissing(
            f"cliente {who}: mancano i dati per la fattura ({', '.join(missing)}); "
            f"completali con saldo customer update",
            f"customer {who}: invoice data missing ({', '.join(missing)}); "
            f"complete them with saldo customer update",
        )
    assert customer.name and customer.address and customer.zip and customer.city
    return Party(
        name=customer.name,
        address=customer.address,
        zip=customer.zip,
        city=customer.city,
        province=customer.province,
        country=customer.country or "IT",
        vat_number=customer.vat_number,
        tax_code=None if customer.vat_number else customer.tax_code,
        email=customer.email,
        pec=customer.pec,
        sdi_code=customer.sdi_code,
    )


def payment_terms(account: BillingAccount) -> tuple[str, dict[str, str]]:
    """MP19 with the mandate's data when the account has a SEPA mandate, MP05 otherwise."""
    if account.mandate_id and account.mandate_iban:
        return "MP19", {"mandate_id": account.mandate_id, "mandate_iban": account.mandate_iban}
    return "MP05", {}


def issue(
    session: Session,
    *,
    draft: Document,
    account: BillingAccount,
    kind: str,
    issue_key: str,
    series: str,
    issued_on: date,
    now: datetime,
    credits_invoice_id: int | None = None,
) -> Invoice:
    """Number ``draft``, render and validate its XML, store it. The number is taken last, in
    this transaction: a document that fails gives it back on rollback."""
    number, progressive = take_numbers(session, series=series, year=issued_on.year)
    doc = replace(draft, number=number, progressive=progressive)
    xml = render_xml(doc)
    seller_vat = doc.seller.vat_number or ""
    totals = doc.totals
    invoice = Invoice(
        number=number,
        kind=kind,
        account_id=account.id,
        customer_id=account.customer_id,
        period=doc.period,
        issue_key=issue_key,
        issued_on=issued_on,
        due_on=date.fromisoformat(doc.due_date),
        net_cents=totals.net_cents,
        vat_cents=totals.vat_cents,
        exempt_cents=totals.exempt_cents,
        stamp_cents=totals.stamp_cents,
        total_cents=totals.total_cents,
        status="issued",
        credits_invoice_id=credits_invoice_id,
        reason=doc.reason,
        payment_method=doc.payment_method,
        document=doc.to_json(),
        xml=xml.decode("utf-8"),
        file_name=file_name(seller_vat, doc.progressive),
        created_at=now,
    )
    session.add(invoice)
    session.flush()
    return invoice
