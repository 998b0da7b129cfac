"""Charging one usage event: rate it, take it from buckets and credit, record it. Once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from saldo.balances import ledger
from saldo.charging import bulk, thresholds
from saldo.charging.lookup import LineState, load_line_state
from saldo.charging.rating import Rating, Usage, rate
from saldo.charging.schemas import UsageEvent, UsageResult
from saldo.db import Link, Unit, db_time
from saldo.kit.origin import NETWORK, Origin
from saldo.runtime import Runtime, retryable, retrying


@dataclass(slots=True)
class Applied:
    """What charging one event writes: computed first, then applied in one go."""

    rating: Rating
    credit_cents: int
    unpaid_cents: int
    entries: list[ledger.Entry] = field(default_factory=list)
    usage_row: tuple[object, ...] = ()
    """In ``bulk.USAGE_COLUMNS`` order, timestamps as the driver takes them."""


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


def charge_online(
    runtime: Runtime,
    *,
    event: UsageEvent,
    now: datetime,
    sender: str,
    origin: Origin = NETWORK,
) -> UsageResult:
    """Immediate event charging for the network, in units of work of its own.

    On PostgreSQL it is two statements, each committed by itself: the read of the line, and
    one statement that debits, writes the ledger entries and the usage record — or refuses
    itself whole when a bucket changed since the read (read again and rate again), when the
    event was charged before (its unique event id: the next read looks for the usage record
    and answers the first result), or when a data alert is due (charged then in a
    transaction that writes the alert too). A connection the server cut is replaced once:
    the event is read again, so one the server had already committed is answered as a
    replay. Elsewhere, and after such a refusal, ``charge_usage`` in a transaction.
    """
    if runtime.engine.dialect.name == "postgresql":
        for _ in range(2):  # once more on a new connection if the server cut this one
            with runtime.autocommit() as link:
                try:
                    charged = _charge_alone(link, event=event, now=now, origin=origin)
                except OperationalError:
                    if not link.lost():
                        raise
                    continue
            if charged is not None:
                return charged
            break
    return retrying(
        runtime,
        lambda session: charge_usage(session, event=event, now=now, sender=sender, origin=origin),
    )


def _charge_alone(
    link: Link, *, event: UsageEvent, now: datetime, origin: Origin
) -> UsageResult | None:
    """``charge_online``'s statements committed by themselves; None: charge it in a
    transaction instead (a data alert is due, or the buckets kept changing)."""
    replay: str | None = None  # a replay is met by the usage record's unique event id
    for _ in range(8):
        state, rated = load_line_state(link, event.msisdn, event_id=replay)
        if rated is not None:
            return UsageResult(event.event_id, event.msisdn, *rated, replayed=True)
        applied = _settled(link, state, event, now, source="online")
        try:
            bulk.charge_alone(link, applied.entries, applied.usage_row, origin=origin, now=now)
        except bulk.ChargeRefused as refused:
            if refused.alert_due:
                return None
            continue
        except (IntegrityError, OperationalError) as exc:
            if not retryable(exc):  # a lost race: replay or deadlock
                raise
            replay = event.event_id
            continue
        return _result(event, applied)
    return None


def _settled(
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
    applied = _settled(session, state, event, now, source=source)
    after = bulk.charge(session, applied.entries, applied.usage_row, origin=origin, now=now)
    if after is None:
        return None
    draws = applied.rating.draws
    before = {bucket_id: after[bucket_id] + units for bucket_id, units in draws}
    notify_thresholds(session, state=state, draws=draws, sender=sender, now=now, before=before)
    return _result(event, applied)


def _result(event: UsageEvent, applied: Applied) -> UsageResult:
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
