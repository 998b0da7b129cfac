"""The complaint clock and the indemnity for a late answer (AGCOM 347/18/CONS art. 12): pure
arithmetic over values, no session and no clock reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from saldo.config import CareSettings
from saldo.kit.clock import to_rome

KINDS = ("message", "complaint", "refund")
STATUSES = ("open", "waiting_customer", "answered", "closed")
RESOLUTIONS = ("accepted", "rejected")
BUSINESS_FACTOR = 2


@dataclass(frozen=True, slots=True)
class ComplaintRules:
    days: int = 30
    """Days the operator has to answer a complaint."""
    day_cents: int = 250
    """Indemnity per full day late, in cents."""
    cap_cents: int = 30000
    """The most one complaint pays, in cents (doubled for business customers)."""

    @classmethod
    def of(cls, care: CareSettings) -> ComplaintRules:
        return cls(care.complaint_days, care.indemnity_day_cents, care.indemnity_cap_cents)


def deadline_for(opened_at: datetime, rules: ComplaintRules) -> datetime:
    """When the answer to a complaint opened at ``opened_at`` is due."""
    return opened_at + timedelta(days=rules.days)


def days_late(deadline: datetime, answered_at: datetime) -> int:
    """Full days after the deadline's day (calendar days in Europe/Rome): answered on the
    deadline's day (day 30) → 0, on the next (day 31) → 1."""
    return max(0, (to_rome(answered_at).date() - to_rome(deadline).date()).days)


def indemnity_cents(days: int, *, business: bool, rules: ComplaintRules) -> int:
    """What ``days`` days late cost: so much a day, capped, both doubled for a business."""
    factor = BUSINESS_FACTOR if business else 1
    return min(days * rules.day_cents * factor, rules.cap_cents * factor)


def format_code(year: int, number: int) -> str:
    """A ticket code people can say on the phone: RC-2026-004217."""
    return f"RC-{year}-{number:06d}"


def spoken_code(code: str) -> list[str]:
    """The code's digits one by one, as the IVR says them."""
    return [c for c in code if c.isdigit()]
