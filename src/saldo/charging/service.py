"""Charging one usage event: rate it, take it from buckets and credit, record it. Once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from saldo.balances import ledger
from saldo.charging import bulk, thresholds
from saldo.charging.lookup import LineState, load_line_state
from saldo.charging.rating import Rating, Usage, rate
from saldo.charging.schemas import UsageEvent, UsageResult
from saldo.db import Unit, db_time
from saldo.kit.origin import NETWORK, Origin


@dataclass(slots=True)
class Applied:
    """What charging one event writes: computed first, then applied in one go."""

    rating: Rating
    credit_cents: int
    unpaid_cents: int
    entries: list[ledger.Entry] = field(default_factory=list)
    usage_row: tuple[object, ...] = ()
    """In ``bulk.USAGE_COLUMNS`` order, timestamps as the driver takes them."""
    charge_row: tuple[object, ...] | None = None
    """A postpaid line's out-of-bundle charge, in ``CHARGE_COLUMNS`` order; None when the
    event owes nothing on a bill."""


def settle(
    state: LineState,
    event: UsageEvent,
    *,
    credit: int,
    source: str,
    started: object,
    rated: object,
) -> Applied:
    """Rate ``event`` against ``state`` and say what to write; pure but for the values given.

    ``credit`` is the wallet balance to charge against; the caller debits it atomically.
    ``started`` and ``rated`` are the event's and the rating's instants as the driver takes them.
    """
    rating = rate(
        Usage(event.service, event.zone, event.quantity, event.started_at),
        state.buckets,
        state.plan.rates,
    )
    if state.billing == "prepaid":
        taken = min(credit, rating.charge_cents)
        unpaid = rating.charge_cents - taken
    else:
        taken, unpaid = 0, rating.charge_cents
    applied = Applied(rating, taken, unpaid)
    key = f"usage:{event.event_id}"
    applied.entries = [
        ledger.Entry(state.id, bucket_id, "charge", -units, f"{key}:{bucket_id}", event.event_id)
        for bucket_id, units in rating.draws
    ]
    if taken:
        applied.entries.append(
            ledger.Entry(
                state.id, state.wallet_id, "charge", -taken, f"{key}:credit", event.event_id
            )
        )
    applied.usage_row = (
        event.event_id,
        state.id,
        event.service,
        event.zone,
        started,
        event.quantity,
        event.destination,
        rating.covered,
        rating.billed_units,
        rating.charge_cents,
        taken,
        unpaid,
        source,
        rated,
    )
    if unpaid and state.billing == "postpaid":
        # billed net on the plan's terms, once per event (the usage record's event id)
        terms = state.terms
        applied.charge_row = (
            state.id,
            "usage",
            terms.net(unpaid),
            terms.rate_bp,
            None,
            event.service,
            event.zone,
            started,
            key,
        )
    return applied


def charge_usage(
    session: Session,
    *,
    event: UsageEvent,
    now: datetime,
    sender: str,
    origin: Origin = NETWORK,
    source: str = "online",
) -> UsageResult:
    """Charge one event in the caller's transaction. A replayed ``event_id`` changes nothing
    and answers the first result.

    Concurrent changes of the same buckets are met by conditional debits: if one finds less
    than was rated, the event is rated again on fresh figures.
    """
    for _ in range(20):
        state, rated = load_line_state(session, event.msisdn, event_id=event.event_id)
        if rated is not None:
            return UsageResult(event.event_id, event.msisdn, *rated, replayed=True)
        result = charge_on_state(
            session, state, event, now=now, sender=sender, origin=origin, source=source
        )
        if result is not None:
            return result
    raise ledger.BalanceChanged()


def settled(
    unit: Unit, state: LineState, event: UsageEvent, now: datetime, *, source: str
) -> Applied:
    """``settle`` on the credit ``state`` read, with the instants as ``unit`` binds them."""
    started, rated = db_time(unit, event.started_at), db_time(unit, now)
    return settle(state, event, credit=state.credit, source=source, started=started, rated=rated)


def charge_on_state(
    session: Session,
    state: LineState,
    event: UsageEvent,
    *,
    now: datetime,
    sender: str,
    origin: Origin,
    source: str = "online",
) -> UsageResult | None:
    """Rate ``event`` on ``state`` (read before, maybe in another unit) and write it.

    None when a bucket no longer holds what ``state`` said: nothing was written, read again.
    Alerts are judged on what the buckets really held, not on ``state``.
    """
    applied = settled(session, state, event, now, source=source)
    after = bulk.charge(
        session,
        applied.entries,
        applied.usage_row,
        charge_row=applied.charge_row,
        origin=origin,
        now=now,
    )
    if after is None:
        return None
    draws = applied.rating.draws
    before = {bucket_id: after[bucket_id] + units for bucket_id, units in draws}
    notify_thresholds(session, state=state, draws=draws, sender=sender, now=now, before=before)
    return result_of(event, applied)


def result_of(event: UsageEvent, applied: Applied) -> UsageResult:
    """The answer for ``event`` once ``applied`` was written."""
    r = applied.rating
    return UsageResult(
        event.event_id,
        event.msisdn,
        r.covered,
        r.billed_units,
        r.charge_cents,
        applied.credit_cents,
        applied.unpaid_cents,
        False,
    )


def notify_thresholds(
    session: Session,
    *,
    state: LineState,
    draws: tuple[tuple[int, int], ...] | list[tuple[int, int]],
    sender: str,
    now: datetime,
    before: dict[int, int] | None = None,
) -> None:
    """Alert on data buckets whose use passed 80% or 100% with these draws."""
    remaining = before if before is not None else {b.id: b.remaining for b in state.buckets}
    for bucket_id, units in draws:
        total, service, name = state.totals[bucket_id]
        if service != "data":
            continue
        start = remaining[bucket_id]
        for level in thresholds.crossed(total, start, start - units):
            thresholds.alert(
                session,
                msisdn=state.msisdn,
                bucket_id=bucket_id,
                level=level,
                remaining=start - units,
                name=name,
                sender=sender,
                now=now,
            )
