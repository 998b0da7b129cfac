"""Billable charges as hot paths write them (straight through the driver) and read them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from saldo.billing.models import BillableCharge
from saldo.db import Unit, execute

CHARGE_COLUMNS = (
    "line_id",
    "kind",
    "net_cents",
    "vat_rate_bp",
    "code",
    "service",
    "zone",
    "occurred_at",
    "reference",
)
_INSERT_CHARGE = (
    f"INSERT INTO billable_charge ({', '.join(CHARGE_COLUMNS)})"
    f" VALUES ({', '.join(['?'] * len(CHARGE_COLUMNS))})"
)


def insert_charges(unit: Unit, rows: Sequence[tuple[Any, ...]]) -> None:
    """Rows in CHARGE_COLUMNS order, timestamps already passed through ``db_time``; the
    caller has made sure no reference was charged before (its event id is new)."""
    if len(rows) == 1:
        execute(unit, _INSERT_CHARGE, rows[0])
    elif rows:
        execute(unit, _INSERT_CHARGE, list(rows), many=True)


def charge_by_reference(session: Session, reference: str) -> BillableCharge | None:
    return session.scalar(select(BillableCharge).where(BillableCharge.reference == reference))


def charges_of_line(session: Session, line_id: int) -> list[BillableCharge]:
    """A line's charges, in the order they occurred."""
    return list(
        session.scalars(
            select(BillableCharge)
            .where(BillableCharge.line_id == line_id)
            .order_by(BillableCharge.occurred_at, BillableCharge.id)
        )
    )
