"""The balance snapshot and the ledger check."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from saldo.balances.errors import LineNotFound
from saldo.balances.models import Bucket, LedgerEntry
from saldo.balances.schemas import AllowanceView, OptionView, PlanView, Snapshot
from saldo.catalog.models import CatalogVersion
from saldo.catalog.service import document_for
from saldo.db import table
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


def get_snapshot(session: Session, *, msisdn: str, now: datetime) -> Snapshot:
    """Credit, plan and every allowance valid now: what every channel shows."""
    line = session.execute(
        select(
            line_t.c.id,
            line_t.c.msisdn,
            line_t.c.status,
            line_t.c.billing,
            line_t.c.plan_code,
            line_t.c.plan_status,
            line_t.c.renews_at,
            line_t.c.catalog_version_id,
            CatalogVersion.checksum,
        )
        .join(CatalogVersion, CatalogVersion.id == line_t.c.catalog_version_id)
        .where(line_t.c.msisdn == msisdn)
    ).one_or_none()
    if line is None:
        raise LineNotFound(msisdn)
    document = document_for(session, version_id=line.catalog_version_id, checksum=line.checksum)
    plan = document.plan_by_code(line.plan_code)
    assert plan is not None, "a line's plan is always in its catalogue version"
    rows = session.execute(
        select(bucket_t)
        .where(
            bucket_t.c.line_id == line.id,
            bucket_t.c.status == "active",
            bucket_t.c.valid_from <= now,
            or_(bucket_t.c.expires_at.is_(None), bucket_t.c.expires_at > now),
        )
        .order_by(bucket_t.c.expires_at, bucket_t.c.id)
    ).all()
    credit = 0
    allowances = []
    for row in rows:
        if row.service == "credit":
            credit = row.remaining
            continue
        allowances.append(
            AllowanceView(
                service=row.service,
                zone=row.zone,
                source=row.source,
                source_code=row.source_code,
                unit=row.unit,
                unlimited=row.unlimited,
                total=None if row.unlimited else row.total,
                remaining=None if row.unlimited else row.remaining,
                expires_at=row.expires_at,
            )
        )
    options = []
    for opt in session.execute(
        select(option_t).where(option_t.c.line_id == line.id, option_t.c.status == "active")
    ).all():
        spec = document.option_by_code(opt.option_code)
        options.append(
            OptionView(
                code=opt.option_code,
                name=spec.name if spec else opt.option_code,
                fee_cents=opt.fee_cents,
                recurring=opt.recurring,
                expires_at=opt.expires_at,
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
            renews_at=line.renews_at,
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
