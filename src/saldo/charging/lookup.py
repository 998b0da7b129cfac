"""Reading what rating needs for a line: its plan and its buckets."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from saldo.balances.models import Bucket
from saldo.billing.vat import VatTerms, terms_for
from saldo.catalog.models import CatalogVersion
from saldo.catalog.schemas import Plan
from saldo.catalog.service import document_for
from saldo.charging.rating import BucketState
from saldo.db import Unit, fetch_all, table, utc
from saldo.lines.errors import LineNotFound
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
    version: int
    """``line.version`` when read: what rating read, but for units, is unchanged while it is."""
    terms: VatTerms
    """The VAT terms of the plan's prices: a postpaid line's out-of-bundle charges are billed
    net on them."""


LINE_COLUMNS = (
    line_t.c.id,
    line_t.c.msisdn,
    line_t.c.billing,
    line_t.c.plan_code,
    line_t.c.catalog_version_id,
    CatalogVersion.checksum,
    line_t.c.version,
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
    unit: Unit, lines: Sequence[Sequence[Any]], buckets: Sequence[Sequence[Any]]
) -> dict[str, LineState]:
    """LineState by MSISDN, from line rows (LINE_COLUMNS order) and bucket rows (bucket_rows
    order), as SQLAlchemy rows or plain driver tuples."""
    states: dict[int, LineState] = {}
    names: dict[int, dict[str, str]] = {}
    for line_id, msisdn, billing, plan_code, version_id, checksum, version in lines:
        document = document_for(unit, version_id=version_id, checksum=checksum)
        plan = document.plan_by_code(plan_code)
        assert plan is not None
        terms = terms_for(document, plan)
        states[line_id] = LineState(line_id, msisdn, billing, plan, 0, 0, [], {}, version, terms)
        names[line_id] = {o.code: o.name for o in document.option} | {plan.code: plan.name}
    for bid, line_id, service, zone, code, unlimited, total, left, valid_from, expires in buckets:
        state = states[line_id]
        if service == "credit":
            state.wallet_id = bid
            state.credit = left
            continue
        start = utc(valid_from)
        assert start is not None
        state.buckets.append(
            BucketState(bid, service, zone, bool(unlimited), left, start, utc(expires), bid)
        )
        state.totals[bid] = (total, service, names[line_id].get(code or "", code))
    return {s.msisdn: s for s in states.values()}


# One statement for the one-event path: the line and its active buckets (in no order: rating
# orders them), and with an event id whether that event was already rated (its usage record,
# looked up once and not once per bucket).
# Each row is the line's columns (LINE_COLUMNS order), then one bucket's (bucket_rows order),
# then the event's rated figures: each part sliced by the width of its own list, so a column
# added to one cannot shift the meaning of another's.
_LINE_FIELDS = (
    "l.id",
    "l.msisdn",
    "l.billing",
    "l.plan_code",
    "l.catalog_version_id",
    "c.checksum",
    "l.version",
)
_BUCKET_FIELDS = (
    "b.id",
    "b.line_id",
    "b.service",
    "b.zone",
    "b.source_code",
    "b.unlimited",
    "b.total",
    "b.remaining",
    "b.valid_from",
    "b.expires_at",
)
_RATED_FIELDS = (
    "u.covered",
    "u.billed_units",
    "u.charge_cents",
    "u.credit_cents",
    "u.unpaid_cents",
)
assert len(_LINE_FIELDS) == len(LINE_COLUMNS)
_LINE_END = len(_LINE_FIELDS)
_BUCKET_END = _LINE_END + len(_BUCKET_FIELDS)
_LINE_SQL = (
    "SELECT {fields}"
    " FROM {usage}line l JOIN catalog_version c ON c.id = l.catalog_version_id"
    " JOIN bucket b ON b.line_id = l.id AND b.status = 'active'"
    " WHERE l.msisdn = ?"
)
_STATE_SQL = _LINE_SQL.format(fields=", ".join(_LINE_FIELDS + _BUCKET_FIELDS), usage="")
_STATE_AND_RATED_SQL = _LINE_SQL.format(
    fields=", ".join(_LINE_FIELDS + _BUCKET_FIELDS + _RATED_FIELDS),
    usage="(SELECT 1) AS one LEFT JOIN usage_record u ON u.event_id = ? CROSS JOIN ",
)


def load_line_state(
    unit: Unit, msisdn: str, *, event_id: str | None = None
) -> tuple[LineState, tuple[int, int, int, int, int] | None]:
    """The line's state, and the rated figures of ``event_id`` if it was already charged."""
    if event_id is None:
        rows = fetch_all(unit, _STATE_SQL, (msisdn,))
    else:
        rows = fetch_all(unit, _STATE_AND_RATED_SQL, (event_id, msisdn))
    if not rows:
        raise LineNotFound(msisdn)
    states = build_states(unit, [rows[0][:_LINE_END]], [r[_LINE_END:_BUCKET_END] for r in rows])
    rated = rows[0][_BUCKET_END:]
    return states[msisdn], (None if not rated or rated[0] is None else tuple(rated))
