"""Enqueue messages in the caller's transaction; deliver them after commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, bindparam, delete, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from saldo.db import dialect_name, head_ids, table
from saldo.notifications.models import OutboxMessage

outbox_t = table(OutboxMessage)
MAX_ATTEMPTS = 8
FINAL = ("sent", "delivered", "failed")
SECRET_TOPICS = ("otp",)
"""Messages that carry a secret (a login code): worth nothing after minutes, kept a day."""
SECRET_KEPT = timedelta(days=1)
NOTICE_TOPICS = ("notice",)
"""SMS that only say a message is waiting in the app's inbox: not shown in the inbox itself."""


class Transport(Protocol):
    """Something that can send one outbox message; returns the provider's message id."""

    def send(self, *, sender: str, recipient: str, body: str) -> str | None: ...


def enqueue(
    session: Session,
    *,
    recipient: str,
    body: str,
    topic: str,
    now: datetime,
    sender: str = "",
    channel: str = "sms",
    dedup_key: str | None = None,
    when: ColumnElement[bool] | None = None,
    subject: str | None = None,
) -> bool:
    """Add a message to the outbox. With a ``dedup_key`` already used, nothing is added;
    with ``when``, only if that condition holds (evaluated in the insert itself, so that the
    statement and its cost are the same whether the message is written or not)."""
    values = {
        "channel": channel,
        "sender": sender,
        "recipient": recipient,
        "subject": subject,
        "body": body,
        "topic": topic,
        "dedup_key": dedup_key,
        # an in-app message is delivered once committed: it is the inbox (no transport sends it)
        "status": "sent" if channel == "inapp" else "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    if when is None:
        stmt = _enqueue_stmt(dialect_name(session), dedup_key is not None)
    else:
        row = select(*(bindparam(c, type_=outbox_t.c[c].type) for c in _ENQUEUE_COLUMNS))
        stmt = insert(outbox_t).from_select(_ENQUEUE_COLUMNS, row.where(when))
        stmt = stmt.returning(outbox_t.c.id)
    result = session.execute(stmt, values)
    if dedup_key is None and when is None:
        return True
    # the id of the row written, or none: ``rowcount`` cannot say, as PostgreSQL's driver
    # reports -1 for an insert that returns rows
    return result.first() is not None


@cache
def _enqueue_stmt(dialect: str, dedup: bool) -> Any:
    # Built once: every SMS reply goes through here, and building it costs more than running it.
    values: dict[str, Any] = {c: bindparam(c) for c in _ENQUEUE_COLUMNS}
    if not dedup:
        return insert(outbox_t).values(values)
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(outbox_t)
    return (
        stmt.values(values)
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(outbox_t.c.id)
    )


_ENQUEUE_COLUMNS = (
    "channel",
    "sender",
    "recipient",
    "subject",
    "body",
    "topic",
    "dedup_key",
    "status",
    "attempts",
    "next_attempt_at",
    "created_at",
)


def list_messages(
    session: Session, *, recipient: str | None = None, limit: int = 100
) -> Sequence[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if recipient is not None:
        query = query.where(OutboxMessage.recipient == recipient)
    return session.scalars(query).all()


def claim_due(
    session: Session, *, now: datetime, limit: int = 100, channel: str | None = None
) -> list[OutboxMessage]:
    """Mark due messages (of ``channel``, or all) as being sent, so that a second worker does
    not send them too."""
    due = select(outbox_t.c.id).where(
        outbox_t.c.status == "pending", outbox_t.c.next_attempt_at <= now
    )
    if channel is not None:
        due = due.where(outbox_t.c.channel == channel)
    ids = list(
        session.scalars(due.order_by(outbox_t.c.id).limit(limit).with_for_update(skip_locked=True))
    )
    if not ids:
        return []
    session.execute(
        update(outbox_t)
        .where(outbox_t.c.id.in_(ids), outbox_t.c.status == "pending")
        .values(status="sending", attempts=outbox_t.c.attempts + 1)
    )
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))))


def mark_sent(session: Session, *, message_id: int, external_id: str | None, now: datetime) -> None:
    session.execute(_MARK_SENT, {"message_id": message_id, "ext": external_id, "now": now})


_MARK_SENT = (  # built once: it runs for every message sent
    update(outbox_t)
    .where(outbox_t.c.id == bindparam("message_id"))
    .values(status="sent", external_id=bindparam("ext"), sent_at=bindparam("now"), error=None)
)


def mark_failed(
    session: Session, *, message_id: int, attempts: int, error: str, now: datetime
) -> None:
    """Back off exponentially; after MAX_ATTEMPTS the message is failed for good."""
    final = attempts >= MAX_ATTEMPTS
    session.execute(
        update(outbox_t)
        .where(outbox_t.c.id == message_id)
        .values(
            status="failed" if final else "pending",
            error=error[:500],
            next_attempt_at=now + timedelta(seconds=min(3600, 5 * 2**attempts)),
        )
    )


def mark_delivery(session: Session, *, external_id: str, delivered: bool) -> bool:
    """A delivery receipt: the message is delivered or failed. False if no such message."""
    result = session.execute(
        update(outbox_t)
        .where(outbox_t.c.external_id == external_id)
        .values(status="delivered" if delivered else "failed")
    )
    return bool(getattr(result, "rowcount", 0))


def spent(session: Session, *, now: datetime, kept: timedelta) -> list[int]:
    """Ids of messages done with (sent, delivered or failed) for longer than ``kept`` — those
    carrying a secret for longer than a day — among the oldest of the outbox."""
    old = outbox_t.c.created_at < now - kept
    secret = and_(outbox_t.c.topic.in_(SECRET_TOPICS), outbox_t.c.created_at < now - SECRET_KEPT)
    query = select(outbox_t.c.id).where(
        outbox_t.c.id.in_(head_ids(outbox_t)), outbox_t.c.status.in_(FINAL), or_(old, secret)
    )
    return list(session.scalars(query))


def purge(session: Session, *, ids: Sequence[int]) -> int:
    """Delete the messages ``spent`` named (their SMS parts must be gone first)."""
    if not ids:
        return 0
    result = session.execute(delete(outbox_t).where(outbox_t.c.id.in_(ids)))
    return int(getattr(result, "rowcount", 0))
