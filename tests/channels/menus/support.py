"""Small helpers shared by the voice and USSD tests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from saldo.balances.models import LedgerEntry
from saldo.channels.menus.models import MenuSession
from saldo.identity.models import PinFailure
from saldo.kit.clock import ROME, FixedClock
from saldo.notifications.models import OutboxMessage
from saldo.runtime import Runtime
from tests.factories import make_line

SUBSCRIBED = datetime(2026, 11, 5, 9, 0, tzinfo=ROME)
"""Lines subscribed then renew on 3 December (4 weeks), as in the issue's sentence."""


def line_on_the_third(rt: Runtime, clock: FixedClock, **kwargs: object) -> str:
    """A line subscribed on 5 November (renews on 3 December); the clock stays there."""
    clock.set(SUBSCRIBED)
    return make_line(rt, **kwargs)  # type: ignore[arg-type]


def outbox(rt: Runtime, msisdn: str, topic: str = "details") -> list[OutboxMessage]:
    """The messages to ``msisdn`` about ``topic`` (usage may add threshold warnings)."""
    with rt.transaction() as session:
        return list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.recipient == msisdn, OutboxMessage.topic == topic)
                .order_by(OutboxMessage.id)
            )
        )


def count(rt: Runtime, model: type[MenuSession] | type[PinFailure] | type[LedgerEntry]) -> int:
    with rt.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)
