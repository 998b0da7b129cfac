"""The app's reads of what other modules record: usage, the inbox, top-ups, the line.

Every query is keyed by the signed-in line's id (or its number for the inbox), never by an
identifier the client sends alone: another line's rows cannot be reached from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from saldo.catalog.errors import CatalogMissing
from saldo.catalog.schemas import CatalogDocument
from saldo.catalog.service import document_for
from saldo.charging.models import UsageRecord
from saldo.db import fetch_all
from saldo.kit.clock import to_rome
from saldo.kit.validators import format_cursor
from saldo.notifications.models import OutboxMessage
from saldo.notifications.service import SECRET_TOPICS
from saldo.payments.models import Topup
from saldo.payments.orders.models import TopupOrder

SERVICES = ("voice", "sms", "mms", "data")
PRIVATE_TOPICS = SECRET_TOPICS
"""Login codes are not kept in the inbox (``_LINE_INFO`` counts unread messages the same way)."""


def catalog(session: Session) -> CatalogDocument:
    """The active catalogue in one query (its parsed document is cached by checksum)."""
    rows = fetch_all(session, "SELECT id, checksum FROM catalog_version WHERE active", ())
    if not rows:
        raise CatalogMissing()
    return document_for(session, version_id=int(rows[0][0]), checksum=rows[0][1])


def version(session: Session, line_id: int) -> int:
    """Changes whenever any of the line's balances changes (its newest ledger entry)."""
    rows = fetch_all(session, "SELECT MAX(id) FROM ledger_entry WHERE line_id = ?", (line_id,))
    return int(rows[0][0] or 0)


@dataclass(frozen=True, slots=True)
class LineInfo:
    line_id: int
    customer_kind: str
    pending_plan_code: str | None
    has_pin: bool
    version: int
    """See ``version``."""
    unread: int
    """Messages in the inbox not read yet."""


_LINE_INFO = (
    "SELECT l.pending_plan_code, l.pin_hash, c.kind, "
    "(SELECT MAX(e.id) FROM ledger_entry e WHERE e.line_id = l.id), "
    "(SELECT COUNT(*) FROM outbox_message m WHERE m.recipient = l.msisdn "
    "AND m.topic <> 'otp' AND m.read_at IS NULL) "
    "FROM line l JOIN customer c ON c.id = l.customer_id WHERE l.id = ?"
)


def line_info(session: Session, line_id: int) -> LineInfo:
    """What the pages show besides the snapshot, in one query."""
    pending, pin_hash, kind, newest, unread_count = fetch_all(session, _LINE_INFO, (line_id,))[0]
    return LineInfo(line_id, kind, pending, pin_hash is not None, int(newest or 0), unread_count)


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


def messages(session: Session, *, msisdn: str, limit: int = 50) -> Sequence[OutboxMessage]:
    return session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == msisdn, OutboxMessage.topic.not_in(PRIVATE_TOPICS))
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    ).all()


def unread(session: Session, *, msisdn: str) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                OutboxMessage.recipient == msisdn,
                OutboxMessage.topic.not_in(PRIVATE_TOPICS),
                OutboxMessage.read_at.is_(None),
            )
        )
        or 0
    )


def mark_read(session: Session, *, msisdn: str, now: datetime, message_id: int | None) -> int:
    """Mark one message (or all, with None) as read; only the line's own messages."""
    query = (
        update(OutboxMessage)
        .where(
            OutboxMessage.recipient == msisdn,
            OutboxMessage.topic.not_in(PRIVATE_TOPICS),
            OutboxMessage.read_at.is_(None),
        )
        .values(read_at=now)
    )
    if message_id is not None:
        query = query.where(OutboxMessage.id == message_id)
    return int(getattr(session.execute(query), "rowcount", 0))


@dataclass(frozen=True, slots=True)
class TopupRow:
    ref: str
    amount_cents: int
    channel: str
    created_at: datetime
    card: str | None


def topups(session: Session, *, line_id: int, limit: int = 20) -> list[TopupRow]:
    """Every top-up of the line, whatever the channel, newest first."""
    rows = session.execute(
        select(Topup, TopupOrder.card_brand, TopupOrder.card_last4)
        .outerjoin(TopupOrder, TopupOrder.ref == Topup.ref)
        .where(Topup.line_id == line_id)
        .order_by(Topup.id.desc())
        .limit(limit)
    ).all()
    return [
        TopupRow(
            t.ref,
            t.amount_cents,
            t.channel,
            t.created_at,
            f"{brand} •••• {last4}" if last4 else None,
        )
        for t, brand, last4 in rows
    ]
