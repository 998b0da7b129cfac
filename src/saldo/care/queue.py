"""The operators' queue: tickets still to be answered, the complaints whose deadline comes
first at the top, each with what answering it now would cost (for the care console)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from saldo.care import repository as repo
from saldo.care.models import Ticket
from saldo.care.rules import ComplaintRules, days_late, indemnity_cents

RISK_DAYS = 3
"""A complaint due within this many days is at risk."""


@dataclass(frozen=True, slots=True)
class QueueItem:
    ticket: Ticket
    business: bool
    at_risk: bool
    """A complaint due within ``RISK_DAYS`` days, or already late."""
    days_late: int
    """Full days late if answered now (0 while in time)."""
    indemnity_now_cents: int
    """The indemnity an answer given now would pay."""
    indemnity_per_day_cents: int
    """What each further day of delay adds (until the cap)."""


def ticket_queue(
    session: Session,
    *,
    now: datetime,
    rules: ComplaintRules,
    kind: str | None = None,
    at_risk_only: bool = False,
    limit: int = 50,
) -> list[QueueItem]:
    rows = repo.queue(
        session, now=now, kind=kind, risk_days=RISK_DAYS if at_risk_only else None, limit=limit
    )
    items = []
    for ticket, segment in rows:
        business = segment == "business"
        late = days_late(ticket.deadline, now) if ticket.deadline is not None else 0
        cost = indemnity_cents(late, business=business, rules=rules) if ticket.deadline else 0
        per_day = indemnity_cents(1, business=business, rules=rules) if ticket.deadline else 0
        at_risk = ticket.deadline is not None and (ticket.deadline - now).days < RISK_DAYS
        items.append(QueueItem(ticket, business, at_risk, late, cost, per_day))
    return items
