"""Billable charges: each amount a postpaid line owes, recorded in the transaction of the event
that causes it (the plan fee at activation, renewal and change, option fees, out-of-bundle
usage, the TCG), until invoices are built on them. Nothing here commits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from saldo.billing.models import BillableCharge
from saldo.billing.repository import charge_by_reference
from saldo.billing.vat import VatTerms, terms_for
from saldo.catalog.schemas import Plan
from saldo.catalog.service import get_catalog
from saldo.db import dialect_name, table

KINDS = ("plan_fee", "option_fee", "usage", "tcg", "indemnity", "refund")
CREDIT_KINDS = ("indemnity", "refund")
"""Amounts given back (a late complaint's indemnity, an approved refund): negative, VAT-free."""
charge_t = table(BillableCharge)


def record_charge(
    session: Session,
    *,
    line_id: int,
    kind: str,
    net_cents: int,
    vat_rate_bp: int,
    occurred_at: datetime,
    reference: str,
    code: str | None = None,
    service: str | None = None,
    zone: str | None = None,
) -> BillableCharge:
    """Record one charge, once: a reference already charged changes nothing and the first
    charge of it is answered."""
    if kind not in KINDS:
        raise ValueError(f"unknown charge kind {kind!r}")
    if vat_rate_bp < 0 or (net_cents < 0) != (kind in CREDIT_KINDS):
        raise ValueError("only indemnities and refunds are negative (else: credit notes)")
    insert = postgresql.insert if dialect_name(session) == "postgresql" else sqlite.insert
    session.execute(
        insert(charge_t)
        .values(
            line_id=line_id,
            kind=kind,
            net_cents=net_cents,
            vat_rate_bp=vat_rate_bp,
            code=code,
            service=service,
            zone=zone,
            occurred_at=occurred_at,
            reference=reference,
        )
        .on_conflict_do_nothing(index_elements=["reference"])
    )
    charge = charge_by_reference(session, reference)
    assert charge is not None
    return charge


def plan_terms(session: Session, *, version_id: int, plan: Plan) -> VatTerms:
    """The VAT terms of the prices a line on ``plan`` (of catalogue ``version_id``) pays."""
    _, document = get_catalog(session, version_id)
    return terms_for(document, plan)


def record_fee(
    session: Session,
    *,
    line_id: int,
    kind: str,
    code: str,
    fee_cents: int,
    terms: VatTerms,
    occurred_at: datetime,
    reference: str,
) -> BillableCharge | None:
    """A plan's or option's fee as the catalogue prices it (``terms``), recorded net; a free
    one records nothing (as a prepaid line's credit is not touched)."""
    if fee_cents == 0:
        return None
    return record_charge(
        session,
        line_id=line_id,
        kind=kind,
        net_cents=terms.net(fee_cents),
        vat_rate_bp=terms.rate_bp,
        occurred_at=occurred_at,
        reference=reference,
        code=code,
    )
