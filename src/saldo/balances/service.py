"""The balance snapshot and the ledger check."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from saldo.balances.errors import LineNotFound
from saldo.balances.models import Bucket, LedgerEntry
from saldo.balances.schemas import AllowanceView, OptionView, PlanView, Snapshot
from saldo.catalog.service import document_for
from saldo.db import db_time, fetch_all, table, utc
from saldo.lines.models import Line, LineOption

bucket_t = table(Bucket)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
line_t = table(Line)
option_t = table(LineOption)


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


# The snapshot is read on every enquiry of every channel: one hand-written statement, so a
# read-only unit of work needs one round trip and sees one consistent state. Its columns and
# joins from ``line l`` are shared with the app's balance, which finds the line by session.
SNAPSHOT_COLUMNS = (
    "l.id, l.msisdn, l.status, l.billing, l.plan_code, l.plan_status, l.renews_at,"
    " l.catalog_version_id, c.checksum,"
    " b.id, b.service, b.zone, b.source, b.source_code, b.unit, b.unlimited, b.total,"
    " b.remaining, b.expires_at,"
    " o.id, o.option_code, o.fee_cents, o.recurring, o.expires_at"
)
SNAPSHOT_JOINS = (
    "JOIN catalog_version c ON c.id = l.catalog_version_id"
    " LEFT JOIN bucket b ON b.line_id = l.id AND b.status = 'active' AND b.valid_from <= ?"
    " AND (b.expires_at IS NULL OR b.expires_at > ?)"
    " LEFT JOIN line_option o ON o.line_id = l.id AND o.status = 'active'"
)
"""Two parameters: the instant of the snapshot, twice (``snapshot_params``)."""
_SNAPSHOT_SQL = f"SELECT {SNAPSHOT_COLUMNS} FROM line l {SNAPSHOT_JOINS} WHERE l.msisdn = ?"


def _bucket_order(row: Sequence[Any]) -> tuple[bool, datetime, int]:
    expires = utc(row[9])
    return (expires is None, expires or _EPOCH, row[0])


def snapshot_params(session: Session, now: datetime) -> tuple[Any, Any]:
    at = db_time(session, now)
    return at, at


def get_snapshot(session: Session, *, msisdn: str, now: datetime) -> Snapshot:
    """Credit, plan and every allowance valid now: what every channel shows."""
    rows = fetch_all(session, _SNAPSHOT_SQL, (*snapshot_params(session, now), msisdn))
    if not rows:
        raise LineNotFound(msisdn)
    return snapshot_from_rows(session, rows, now=now)


def snapshot_from_rows(
    session: Session, rows: Sequence[Sequence[Any]], *, now: datetime
) -> Snapshot:
    """The snapshot from the rows of ``SNAPSHOT_COLUMNS`` (at least one) for one line."""
    line = rows[0]
    document = document_for(session, version_id=line[7], checksum=line[8])
    plan = document.plan_by_code(line[4])
    assert plan is not None, "a line's plan is always in its catalogue version"
    buckets = sorted({r[9]: r[9:19] for r in rows if r[9] is not None}.values(), key=_bucket_order)
    options = sorted(
        {r[19]: tuple(r[19:24]) for r in rows if r[19] is not None}.values(), key=lambda o: o[0]
    )
    credit = 0
    allowances = []
    for _, service, zone, source, code, unit, unlimited, total, left, expires in buckets:
        if service == "credit":
            credit = left
            continue
        allowances.append(
            AllowanceView(
                service=service,
                zone=zone,
                source=source,
                source_code=code,
                unit=unit,
                unlimited=bool(unlimited),
                total=None if unlimited else total,
                remaining=None if unlimited else left,
                expires_at=utc(expires),
            )
        )
    option_views = []
    for _, code, fee, recurring, expires in options:
        spec = document.option_by_code(code)
        option_views.append(
            OptionView(
                code=code,
                name=spec.name if spec else code,
                fee_cents=fee,
                recurring=bool(recurring),
                expires_at=utc(expires),
            )
        )
    return Snapshot(
        msisdn=line[1],
        status=line[2],
        billing=line[3],
        segment=plan.segment,
        credit_cents=credit,
        plan=PlanView(
            code=plan.code,
            name=plan.name,
            status=line[5],
            fee_cents=plan.fee,
            renews_at=utc(line[6]),
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
