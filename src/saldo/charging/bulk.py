"""Writes of rated usage straight through the driver: one ``executemany`` per statement.

The CDR import writes hundreds of thousands of rows; compiling a statement per row would
cost more than rating them, and online charging pays for every statement in latency.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from saldo.balances.errors import BalanceChanged
from saldo.db import execute

USAGE_COLUMNS = (
    "event_id",
    "line_id",
    "service",
    "zone",
    "started_at",
    "quantity",
    "destination",
    "covered",
    "billed_units",
    "charge_cents",
    "credit_cents",
    "unpaid_cents",
    "source",
    "rated_at",
)
_INSERT_USAGE = (
    f"INSERT INTO usage_record ({', '.join(USAGE_COLUMNS)})"
    f" VALUES ({', '.join(['?'] * len(USAGE_COLUMNS))})"
)
_DEBIT = "UPDATE bucket SET remaining = remaining - ? WHERE id = ? AND remaining >= ?"


def insert_usage(session: Session, rows: Sequence[tuple[Any, ...]]) -> None:
    """Rows in USAGE_COLUMNS order, timestamps already passed through ``db_time``."""
    if len(rows) == 1:
        execute(session, _INSERT_USAGE, rows[0])
    elif rows:
        execute(session, _INSERT_USAGE, list(rows), many=True)


def debit_many(session: Session, deltas: Sequence[tuple[int, int]]) -> None:
    """Take (bucket id, units) from each bucket; every one must have enough, or none is taken.

    For a batch that holds the buckets' locks: a shortfall is a bug, and the caller's
    transaction is rolled back whole.
    """
    if not deltas:
        return
    count = execute(session, _DEBIT, [(u, b, u) for b, u in deltas], many=True)
    if count not in (len(deltas), -1):
        raise BalanceChanged()
