"""The balance snapshot and the ledger check."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from saldo.balances.errors import UnknownLine
from saldo.balances.models import Bucket, LedgerEntry
from saldo.balances.schemas import AllowanceView, OptionView, PlanView, Snapshot
from saldo.catalog.service import document_for
from saldo.db import db_time, fetch_all, table, utc

bucket_t = table(Bucket)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def wallet_id(session: Session, line_id: int) -> int:
    """The id of the line's credit wallet."""
    return int(
        session.execute(
            select(bucket_t.c.id).where(
                bucket_t.c.line_id == line_id, bucket_t.c.service == "credit"
            )
        ).scalar_one()
    )


def credit_of(session: Session, line_id: int) -> int:
    """Prepaid credit in cents."""
    return int(
        session.execute(
            select(bucket_t.c.remaining).where(
                bucket_t.c.line_id == line_id, bucket_t.c.service == "credit"
            )
        ).scalar_one()
    )


class LineRow(NamedTuple):
    """The line's columns of a snapshot row (``l.``, and its catalogue version's checksum)."""

    id: int
    msisdn: str
    status: str
    billing: str
    plan_code: str
    plan_status: str
    renews_at: Any
    catalog_version_id: int
    checksum: str


class BucketRow(NamedTuple):
    """A bucket's columns of a snapshot row (``b.``); all None for a line without one."""

    id: int
    service: str
    zone: str
    source: str
    source_code: str | None
    unit: str
    unlimited: bool
    total: int
    remaining: int
    expires_at: Any


class OptionRow(NamedTuple):
    """An option's columns of a snapshot row (``o.``); all None for a line without one."""

    id: int
    option_code: str
    fee_cents: int
    recurring: bool
    expires_at: Any


def _columns(alias: str, fields: tuple[str, ...], **elsewhere: str) -> str:
    return ", ".join(elsewhere.get(name, f"{alias}.{name}") for name in fields)


# The snapshot is read on every enquiry of every channel: one hand-written statement, so a
# read-only unit of work needs one round trip and sees one consistent state. Its columns are
# the fields of the three row shapes above, in their order, so a column added to a shape is
# selected and read by its name; its columns and joins from ``line l`` are shared with the
# app's balance, which finds the line by session.
SNAPSHOT_COLUMNS = ", ".join(
    (
        _columns("l", LineRow._fields, checksum="c.checksum"),
        _columns("b", BucketRow._fields),
        _columns("o", OptionRow._fields),
    )
)
SNAPSHOT_WIDTH = len(LineRow._fields) + len(BucketRow._fields) + len(OptionRow._fields)
"""How many columns ``SNAPSHOT_COLUMNS`` selects: a statement that selects others first
passes the last ``SNAPSHOT_WIDTH`` of each row to ``snapshot_from_rows``."""
_BUCKET_AT = len(LineRow._fields)
_OPTION_AT = _BUCKET_AT + len(BucketRow._fields)
SNAPSHOT_JOINS = (
    "JOIN catalog_version c ON c.id = l.catalog_version_id"
    " LEFT JOIN bucket b ON b.line_id = l.id AND b.status = 'active' AND b.valid_from <= ?"
    " AND (b.expires_at IS NULL OR b.expires_at > ?)"
    " LEFT JOIN line_option o ON o.line_id = l.id AND o.status = 'active'"
)
"""Two parameters: the instant of the snapshot, twice (``snapshot_params``)."""
_SNAPSHOT_SQL = f"SELECT {SNAPSHOT_COLUMNS} FROM line l {SNAPSHOT_JOINS} WHERE l.msisdn = ?"


def _bucket_order(bucket: BucketRow) -> tuple[bool, datetime, int]:
    expires = utc(bucket.expires_at)
    return (expires is None, expires or _EPOCH, bucket.id)


def snapshot_params(session: Session, now: datetime) -> tuple[Any, Any]:
    at = db_time(session, now)
    return at, at


def get_snapshot(session: Session, *, msisdn: str, now: datetime) -> Snapshot:
    """Credit, plan and every allowance valid now: what every channel shows."""
    rows = fetch_all(session, _SNAPSHOT_SQL, (*snapshot_params(session, now), msisdn))
    if not rows:
        raise UnknownLine(msisdn)
    return snapshot_from_rows(session, rows, now=now)


