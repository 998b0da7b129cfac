"""The balance snapshot and the ledger check."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from saldo.balances.errors import LineNotFound
from saldo.balances.models import Bucket, LedgerEntry
from saldo.balances.schemas import AllowanceView, OptionView, PlanView, Snapshot
from saldo.catalog.service import document_for
from saldo.db import db_time, fetch_all, table, utc
from saldo.lines.models import Line, LineOption

bucket_t = table(Bucket)
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


# The snapshot is read on every enquiry of every channel: hand-written SQL, three indexed
# lookups, no ORM in the way.
_LINE_SQL = (
    "SELECT l.id, l.msisdn, l.status, l.billing, l.plan_code, l.plan_status, l.renews_at,"
    " l.catalog_version_id, c.checksum FROM line l"
    " JOIN catalog_version c ON c.id = l.catalog_version_id WHERE l.msisdn = ?"
)
_BUCKETS_SQL = (
    "SELECT service, zone, source, source_code, unit, unlimited, total, remaining, expires_at"
    " FROM bucket WHERE line_id = ? AND status = 'active' AND valid_from <= ?"
    " AND (expires_at IS NULL OR expires_at > ?)"
    " ORDER BY expires_at IS NULL, expires_at, id"
)
_OPTIONS_SQL = (
    "SELECT option_code, fee_cents, recurring, expires_at FROM line_option"
    " WHERE line_id = ? AND status = 'active' ORDER BY id"
)


def get_snapshot(session: Session, *, msisdn: str, now: datetime) -> Snapshot:
    """Credit, plan and every allowance valid now: what every channel shows."""
    found = fetch_all(session, _LINE_SQL, (msisdn,))
    if not found:
        raise LineNotFound(msisdn)
    line_id, e164, status, billing, plan_code, plan_status, renews_at, version_id, checksum = found[
        0
    ]
    document = document_for(session, version_id=version_id, checksum=checksum)
    plan = document.plan_by_code(plan_code)
    assert plan is not None, "a line's plan is always in its catalogue version"
    at = db_time(session, now)
    credit = 0
    allowances = []
    for service, zone, source, code, unit, unlimited, total, left, expires in fetch_all(
        session, _BUCKETS_SQL, (line_id, at, at)
    ):
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
    options = []
    for code, fee, recurring, expires in fetch_all(session, _OPTIONS_SQL, (line_id,)):
        spec = document.option_by_code(code)
        options.append(
            OptionView(
                code=code,
                name=spec.name if spec else code,
                fee_cents=fee,
                recurring=bool(recurring),
                expires_at=utc(expires),
            )
        )
    return Snapshot(
        msisdn=e164,
        status=status,
        billing=billing,
        segment=plan.segment,
        credit_cents=credit,
        plan=PlanView(
            code=plan.code,
            name=plan.name,
            status=plan_status,
            fee_cents=plan.fee,
            renews_at=utc(renews_at),
            period=plan.period,
        ),
        options=options,
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
