"""Writes of rated usage straight through the driver: one ``executemany`` per statement for
the CDR import, one statement per event on PostgreSQL (``charge`` in the caller's
transaction, ``charge_alone`` committed by itself for online charging; on SQLite a short
transaction of its own).

The CDR import writes hundreds of thousands of rows; compiling a statement per row would
cost more than rating them, and online charging pays for every round trip in latency.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from saldo.balances import ledger
from saldo.balances.errors import BalanceChanged
from saldo.billing.repository import CHARGE_COLUMNS, insert_charges
from saldo.charging import thresholds
from saldo.db import Link, Unit, dialect_name, execute, fetch_all
from saldo.kit.origin import Origin

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


def insert_usage(session: Unit, rows: Sequence[tuple[Any, ...]]) -> None:
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


_DEBIT_RETURNING = (
    "UPDATE bucket SET remaining = remaining - ? WHERE id = ? AND remaining >= ?"
    " RETURNING remaining"
)


class Expected(NamedTuple):
    """What an event was rated on, checked by ``charge_alone``: the line's ``version``
    (nothing but units changed since), and each bucket's units — enough for what is taken;
    exactly what is taken where the rating drained a bucket (``exact``, one flag per entry);
    nothing in the buckets it found empty (``empty``)."""

    line_id: int
    version: int
    exact: tuple[bool, ...]
    empty: tuple[int, ...]


class ChargeRefused(Exception):
    """A charge committed on its own refused itself; nothing of it was written."""

    def __init__(self, *, alert_due: bool) -> None:
        super().__init__("alert due" if alert_due else "balance changed")
        self.alert_due = alert_due
        """A data alert is due: charge in a transaction that also writes it."""


def charge(
    session: Session,
    entries: Sequence[ledger.Entry],
    usage_row: tuple[Any, ...],
    *,
    charge_row: tuple[Any, ...] | None = None,
    origin: Origin,
    now: datetime,
) -> dict[int, int] | None:
    """Debit each entry's bucket by its (negative) delta, write the entries, the usage row and
    the billable charge (``charge_row``, a postpaid line's), in the caller's transaction.

    All or nothing: if a bucket holds less than its entry takes (it changed since the event
    was rated), what was taken is given back, nothing is written and the answer is None.
    Otherwise the answer is each debited bucket's remaining units after the debit.
    On PostgreSQL this is one statement (one round trip); on SQLite, in-process, a few.
    """
    if dialect_name(session) == "postgresql":
        statement = _pg_charge(entries, usage_row, charge_row, origin, now, alone=False)
        rows = fetch_all(session, *statement)
        after = {int(bucket_id): int(left) for bucket_id, left in rows} if entries else {}
        if len(after) == len(entries):
            return after
    else:
        after = {}
        for e in entries:
            rows = fetch_all(session, _DEBIT_RETURNING, (-e.delta, e.bucket_id, -e.delta))
            if not rows:
                break
            after[e.bucket_id] = int(rows[0][0])
        else:
            ledger.write_entries(session, entries, origin=origin, now=now)
            insert_usage(session, [usage_row])
            if charge_row is not None:
                insert_charges(session, [charge_row])
            return after
    _give_back(session, entries, after)
    return None


def charge_alone(
    link: Link,
    entries: Sequence[ledger.Entry],
    usage_row: tuple[Any, ...],
    *,
    charge_row: tuple[Any, ...] | None = None,
    expected: Expected,
    origin: Origin,
    now: datetime,
) -> dict[int, int]:
    """``charge`` committed by itself on ``link``: it refuses itself whole — ``ChargeRefused``
    — when what the event was rated on is no longer so (``expected``) or a data alert is due.
    The answer: each debited bucket's remaining units after the debit.

    PostgreSQL: one statement. SQLite: a transaction of its own holding the database lock
    only for the checks and the writes (the rating was done before, on the kept state)."""
    if link.dialect == "sqlite":
        return _sqlite_charge_alone(link, entries, usage_row, charge_row, expected, origin, now)
    try:
        rows = fetch_all(
            link,
            *_pg_charge(entries, usage_row, charge_row, origin, now, alone=True, expected=expected),
        )
        return {int(bucket_id): int(left) for bucket_id, left in rows} if entries else {}
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != "SD001":
            raise
        raise ChargeRefused(alert_due="alert due" in str(exc.orig)) from exc


_SQLITE_DEBIT = (
    "UPDATE bucket SET remaining = remaining - ? WHERE id = ? AND status = 'active'"
    " AND remaining >= ? AND (remaining = ? OR NOT ?) RETURNING remaining, service, total"
)


@cache
def _sqlite_same_sql(empty: int) -> str:
    """``Expected``'s line version and empty buckets, as one SQLite query (1: still so)."""
    same = "SELECT (SELECT version FROM line WHERE id = ?) = ?"
    if empty:
        marks = ", ".join("?" * empty)
        same += f" AND NOT EXISTS (SELECT 1 FROM bucket WHERE id IN ({marks}) AND remaining <> 0)"
    return same


def _sqlite_charge_alone(
    link: Link,
    entries: Sequence[ledger.Entry],
    usage_row: tuple[Any, ...],
    charge_row: tuple[Any, ...] | None,
    expected: Expected,
    origin: Origin,
    now: datetime,
) -> dict[int, int]:
    execute(link, "BEGIN IMMEDIATE", ())
    try:
        same = fetch_all(
            link,
            _sqlite_same_sql(len(expected.empty)),
            (expected.line_id, expected.version, *expected.empty),
        )
        if not same[0][0]:
            raise ChargeRefused(alert_due=False)
        after: dict[int, int] = {}
        alert_due = False
        for e, exact in zip(entries, expected.exact, strict=True):
            units = -e.delta
            rows = fetch_all(link, _SQLITE_DEBIT, (units, e.bucket_id, units, units, exact))
            if not rows:
                raise ChargeRefused(alert_due=False)
            left, service, total = rows[0]
            after[e.bucket_id] = int(left)
            if service == "data" and thresholds.crossed(total, left + units, left):
                alert_due = True
        if alert_due:
            raise ChargeRefused(alert_due=True)
        ledger.write_entries(link, entries, origin=origin, now=now)
        insert_usage(link, [usage_row])
        if charge_row is not None:
            insert_charges(link, [charge_row])
        execute(link, "COMMIT", ())
        return after
    except BaseException:
        if not link.lost() and not link.idle():  # still inside its transaction
            execute(link, "ROLLBACK", ())
        raise


def _give_back(session: Session, entries: Sequence[ledger.Entry], taken: dict[int, int]) -> None:
    for e in entries:
        if e.bucket_id in taken:
            ledger.add_units(session, e.bucket_id, -e.delta)


def _alert_due() -> str:
    """SQL over the debits ``d``: a data bucket's use passed a level (thresholds.crossed)."""
    used_before = "(d.total - d.remaining - d.units) * 100"
    used_after = "(d.total - d.remaining) * 100"
    levels = " OR ".join(
        f"({used_before} < {lvl} * d.total AND {lvl} * d.total <= {used_after})"
        for lvl in thresholds.LEVELS
    )
    return f"d.service = 'data' AND d.total > 0 AND ({levels})"


# What an event was rated on is still so: the line's version (``Expected``), and the buckets
# rating found empty still are (a top-up, a refund or units given back fill them). The ids
# come in as an array joined to the buckets: as ``id = ANY(…)`` under ``NOT EXISTS``, the
# generic plan scanned the whole bucket table looking for a first row.
_SAME = (
    "(SELECT version FROM line WHERE id = %s) = %s AND NOT EXISTS (SELECT 1 FROM"
    " unnest(%s::bigint[]) AS z (id) JOIN bucket b ON b.id = z.id WHERE b.remaining <> 0)"
)


# a postpaid line's billable charge, written with the usage record it follows (``FROM u``)
_PG_BILL = (
    f"INSERT INTO billable_charge ({', '.join(CHARGE_COLUMNS)})"
    f" SELECT {', '.join(['%s'] * len(CHARGE_COLUMNS))} FROM u"
)


@cache
def _pg_charge_sql(debits: int, alone: bool, billed: bool = False) -> str:
    """Debits, their ledger entries, the usage record and (``billed``) the billable charge in
    one statement; the inserts happen only when every debit found enough (the answer lists
    the debits that did). ``alone``: the statement also checks ``Expected`` and raises
    (SD001, ``saldo_require``) rather than leave anything half done."""
    usage = (
        f"INSERT INTO usage_record ({', '.join(USAGE_COLUMNS)})"
        f" SELECT {', '.join(['%s'] * len(USAGE_COLUMNS))}"
    )
    if not debits:
        if alone:
            usage += (
                f" FROM (SELECT {_SAME} AS same) s WHERE saldo_require(s.same, 'balance changed')"
            )
        if not billed:
            return f"{usage} RETURNING 0, 0"
        return f"WITH u AS ({usage} RETURNING 1) {_PG_BILL} RETURNING 0, 0"
    answer = " SELECT id, remaining FROM d"
    if alone:
        # one check for the statement: every debit found what it expected, the rest of what
        # the event was rated on is the same, and no data alert is due
        answer = (
            f", same AS (SELECT {_SAME} AS same), fine AS (SELECT saldo_require("
            f"ok.ok AND same.same AND NOT EXISTS (SELECT 1 FROM d WHERE {_alert_due()}),"
            " CASE WHEN ok.ok AND same.same THEN 'alert due' ELSE 'balance changed' END)"
            " AS fine FROM ok, same)"
            " SELECT d.id, d.remaining FROM fine LEFT JOIN d ON true WHERE fine.fine"
        )
    values = ", ".join(["(%s::bigint, %s::bigint, %s::boolean, %s::text)"] * debits)
    return (
        f"WITH v (id, units, exact, key) AS (VALUES {values}),"
        " d AS (UPDATE bucket b SET remaining = b.remaining - v.units FROM v"
        " WHERE b.id = v.id AND b.status = 'active' AND b.remaining >= v.units"
        " AND (b.remaining = v.units OR NOT v.exact)"
        " RETURNING b.id, b.remaining, v.units, v.key, b.service, b.total),"
        f" ok AS (SELECT count(*) = {debits} AS ok FROM d),"
        " e AS (INSERT INTO ledger_entry (line_id, bucket_id, kind, delta, reference, actor,"
        " channel, idempotency_key, created_at)"
        " SELECT %s, d.id, 'charge', -d.units, %s, %s, %s, d.key, %s FROM d"
        " WHERE (SELECT ok FROM ok)),"
        f" u AS ({usage} WHERE (SELECT ok FROM ok){' RETURNING 1' if billed else ''})"
        + (f", c AS ({_PG_BILL})" if billed else "")
        + answer
    )


def _pg_charge(
    entries: Sequence[ledger.Entry],
    usage_row: tuple[Any, ...],
    charge_row: tuple[Any, ...] | None,
    origin: Origin,
    now: datetime,
    *,
    alone: bool,
    expected: Expected | None = None,
) -> tuple[str, tuple[Any, ...]]:
    """The one-statement charge and its parameters (``expected``: what ``alone`` checks)."""
    params: list[Any] = []
    # one event: one line, one reference, each bucket once (the UPDATE … FROM takes each once)
    assert len({e.bucket_id for e in entries}) == len(entries)
    assert len({(e.line_id, e.reference) for e in entries}) <= 1
    exact = expected.exact if expected is not None else (False,) * len(entries)
    for e, drained in zip(entries, exact, strict=True):
        params += (e.bucket_id, -e.delta, drained, e.key)
    if entries:
        first = entries[0]
        params += (first.line_id, first.reference, origin.actor, origin.channel, now)
    params += usage_row
    if charge_row is not None and entries:
        params += charge_row  # the charge's CTE follows the usage record's
    if alone:
        assert expected is not None, "a charge committed alone checks what it was rated on"
        params += (expected.line_id, expected.version, list(expected.empty))
    if charge_row is not None and not entries:
        params += charge_row  # the charge's INSERT follows the usage record's CTE
    return _pg_charge_sql(len(entries), alone, charge_row is not None), tuple(params)
