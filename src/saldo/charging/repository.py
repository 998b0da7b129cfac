"""Reads of a line's usage records: the newest-first listing (by cursor) and daily data.

Every query is keyed by the line's id: a caller passes the line it has authenticated, never an
identifier a client sends alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from saldo.charging.models import UsageRecord
from saldo.kit.clock import to_rome
from saldo.kit.validators import format_cursor


def cursor_of(record: UsageRecord) -> str:
    """The position after ``record`` in the newest-first listing (``kit.validators``)."""
    return format_cursor(record.started_at, record.id)


def usage(
    session: Session,
    *,
    line_id: int,
    service: str | None,
    since: datetime,
    until: datetime,
    after: tuple[datetime, int] | None = None,
    limit: int = 100,
) -> Sequence[UsageRecord]:
    """The line's usage, newest first, ``limit`` at a time (``after``: a cursor position)."""
    query = (
        select(UsageRecord)
        .where(
            UsageRecord.line_id == line_id,
            UsageRecord.started_at >= since,
            UsageRecord.started_at < until,
        )
        .order_by(UsageRecord.started_at.desc(), UsageRecord.id.desc())
        .limit(limit)
    )
    if service:
        query = query.where(UsageRecord.service == service)
    if after is not None:
        moment, ident = after
        query = query.where(
            or_(
                UsageRecord.started_at < moment,
                and_(UsageRecord.started_at == moment, UsageRecord.id < ident),
            )
        )
    return session.scalars(query).all()


def daily_data(
    session: Session, *, line_id: int, since: datetime, until: datetime
) -> list[tuple[date, int]]:
    """Bytes of data used per day (Italian days), every day of the period, zeros included."""
    totals: dict[date, int] = {}
    for started_at, quantity in session.execute(
        select(UsageRecord.started_at, UsageRecord.quantity).where(
            UsageRecord.line_id == line_id,
            UsageRecord.service == "data",
            UsageRecord.started_at >= since,
            UsageRecord.started_at < until,
        )
    ):
        day = to_rome(started_at).date()
        totals[day] = totals.get(day, 0) + int(quantity)
    first, last = to_rome(since).date(), to_rome(until - timedelta(microseconds=1)).date()
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return [(d, totals.get(d, 0)) for d in days]
