"""Set-based writes for batch rating: one DB-API ``executemany`` per statement.

The CDR import writes hundreds of thousands of rows; compiling a statement per row would
cost more than rating them. These helpers speak the driver's own parameter style.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from saldo.balances.errors import BalanceChanged
from saldo.db import bind_time

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


def _marker(conn: Connection) -> str:
    return "?" if conn.dialect.name == "sqlite" else "%s"


def timestamp(conn: Connection, moment: datetime) -> Any:
    """A UTC instant as the column stores it (SQLite: the text SQLAlchemy writes)."""
    return bind_time(conn.dialect.name, moment)


def _insert_sql(conn: Connection, table: str, columns: Sequence[str]) -> str:
    marks = ", ".join([_marker(conn)] * len(columns))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


def insert_usage(conn: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Rows in USAGE_COLUMNS order, timestamps already passed through ``timestamp``."""
    if rows:
        sql = _insert_sql(conn, "usage_record", USAGE_COLUMNS)
        conn.exec_driver_sql(sql, rows[0] if len(rows) == 1 else list(rows))


def debit_many(conn: Connection, deltas: Sequence[tuple[int, int]]) -> None:
    """Take (bucket id, units) from each bucket; every one must have enough, or none is taken."""
    if not deltas:
        return
    m = _marker(conn)
    result = conn.exec_driver_sql(
        f"UPDATE bucket SET remaining = remaining - {m} WHERE id = {m} AND remaining >= {m}",
        [(units, bucket_id, units) for bucket_id, units in deltas],
    )
    if result.rowcount not in (len(deltas), -1):
        raise BalanceChanged()
