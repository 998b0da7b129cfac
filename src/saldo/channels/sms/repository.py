"""The SMS channel's statements: set-based, atomic on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from saldo.channels.sms.models import SmsFlood, SmsInbound, SmsSubmit
from saldo.db import table
from saldo.notifications import service as outbox

inbound_t = table(SmsInbound)
flood_t = table(SmsFlood)
submit_t = table(SmsSubmit)


def _insert(session: Session, target: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(target)


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
    stmt = (
        _insert(session, inbound_t)
        .values(
            ref=ref,
            sender=sender.replace("\x00", "")[:32],
            recipient=recipient.replace("\x00", "")[:32],
            text=text.replace("\x00", "")[:1000],
            command=command,
            outcome=outcome,
            received_at=now,
        )
        .on_conflict_do_nothing(index_elements=["ref"])
        .returning(inbound_t.c.id)
    )
    row = session.execute(stmt).first()
    return None if row is None else int(row[0])


def set_outcome(session: Session, *, inbound_id: int, outcome: str) -> None:
    session.execute(update(inbound_t).where(inbound_t.c.id == inbound_id).values(outcome=outcome))


def count_request(session: Session, *, sender: str, now: datetime, window: timedelta) -> int:
    """Count one request in the sender's window (a new window once it is over); the count."""
    expired = flood_t.c.window_start <= now - window
    stmt = _insert(session, flood_t).values(sender=sender[:32], window_start=now, requests=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=["sender"],
        set_={
            "requests": case((expired, 1), else_=flood_t.c.requests + 1),
            "window_start": case((expired, now), else_=flood_t.c.window_start),
        },
    ).returning(flood_t.c.requests)
    return int(session.execute(stmt).scalar_one())


def record_submitted(
    session: Session, *, outbox_message_id: int, smsc_ids: list[str], now: datetime
) -> None:
    """The SMSC accepted every part of an outbox message: mark it sent, then settle receipts."""
    for number, smsc_id in enumerate(smsc_ids, start=1):
        values = {
            "outbox_message_id": outbox_message_id,
            "part_no": number,
            "parts": len(smsc_ids),
            "submitted_at": now,
        }
        stmt = _insert(session, submit_t).values(smsc_message_id=smsc_id, **values)
        session.execute(stmt.on_conflict_do_update(index_elements=["smsc_message_id"], set_=values))
    outbox.mark_sent(
        session,
        message_id=outbox_message_id,
        external_id=smsc_ids[0] if smsc_ids else None,
        now=now,
    )
    settle(session, outbox_message_id=outbox_message_id)


def record_receipt(
    session: Session, *, smsc_message_id: str, state: str, delivered: bool, now: datetime
) -> int | None:
    """A final delivery receipt for one part; the outbox message id when it is known yet."""
    values = {"state": state[:16], "delivered": delivered, "receipt_at": now}
    stmt = _insert(session, submit_t).values(smsc_message_id=smsc_message_id, **values)
    session.execute(stmt.on_conflict_do_update(index_elements=["smsc_message_id"], set_=values))
    outbox_id = session.scalar(
        select(submit_t.c.outbox_message_id).where(submit_t.c.smsc_message_id == smsc_message_id)
    )
    if outbox_id is not None:
        settle(session, outbox_message_id=int(outbox_id))
    return None if outbox_id is None else int(outbox_id)


def settle(session: Session, *, outbox_message_id: int) -> None:
    """Delivered once every part is; failed as soon as one part is."""
    rows = session.execute(
        select(
            submit_t.c.part_no, submit_t.c.parts, submit_t.c.delivered, submit_t.c.smsc_message_id
        )
        .where(submit_t.c.outbox_message_id == outbox_message_id)
        .order_by(submit_t.c.part_no)
    ).all()
    if not rows or rows[0].part_no != 1:
        return
    first = rows[0].smsc_message_id
    if any(r.delivered is False for r in rows):
        outbox.mark_delivery(session, external_id=first, delivered=False)
    elif len(rows) == rows[0].parts and all(r.delivered for r in rows):
        outbox.mark_delivery(session, external_id=first, delivered=True)
