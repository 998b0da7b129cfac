"""The SMS channel's statements: set-based, atomic on SQLite and PostgreSQL alike.

They run for every message on the hot path, so each is built once per dialect, with bound
parameters, rather than once per call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import bindparam, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from saldo.channels.sms.models import SmsFlood, SmsInbound, SmsSubmit
from saldo.db import delete_head, dialect_name, table
from saldo.notifications import service as outbox
from saldo.notifications.models import OutboxMessage

inbound_t = table(SmsInbound)
flood_t = table(SmsFlood)
submit_t = table(SmsSubmit)
outbox_t = table(OutboxMessage)


@dataclass(frozen=True, slots=True)
class Claimed:
    """An outbox SMS this process claimed (status "sending") and is about to send."""

    id: int
    sender: str
    recipient: str
    body: str
    attempts: int

    @classmethod
    def of(cls, message: OutboxMessage) -> Claimed:
        return cls(message.id, message.sender, message.recipient, message.body, message.attempts)


def _dialect_insert(dialect: str) -> Callable[[Any], Any]:
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


@cache
def _claim_stmt(dialect: str) -> Any:
    columns = ("ref", "sender", "recipient", "text", "command", "outcome", "received_at")
    return (
        _dialect_insert(dialect)(inbound_t)
        .values({c: bindparam(c) for c in columns})
        .on_conflict_do_nothing(index_elements=["ref"])
        .returning(inbound_t.c.id)
    )


@cache
def _flood_stmt(dialect: str) -> Any:
    expired = flood_t.c.window_start <= bindparam("cutoff")
    stmt = _dialect_insert(dialect)(flood_t).values(
        sender=bindparam("sender"), window_start=bindparam("now"), requests=1
    )
    return stmt.on_conflict_do_update(
        index_elements=["sender"],
        set_={
            "requests": case((expired, 1), else_=flood_t.c.requests + 1),
            "window_start": case((expired, bindparam("now")), else_=flood_t.c.window_start),
        },
    ).returning(flood_t.c.requests)


@cache
def _part_stmt(dialect: str) -> Any:
    columns = ("outbox_message_id", "part_no", "parts", "submitted_at")
    stmt = _dialect_insert(dialect)(submit_t).values(
        smsc_message_id=bindparam("smsc_message_id"), **{c: bindparam(c) for c in columns}
    )
    return stmt.on_conflict_do_update(
        index_elements=["smsc_message_id"], set_={c: stmt.excluded[c] for c in columns}
    ).returning(submit_t.c.delivered, sort_by_parameter_order=True)


@cache
def _receipt_stmt(dialect: str) -> Any:
    columns = ("state", "delivered", "receipt_at")
    stmt = _dialect_insert(dialect)(submit_t).values(
        smsc_message_id=bindparam("smsc_message_id"), **{c: bindparam(c) for c in columns}
    )
    return stmt.on_conflict_do_update(
        index_elements=["smsc_message_id"], set_={c: stmt.excluded[c] for c in columns}
    ).returning(submit_t.c.outbox_message_id)


# The same transition as ``outbox.claim_due``, for one message known by its key.
_CLAIM_REPLY = (
    update(outbox_t)
    .where(outbox_t.c.dedup_key == bindparam("key"), outbox_t.c.status == "pending")
    .values(status="sending", attempts=outbox_t.c.attempts + 1)
    .returning(
        outbox_t.c.id,
        outbox_t.c.sender,
        outbox_t.c.recipient,
        outbox_t.c.body,
        outbox_t.c.attempts,
    )
)
_SET_OUTCOME = update(inbound_t).where(inbound_t.c.id == bindparam("inbound_id"))
_PARTS = (
    select(submit_t.c.part_no, submit_t.c.parts, submit_t.c.delivered, submit_t.c.smsc_message_id)
    .where(submit_t.c.outbox_message_id == bindparam("outbox_message_id"))
    .order_by(submit_t.c.part_no)
)


def claim_inbound(
    session: Session,
    *,
    ref: str | None,
    sender: str,
    recipient: str,
    text: str,
    command: str,
    outcome: str,
    now: datetime,
) -> int | None:
    """Record an inbound message; its id, or None when ``ref`` was seen before (a redelivery)."""
    row = session.execute(
        _claim_stmt(dialect_name(session)),
        {
            "ref": ref,
            "sender": sender.replace("\x00", "")[:32],
            "recipient": recipient.replace("\x00", "")[:32],
            "text": text.replace("\x00", "")[:1000],
            "command": command,
            "outcome": outcome,
            "received_at": now,
        },
    ).first()
    return None if row is None else int(row[0])


def set_outcome(session: Session, *, inbound_id: int, outcome: str) -> None:
    session.execute(_SET_OUTCOME.values(outcome=outcome), {"inbound_id": inbound_id})


def count_request(session: Session, *, sender: str, now: datetime, window: timedelta) -> int:
    """Count one request in the sender's window (a new window once it is over); the count."""
    params = {"sender": sender[:32], "now": now, "cutoff": now - window}
    return int(session.execute(_flood_stmt(dialect_name(session)), params).scalar_one())


