"""Usage events as they come from the network, and what rating made of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from saldo.charging.errors import UsageInvalid
from saldo.charging.rating import SERVICES, ZONES


@dataclass(frozen=True, slots=True)
class UsageEvent:
    event_id: str
    msisdn: str
    """E.164."""
    service: str
    zone: str
    started_at: datetime
    quantity: int
    """Seconds, messages or bytes."""
    destination: str | None = None

    def __post_init__(self) -> None:
        if not self.event_id or len(self.event_id) > 100:
            raise UsageInvalid("event_id mancante o troppo lungo", "event_id missing or too long")
        if self.service not in SERVICES:
            raise UsageInvalid(
                f"servizio non valido {self.service!r}",
                f"invalid service {self.service!r} (voice, sms, mms, data)",
            )
        if self.zone not in ZONES:
            raise UsageInvalid(
                f"zona non valida {self.zone!r}",
                f"invalid zone {self.zone!r} (national, eu, international, world)",
            )
        if self.quantity < 0:
            raise UsageInvalid("quantità negativa", "negative quantity")
        if self.started_at.tzinfo is None:
            raise UsageInvalid("started_at senza fuso orario", "started_at has no time zone")


@dataclass(frozen=True, slots=True)
class UsageResult:
    event_id: str
    msisdn: str
    covered: int
    billed_units: int
    charge_cents: int
    credit_cents: int
    unpaid_cents: int
    replayed: bool
