"""Reads of a line's inbox: the messages sent to its number, as the app shows them.

Messages carrying a secret (login codes), and the SMS saying a message waits here, are never
part of the inbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from saldo.notifications.models import OutboxMessage
from saldo.notifications.service import NOTICE_TOPICS, SECRET_TOPICS

HIDDEN = (*SECRET_TOPICS, *NOTICE_TOPICS)


def inbox(session: Session, *, msisdn: str, limit: int = 50) -> Sequence[OutboxMessage]:
    """The newest messages sent to ``msisdn``, newest first."""
    return session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == msisdn, OutboxMessage.topic.not_in(HIDDEN))
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    ).all()


def mark_read(session: Session, *, msisdn: str, now: datetime, message_id: int | None) -> int:
    """Mark one message (or all, with None) as read; only the line's own messages."""
    query = (
        update(OutboxMessage)
        .where(
            OutboxMessage.recipient == msisdn,
            OutboxMessage.topic.not_in(HIDDEN),
            OutboxMessage.read_at.is_(None),
        )
        .values(read_at=now)
    )
    if message_id is not None:
        query = query.where(OutboxMessage.id == message_id)
    return int(getattr(session.execute(query), "rowcount", 0))