def claim_reply(session: Session, *, dedup_key: str) -> Claimed | None:
    """Claim a reply in the transaction that wrote it, for the process that is about to send
    it: no separate claim, no wait for the outbox pump. A crash after commit leaves it
    "sending", exactly as after ``outbox.claim_due``: never sent twice."""
    row = session.execute(_CLAIM_REPLY, {"key": dedup_key}).first()
    return None if row is None else Claimed(*row)


def record_sent(session: Session, *, sent: list[tuple[int, list[str]]], now: datetime) -> None:
    """Outbox messages whose every part the SMSC accepted, with the SMSC's id of each part:
    mark them sent, and settle at once those a receipt overtook."""
    owners = [outbox_id for outbox_id, smsc_ids in sent for _ in smsc_ids]
    params = [
        {
            "smsc_message_id": smsc_id,
            "outbox_message_id": outbox_id,
            "part_no": number,
            "parts": len(smsc_ids),
            "submitted_at": now,
        }
        for outbox_id, smsc_ids in sent
        for number, smsc_id in enumerate(smsc_ids, start=1)
    ]
    early: set[int] = set()
    if params:
        rows = session.execute(_part_stmt(dialect_name(session)), params).all()
        early = {owner for owner, row in zip(owners, rows, strict=True) if row[0] is not None}
    for outbox_id, smsc_ids in sent:
        outbox.mark_sent(
            session, message_id=outbox_id, external_id=smsc_ids[0] if smsc_ids else None, now=now
        )
    for outbox_id in early:
        settle(session, outbox_message_id=outbox_id)


def record_receipt(
    session: Session, *, smsc_message_id: str, state: str, delivered: bool, now: datetime
) -> int | None:
    """A final delivery receipt for one part; the outbox message id when it is known yet."""
    params = {
        "smsc_message_id": smsc_message_id,
        "state": state[:16],
        "delivered": delivered,
        "receipt_at": now,
    }
    outbox_id = session.execute(_receipt_stmt(dialect_name(session)), params).scalar_one()
    if outbox_id is not None:
        settle(session, outbox_message_id=int(outbox_id))
    return None if outbox_id is None else int(outbox_id)


def settle(session: Session, *, outbox_message_id: int) -> None:
    """Delivered once every part is; failed as soon as one part is."""
    rows = session.execute(_PARTS, {"outbox_message_id": outbox_message_id}).all()
    if not rows or rows[0].part_no != 1:
        return
    first = rows[0].smsc_message_id
    if any(r.delivered is False for r in rows):
        outbox.mark_delivery(session, external_id=first, delivered=False)
    elif len(rows) == rows[0].parts and all(r.delivered for r in rows):
        outbox.mark_delivery(session, external_id=first, delivered=True)


def purge(
    session: Session,
    *,
    now: datetime,
    kept: timedelta,
    messages: Sequence[int],
    flood_window: timedelta,
) -> int:
    """Delete the parts of the outbox ``messages`` about to be purged, any receipt older than
    ``kept`` (one that never met its part, too), inbound messages older than ``kept``, and
    flood counters whose window ended (a sender's next request starts a new one anyway)."""
    cutoff = now - kept
    parts = 0
    if messages:
        result = session.execute(delete(submit_t).where(submit_t.c.outbox_message_id.in_(messages)))
        parts = int(getattr(result, "rowcount", 0))
    stray = delete_head(session, submit_t, submit_t.c.receipt_at < cutoff)
    inbound = delete_head(session, inbound_t, inbound_t.c.received_at < cutoff)
    # flood counters are rewritten in place: the head is the oldest windows (by their index),
    # and a window a request renewed meanwhile stays
    ended = flood_t.c.window_start <= now - flood_window
    floods = delete_head(session, flood_t, ended, by=flood_t.c.window_start)
    return parts + stray + inbound + floods