def get_snapshots(
    session: Session, *, line_ids: Sequence[int], now: datetime
) -> dict[int, Snapshot]:
    """The snapshots of many lines (a page of a company's lines) in one statement, by line
    id: each is the one ``get_snapshot`` gives for that line."""
    if not line_ids:
        return {}
    marks = ", ".join("?" for _ in line_ids)
    sql = f"SELECT {SNAPSHOT_COLUMNS} FROM line l {SNAPSHOT_JOINS} WHERE l.id IN ({marks})"
    by_line: dict[int, list[Any]] = {}
    for row in fetch_all(session, sql, (*snapshot_params(session, now), *line_ids)):
        by_line.setdefault(int(row[0]), []).append(row)
    return {lid: snapshot_from_rows(session, rows, now=now) for lid, rows in by_line.items()}


def snapshot_from_rows(
    session: Session, rows: Sequence[Sequence[Any]], *, now: datetime
) -> Snapshot:
    """The snapshot from the rows of ``SNAPSHOT_COLUMNS`` (at least one) for one line."""
    line = LineRow._make(rows[0][:_BUCKET_AT])
    document = document_for(session, version_id=line.catalog_version_id, checksum=line.checksum)
    plan = document.plan_by_code(line.plan_code)
    assert plan is not None, "a line's plan is always in its catalogue version"
    # the join repeats each bucket once per option and each option once per bucket
    bucket_rows: dict[int, BucketRow] = {}
    option_rows: dict[int, OptionRow] = {}
    for r in rows:
        if r[_BUCKET_AT] is not None and r[_BUCKET_AT] not in bucket_rows:
            bucket_rows[r[_BUCKET_AT]] = BucketRow._make(r[_BUCKET_AT:_OPTION_AT])
        if r[_OPTION_AT] is not None and r[_OPTION_AT] not in option_rows:
            option_rows[r[_OPTION_AT]] = OptionRow._make(r[_OPTION_AT:])
    credit = 0
    allowances = []
    for bucket in sorted(bucket_rows.values(), key=_bucket_order):
        if bucket.service == "credit":
            credit = bucket.remaining
            continue
        unlimited = bool(bucket.unlimited)
        allowances.append(
            AllowanceView(
                service=bucket.service,
                zone=bucket.zone,
                source=bucket.source,
                source_code=bucket.source_code,
                unit=bucket.unit,
                unlimited=unlimited,
                total=None if unlimited else bucket.total,
                remaining=None if unlimited else bucket.remaining,
                expires_at=utc(bucket.expires_at),
            )
        )
    option_views = []
    for option in sorted(option_rows.values(), key=lambda o: o.id):
        spec = document.option_by_code(option.option_code)
        option_views.append(
            OptionView(
                code=option.option_code,
                name=spec.name if spec else option.option_code,
                fee_cents=option.fee_cents,
                recurring=bool(option.recurring),
                expires_at=utc(option.expires_at),
            )
        )
    return Snapshot(
        msisdn=line.msisdn,
        status=line.status,
        billing=line.billing,
        segment=plan.segment,
        credit_cents=credit,
        plan=PlanView(
            code=plan.code,
            name=plan.name,
            status=line.plan_status,
            fee_cents=plan.fee,
            renews_at=utc(line.renews_at),
            period=plan.period,
        ),
        options=option_views,
        allowances=allowances,
        as_of=now,
    )


def ledger_mismatches(session: Session, *, line_id: int | None = None) -> list[int]:
    """Buckets whose remaining is not initial + the sum of their ledger deltas (should be none)."""
    sums = (
        select(LedgerEntry.bucket_id, func.coalesce(func.sum(LedgerEntry.delta), 0).label("s"))
        .group_by(LedgerEntry.bucket_id)
        .subquery()
    )
    query = (
        select(bucket_t.c.id)
        .outerjoin(sums, sums.c.bucket_id == bucket_t.c.id)
        .where(bucket_t.c.remaining != bucket_t.c.initial + func.coalesce(sums.c.s, 0))
    )
    if line_id is not None:
        query = query.where(bucket_t.c.line_id == line_id)
    return [int(i) for i in session.scalars(query)]
