"""Every change of a bucket, with its ledger entry, in one place — but for rated usage,
whose debits and entries ``charging.bulk`` writes in bulk statements of its own (the same
conditional debits, the same entries, in the same transaction).

Debits are one conditional UPDATE whose row count is checked: atomic on SQLite and PostgreSQL
alike, never a read-then-write in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import CursorResult, insert, select, update
from sqlalchemy.orm import Session

from saldo.balances.errors import BalanceChanged
from saldo.db import Unit, bind_time, dialect_name, execute, table

__all__ = ["BalanceChanged"]
from saldo.balances.models import Bucket, LedgerEntry
from saldo.kit.origin import Origin

bucket_t = table(Bucket)
ledger_t = table(LedgerEntry)


class Entry(NamedTuple):
    """A ledger entry to write (a tuple: the CDR import makes hundreds of thousands)."""

    line_id: int
    bucket_id: int
    kind: str
    delta: int
    key: str
    reference: str | None = None


_LEDGER_INSERT = (
    "INSERT INTO ledger_entry (line_id, bucket_id, kind, delta, reference, actor, channel,"
    " idempotency_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def write_entries(
    session: Unit, entries: Sequence[Entry], *, origin: Origin, now: datetime
) -> None:
    """Insert ledger rows (the bucket updates are the caller's, in the same transaction)."""
    if not entries:
        return
    at = bind_time(dialect_name(session), now)
    actor, channel = origin.actor, origin.channel
    rows = [
        (e.line_id, e.bucket_id, e.kind, e.delta, e.reference, actor, channel, e.key, at)
        for e in entries
    ]
    # one row: a plain execute (a driver's executemany may cost a pipeline sync of its own)
    if len(rows) == 1:
        execute(session, _LEDGER_INSERT, rows[0])
    else:
        execute(session, _LEDGER_INSERT, rows, many=True)


def try_debit(session: Session, bucket_id: int, amount: int) -> bool:
    """Take ``amount`` from a bucket if it has that much; True when it did."""
    if amount == 0:
        return True
    sql = "UPDATE bucket SET remaining = remaining - ? WHERE id = ? AND remaining >= ?"
    return execute(session, sql, (amount, bucket_id, amount)) == 1


def add_units(session: Session, bucket_id: int, amount: int) -> None:
    execute(
        session, "UPDATE bucket SET remaining = remaining + ? WHERE id = ?", (amount, bucket_id)
    )


def _rowcount(result: Any) -> int:
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


def debit_all(session: Session, draws: Sequence[tuple[int, int]]) -> None:
    """Take every (bucket, units) or none: a failed draw gives back the ones already taken."""
    done: list[tuple[int, int]] = []
    for bucket_id, units in draws:
        if not try_debit(session, bucket_id, units):
            for taken_id, taken in done:
                add_units(session, taken_id, taken)
            raise BalanceChanged()
        done.append((bucket_id, units))


def create_bucket(
    session: Session,
    *,
    line_id: int,
    service: str,
    zone: str,
    source: str,
    unit: str,
    amount: int,
    unlimited: bool,
    valid_from: datetime,
    expires_at: datetime | None,
    key: str,
    origin: Origin,
    now: datetime,
    source_code: str | None = None,
    source_ref: int | None = None,
    kind: str = "grant",
    reference: str | None = None,
) -> int:
    """A new bucket holding ``amount`` units, explained by one grant entry."""
    bucket_id = session.execute(
        insert(bucket_t)
        .values(
            line_id=line_id,
            service=service,
            zone=zone,
            source=source,
            source_code=source_code,
            source_ref=source_ref,
            unit=unit,
            unlimited=unlimited,
            total=amount,
            initial=0,
            remaining=amount,
            valid_from=valid_from,
            expires_at=expires_at,
            status="active",
            created_at=now,
        )
        .returning(bucket_t.c.id)
    ).scalar_one()
    write_entries(
        session,
        [Entry(line_id, bucket_id, kind, amount, f"{key}:{bucket_id}", reference)],
        origin=origin,
        now=now,
    )
    return int(bucket_id)


def expire_bucket(
    session: Session, *, bucket_id: int, line_id: int, key: str, origin: Origin, now: datetime
) -> int:
    """Close a bucket: what is left is written off by an expiry entry. Returns the units."""
    for _ in range(10):
        row = session.execute(
            select(bucket_t.c.remaining, bucket_t.c.status).where(bucket_t.c.id == bucket_id)
        ).one()
        if row.status != "active":
            return 0
        result = session.execute(
            update(bucket_t)
            .where(
                bucket_t.c.id == bucket_id,
                bucket_t.c.remaining == row.remaining,
                bucket_t.c.status == "active",
            )
            .values(remaining=0, status="expired")
        )
        if _rowcount(result) == 1:
            write_entries(
                session,
                [Entry(line_id, bucket_id, "expiry", -int(row.remaining), f"{key}:{bucket_id}")],
                origin=origin,
                now=now,
            )
            return int(row.remaining)
    raise BalanceChanged()
