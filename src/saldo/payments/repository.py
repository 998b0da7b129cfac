"""Reads of a line's top-ups, whatever the channel that made them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from saldo.payments.models import Topup
from saldo.payments.orders.models import TopupOrder


@dataclass(frozen=True, slots=True)
class TopupRow:
    ref: str
    amount_cents: int
    channel: str
    created_at: datetime
    card: str | None
    """The card an app order paid with ("Visa •••• 4242"), None for other channels."""


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
