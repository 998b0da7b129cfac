"""Approved IBAN refunds paid by SEPA credit transfer: a pain.001 batch, each refund in
exactly one batch across runs (claimed by a conditional UPDATE in the batch's transaction)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sepaxml import SepaTransfer
from sepaxml.validation import ValidationError as SepaInvalid
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from saldo.care.checks import check_iban
from saldo.care.errors import SepaNotConfigured
from saldo.care.models import RefundBatch, Ticket
from saldo.care.repository import add_row
from saldo.config import CareSettings
from saldo.db import table
from saldo.kit.clock import to_rome

ticket_t = table(Ticket)
batch_t = table(RefundBatch)
SCHEMA = "pain.001.001.03"


@dataclass(frozen=True, slots=True)
class Debtor:
    """The operator's account the refunds are paid from."""

    name: str
    iban: str
    bic: str

    @classmethod
    def of(cls, care: CareSettings) -> Debtor:
        if not care.sepa_name.strip() or not care.sepa_iban.strip():
            raise SepaNotConfigured(
                "configura SALDO_CARE_SEPA_NAME e SALDO_CARE_SEPA_IBAN (conto di addebito)",
                "set SALDO_CARE_SEPA_NAME and SALDO_CARE_SEPA_IBAN (the account to pay from)",
            )
        return cls(care.sepa_name.strip(), check_iban(care.sepa_iban), care.sepa_bic.strip())


def export_refunds(session: Session, *, debtor: Debtor, now: datetime) -> RefundBatch | None:
    """A batch of every approved IBAN refund not yet exported (None when there is none);
    its XML is validated against the pain.001 schema and kept with the batch."""
    # the batch's id names its message: unique, and the same batch is never written twice
    batch_id = add_row(
        session,
        RefundBatch,
        message_id=uuid.uuid4().hex,
        count=0,
        total_cents=0,
        xml="",
        created_at=now,
    )
    msg_id = f"SALDO-{to_rome(now):%Y%m%d}-{batch_id:08d}"
    claimed = (
        session.execute(
            update(ticket_t)
            .where(
                ticket_t.c.kind == "refund",
                ticket_t.c.refund_to == "iban",
                ticket_t.c.refund_status == "approved",
            )
            .values(refund_status="exported", refund_batch_id=batch_id, updated_at=now)
            .returning(ticket_t.c.id)
        )
        .scalars()
        .all()
    )
    if not claimed:
        session.execute(batch_t.delete().where(batch_t.c.id == batch_id))
        return None
    rows = session.execute(
        select(ticket_t.c.code, ticket_t.c.amount_cents, ticket_t.c.iban, ticket_t.c.iban_holder)
        .where(ticket_t.c.refund_batch_id == batch_id)
        .order_by(ticket_t.c.id)
    ).all()
    xml = pain001(rows, debtor=debtor, msg_id=msg_id, now=now)
    total = sum(int(r.amount_cents) for r in rows)
    session.execute(
        update(batch_t)
        .where(batch_t.c.id == batch_id)
        .values(message_id=msg_id, count=len(rows), total_cents=total, xml=xml)
    )
    batch = session.get(RefundBatch, batch_id)
    assert batch is not None
    session.refresh(batch)
    return batch


def pain001(rows: Sequence[Any], *, debtor: Debtor, msg_id: str, now: datetime) -> str:
    config: dict[str, object] = {
        "name": debtor.name,
        "IBAN": debtor.iban,
        "batch": True,
        "currency": "EUR",
    }
    if debtor.bic:
        config["BIC"] = debtor.bic
    transfer = SepaTransfer(config, schema=SCHEMA, clean=True)
    transfer.msg_id = msg_id
    for row in rows:
        code, cents, iban, holder = row
        transfer.add_payment(
            {
                "name": holder,
                "IBAN": iban,
                "amount": int(cents),
                "execution_date": to_rome(now).date(),
                "description": f"Rimborso {code}",
                "endtoend_id": code.replace("-", ""),
            }
        )
    try:
        data: bytes = transfer.export(validate=True)
    except SepaInvalid as exc:  # a value the schema refuses: nothing is exported
        raise SepaNotConfigured(
            f"file SEPA non valido: {exc}", f"invalid SEPA file: {exc}"
        ) from exc
    return data.decode("utf-8")
