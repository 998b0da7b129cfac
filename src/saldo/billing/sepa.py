"""SEPA direct debit: a billing account's mandate, and the pain.008 batch that collects its
invoices (sepaxml, validated against the pain.008 schema it ships) on their due dates.

An invoice is collected once: the batch's name is written on its invoices in the transaction
that commits, and the file gets its final name only after that commit. A crash before the
commit leaves a ``.part`` file and no invoice marked (the next run collects them); never two
batches with the same invoice.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from saldo.billing.errors import OperatorDataMissing
from saldo.billing.models import BillingAccount, Invoice
from saldo.catalog.service import get_catalog
from saldo.customers.models import Customer
from saldo.kit.errors import InvalidInput
from saldo.kit.fiscal import normalize_iban
from saldo.kit.validators import check_text
from saldo.runtime import Runtime

SCHEMA = "pain.008.001.08"


def set_mandate(
    session: Session, *, account: BillingAccount, iban: str, mandate_id: str, signed_on: date
) -> BillingAccount:
    """Give the account a SEPA mandate: its next invoices are paid by direct debit (MP19)."""
    mandate = check_text(mandate_id.strip(), field="--mandate-id", max_length=35)
    if not mandate or not all(c.isascii() and (c.isalnum() or c in "-/?:().,'+ ") for c in mandate):
        raise InvalidInput(
            "--mandate-id: da 1 a 35 caratteri (lettere, cifre, - / ? : ( ) . , ' +)",
            "--mandate-id: 1 to 35 characters (letters, digits, - / ? : ( ) . , ' +)",
        )
    account.mandate_iban = normalize_iban(iban)
    account.mandate_id = mandate
    account.mandate_signed_on = signed_on
    session.flush()
    return account


@dataclass(frozen=True, slots=True)
class Batch:
    path: Path
    invoices: int
    total_cents: int


def _payments(session: Session, pending: list[Invoice]) -> list[dict[str, object]]:
    payments: list[dict[str, object]] = []
    for invoice in pending:
        account = session.get_one(BillingAccount, invoice.account_id)
        customer = session.get_one(Customer, invoice.customer_id)
        collected_before = session.scalar(
            select(Invoice.id)
            .where(Invoice.account_id == account.id, Invoice.collection_file.is_not(None))
            .limit(1)
        )
        payments.append(
            {
                "name": customer.name or "",
                "IBAN": account.mandate_iban,
                "amount": invoice.total_cents,
                "type": "RCUR" if collected_before else "FRST",
                "collection_date": invoice.due_on,
                "mandate_id": account.mandate_id,
                "mandate_date": account.mandate_signed_on,
                "description": f"Fattura {invoice.number}",
                "endtoend_id": invoice.number.replace("/", "-"),
            }
        )
    return payments


def write_batch(rt: Runtime, *, now: datetime) -> Batch | None:
    """Write the pain.008 batch of every MP19 invoice not collected yet; None when none is."""
    from sepaxml import SepaDD  # imported on use, as xmlschema (which it validates with)

    folder = Path(rt.settings.sepa_dir)
    with rt.transaction() as session:
        pending = list(
            session.scalars(
                select(Invoice)
                .where(Invoice.payment_method == "MP19", Invoice.collection_file.is_(None))
                .where(Invoice.kind == "invoice", Invoice.status.in_(("issued", "overdue")))
                .order_by(Invoice.id)
            )
        )
        if not pending:
            return None
        _, catalog = get_catalog(session)
        operator = catalog.operator
        if operator.sepa_creditor_id is None or operator.iban is None:
            raise OperatorDataMissing(["sepa_creditor_id", "iban"])
        sepa = SepaDD(
            {
                "name": operator.legal_name or operator.name,
                "IBAN": operator.iban,
                "batch": True,
                "creditor_id": operator.sepa_creditor_id,
                "currency": "EUR",
            },
            schema=SCHEMA,
            clean=True,
        )
        for payment in _payments(session, pending):
            sepa.add_payment(payment)
        data = sepa.export(validate=True, pretty_print=True)
        name = f"pain008-{now.strftime('%Y%m%dT%H%M%S')}-{pending[0].id}.xml"
        for invoice in pending:
            invoice.collection_file = name
        session.flush()
        folder.mkdir(parents=True, exist_ok=True)
        part = folder / (name + ".part")
        with part.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    os.replace(part, folder / name)
    return Batch(folder / name, len(pending), sum(i.total_cents for i in pending))
