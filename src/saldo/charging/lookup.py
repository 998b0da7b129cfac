"""Reading what rating needs for a line: its plan and its buckets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from saldo.balances.errors import LineNotFound
from saldo.balances.models import Bucket
from saldo.catalog.models import CatalogVersion
from saldo.catalog.schemas import Plan
from saldo.catalog.service import document_for
from saldo.charging.rating import BucketState
from saldo.db import table
from saldo.lines.models import Line

bucket_t = table(Bucket)
line_t = table(Line)


@dataclass(slots=True)
class LineState:
    id: int
    msisdn: str
    billing: str
    plan: Plan
    wallet_id: int
    credit: int
    """Wallet balance in cents when read (kept current by a batch that charges it)."""
    buckets: list[BucketState]
    totals: dict[int, tuple[int, str, str | None]]
    """bucket id -> (total, service, display name of its plan or option), for alerts."""


LINE_COLUMNS = (
    line_t.c.id,
    line_t.c.msisdn,
    line_t.c.billing,
    line_t.c.plan_code,
    line_t.c.catalog_version_id,
    CatalogVersion.checksum,
)


def line_rows(session: Session, msisdns: Iterable[str]) -> list[Row[Any]]:
    return list(
        session.execute(
            select(*LINE_COLUMNS)
            .join(CatalogVersion, CatalogVersion.id == line_t.c.catalog_version_id)
            .where(line_t.c.msisdn.in_(list(msisdns)))
        ).all()
    )


def bucket_rows(session: Session, line_ids: list[int], *, lock: bool) -> list[Row[Any]]:
    query = (
        select(
            bucket_t.c.id,
            bucket_t.c.line_id,
            bucket_t.c.service,
            bucket_t.c.zone,
            bucket_t.c.source_code,
            bucket_t.c.unlimited,
            bucket_t.c.total,
            bucket_t.c.remaining,
            bucket_t.c.valid_from,
            bucket_t.c.expires_at,
        )
        .where(bucket_t.c.line_id.in_(line_ids), bucket_t.c.status == "active")
        .order_by(bucket_t.c.id)
    )
    if lock:
        query = query.with_for_update()
    rows: list[Row[Any]] = list(session.execute(query).all())  # type: ignore[arg-type]
    return rows


def build_states(
    session: Session, lines: list[Row[Any]], buckets: list[Row[Any]]
) -> dict[str, LineState]:
    """LineState by MSISDN, from rows read with ``line_rows`` and ``bucket_rows``."""
    states: dict[int, LineState] = {}
    names: dict[int, dict[str, str]] = {}
    for row in lines:
        document = document_for(session, version_id=row.catalog_version_id, checksum=row.checksum)
        plan = document.plan_by_code(row.plan_code)
        assert plan is not None
        states[row.id] = LineState(row.id, row.msisdn, row.billing, plan, 0, 0, [], {})
        names[row.id] = {o.code: o.name for o in document.option} | {plan.code: plan.name}
    for b in buckets:
        state = states[b.line_id]
        if b.service == "credit":
            state.wallet_id = b.id
            state.credit = b.remaining
            continue
        state.buckets.append(
            BucketState(
                b.id, b.service, b.zone, b.unlimited, b.remaining, b.valid_from, b.expires_at, b.id
            )
        )
        name = names[b.line_id].get(b.source_code or "", b.source_code)
        state.totals[b.id] = (b.total, b.service, name)
    return {s.msisdn: s for s in states.values()}


def load_line_state(session: Session, msisdn: str, *, lock: bool = False) -> LineState:
    lines = line_rows(session, [msisdn])
    if not lines:
        raise LineNotFound(msisdn)
    states = build_states(session, lines, bucket_rows(session, [lines[0].id], lock=lock))
    return states[msisdn]
