"""Rating: pure functions over values. No session, no clock, no I/O.

Given a usage event, the line's buckets and the plan's rates, say which buckets pay for what
and what the rest costs. The caller applies the result atomically.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from saldo.catalog.schemas import DataRate, MessageRate, VoiceRate, ZoneRates
from saldo.kit.money import round_cents

SERVICES = ("voice", "sms", "mms", "data")
ZONES = ("national", "eu", "international", "world")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(slots=True)
class BucketState:
    """What rating needs to know of one allowance bucket (rating never changes it; a batch
    that applies its own draws in memory does)."""

    id: int
    service: str
    zone: str
    unlimited: bool
    remaining: int
    valid_from: datetime
    expires_at: datetime | None
    created_seq: int
    """Creation order (the bucket id): older first among buckets expiring together."""


class Usage(NamedTuple):
    # immutable values made once per rated event: tuples cost a fraction of frozen dataclasses
    service: str
    zone: str
    quantity: int
    started_at: datetime


class Rating(NamedTuple):
    draws: tuple[tuple[int, int], ...]
    """(bucket id, units) taken from limited buckets, in drawing order."""
    covered: int
    billed_units: int
    charge_cents: int


def _sort_key(bucket: BucketState) -> tuple[bool, datetime, int]:
    """Soonest expiring first (never-expiring last), then the oldest."""
    expires = bucket.expires_at
    return (expires is None, expires or _EPOCH, bucket.created_seq)


def eligible(
    buckets: Iterable[BucketState], usage: Usage
) -> tuple[list[BucketState], list[BucketState]]:
    """The buckets that pay for ``usage`` in drawing order, and the EU data caps that bound it."""
    zone = "national" if usage.zone in ("national", "eu") else usage.zone
    service = usage.service
    at = usage.started_at
    want_caps = service == "data" and usage.zone == "eu"
    payers: list[BucketState] = []
    caps: list[BucketState] = []
    for b in buckets:
        if b.valid_from > at or (b.expires_at is not None and at >= b.expires_at):
            continue
        if b.service == service and b.zone == zone:
            payers.append(b)
        elif want_caps and b.service == "data_eu":
            caps.append(b)
    if len(payers) > 1:
        payers.sort(key=_sort_key)
    if len(caps) > 1:
        caps.sort(key=_sort_key)
    return payers, caps


def _capacity(buckets: Sequence[BucketState]) -> int | None:
    """Units the buckets can cover together; None when one of them is unlimited."""
    if any(b.unlimited for b in buckets):
        return None
    return sum(b.remaining for b in buckets)


def _draw(buckets: Sequence[BucketState], amount: int) -> list[tuple[int, int]]:
    draws: list[tuple[int, int]] = []
    for bucket in buckets:
        if amount <= 0:
            break
        if bucket.unlimited:
            break
        take = min(bucket.remaining, amount)
        if take > 0:
            draws.append((bucket.id, take))
            amount -= take
    return draws


def rate_for(
    rates: Mapping[Any, ZoneRates], service: str, zone: str
) -> VoiceRate | MessageRate | DataRate:
    """The tariff for a service in a zone: EU falls back to national (Roam like at home), any
    zone missing a service falls back to national, and MMS without a price costs as an SMS."""
    for z in (zone, "national"):
        zone_rates = rates.get(z)
        if zone_rates is None:
            continue
        rate = getattr(zone_rates, service)
        if rate is None and service == "mms":
            rate = zone_rates.sms
        if rate is not None:
            return rate  # type: ignore[no-any-return]
    raise LookupError(f"no rate for {service} in {zone}")


def price(rate: VoiceRate | MessageRate | DataRate, service: str, units: int) -> tuple[int, int]:
    """(billed units, cents) for ``units`` not covered by any bucket; rounded once."""
    if units <= 0:
        return 0, 0
    if service == "voice":
        assert isinstance(rate, VoiceRate)
        billed = -(-units // rate.increment) * rate.increment
        amount = rate.connect_fee + rate.per_minute * Decimal(billed) / 60
        return billed, round_cents(amount)
    if service in ("sms", "mms"):
        assert isinstance(rate, MessageRate)
        return units, round_cents(rate.each * units)
    assert isinstance(rate, DataRate)
    kb = -(-units // 1024)
    billed_kb = -(-kb // rate.increment_kb) * rate.increment_kb
    return billed_kb, round_cents(rate.per_mb * Decimal(billed_kb) / 1024)


def rate(usage: Usage, buckets: Iterable[BucketState], rates: Mapping[Any, ZoneRates]) -> Rating:
    """Rate one event: buckets first (soonest expiring, then oldest), the rest at the tariff."""
    payers, caps = eligible(buckets, usage)
    limit = 0
    if payers:
        limit = usage.quantity
        capacity = _capacity(payers)
        if capacity is not None and capacity < limit:
            limit = capacity
        if caps:
            capacity = _capacity(caps)
            if capacity is not None and capacity < limit:
                limit = capacity
    draws = _draw(payers, limit) if limit else []
    if caps and limit:
        draws += _draw(caps, limit)
    uncovered = usage.quantity - limit
    if uncovered <= 0:
        return Rating(draws=tuple(draws), covered=limit, billed_units=0, charge_cents=0)
    billed, cents = price(rate_for(rates, usage.service, usage.zone), usage.service, uncovered)
    return Rating(draws=tuple(draws), covered=limit, billed_units=billed, charge_cents=cents)
