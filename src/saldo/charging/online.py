"""Immediate event charging for the network: one statement per event on PostgreSQL, on
SQLite a short transaction holding the database lock only to check and write.

A charging process keeps the state of the lines it charged (``LineStates``) and rates the
next event of a line on it, without reading the line again; what writes the charge checks
that what the event was rated on is still so (``bulk.Expected``) and refuses itself
otherwise. Units going down meanwhile — other processes charging the same line — do not
matter while every bucket still holds what the event takes from it; a bucket rating drained
must hold exactly what was taken, one it found empty must still be empty, and anything else
rating reads (buckets granted or closed, the plan, the number) bumps the line's ``version``.
A refused charge is read and rated again on the line as it is.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import replace
from datetime import datetime

from sqlalchemy import Engine, event
from sqlalchemy.exc import IntegrityError, OperationalError

from saldo.charging import bulk
from saldo.charging.lookup import LineState, load_line_state
from saldo.charging.schemas import UsageEvent, UsageResult
from saldo.charging.service import Applied, charge_usage, result_of, settled
from saldo.db import Link
from saldo.kit.origin import NETWORK, Origin
from saldo.runtime import Runtime, retryable, retrying

CACHED_LINES = 20_000
"""Lines whose state one process keeps (the most recently charged): about 2 KB each."""


class LineStates:
    """The state of the lines a process charged last, by MSISDN, the oldest dropped first."""

    def __init__(self, size: int = CACHED_LINES) -> None:
        self.size = size
        self._states: OrderedDict[str, LineState] = OrderedDict()
        self._lock = threading.Lock()  # a web or SMPP process charges from several threads

    def get(self, msisdn: str) -> LineState | None:
        with self._lock:
            state = self._states.get(msisdn)
            if state is not None:
                self._states.move_to_end(msisdn)
            return state

    def put(self, state: LineState) -> None:
        with self._lock:
            self._states[state.msisdn] = state
            self._states.move_to_end(state.msisdn)
            if len(self._states) > self.size:
                self._states.popitem(last=False)

    def drop(self, msisdn: str) -> None:
        with self._lock:
            self._states.pop(msisdn, None)

    def clear(self) -> None:
        with self._lock:
            self._states.clear()


_STATES: weakref.WeakKeyDictionary[Engine, LineStates] = weakref.WeakKeyDictionary()


def line_states(engine: Engine) -> LineStates:
    """The line states this process keeps for ``engine``'s database (forgotten on dispose)."""
    states = _STATES.get(engine)
    if states is None:
        states = _STATES[engine] = LineStates()
        event.listen(engine, "engine_disposed", lambda *_: states.clear())
    return states


def charge_online(
    runtime: Runtime,
    *,
    event: UsageEvent,
    now: datetime,
    sender: str,
    origin: Origin = NETWORK,
) -> UsageResult:
    """Immediate event charging for the network, in units of work of its own.

    Rated on the line's state as this process knows it, and written by ``bulk.charge_alone``
    (on PostgreSQL one statement committed by itself, on SQLite a short transaction of its
    own): the debits, the ledger entries and the usage record — or nothing, when that state
    is no longer so (read again and rate again), when the event was charged before (its
    unique event id: the read looks for the usage record and answers the first result), or
    when a data alert is due (charged then in a transaction that writes the alert too). A
    connection the server cut is replaced once: the event is charged again, so one the
    server had already committed is answered as a replay.
    """
    states = line_states(runtime.engine)
    for _ in range(2):  # once more on a new connection if the server cut this one
        with runtime.autocommit() as link:
            try:
                charged = _charge_alone(link, states, event=event, now=now, origin=origin)
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
    link: Link, states: LineStates, *, event: UsageEvent, now: datetime, origin: Origin
) -> UsageResult | None:
    """``charge_online``'s statement committed by itself; None: charge it in a transaction
    instead (a data alert is due, or the buckets kept changing)."""
    replay: str | None = None  # a replay is met by the usage record's unique event id
    state = states.get(event.msisdn)
    for _ in range(8):
        if state is None:
            state, rated = load_line_state(link, event.msisdn, event_id=replay)
            if rated is not None:
                return UsageResult(event.event_id, event.msisdn, *rated, replayed=True)
            states.put(state)
        applied = settled(link, state, event, now, source="online")
        try:
            after = bulk.charge_alone(
                link,
                applied.entries,
                applied.usage_row,
                charge_row=applied.charge_row,
                expected=expected(state, applied),
                origin=origin,
                now=now,
            )
        except bulk.ChargeRefused as refused:
            states.drop(event.msisdn)
            if refused.alert_due:
                return None
            state = None
            continue
        except (IntegrityError, OperationalError) as exc:
            if not retryable(exc):  # a lost race: replay or deadlock
                raise
            replay, state = event.event_id, None
            continue
        states.put(_after(state, after))
        return result_of(event, applied)
    return None


def expected(state: LineState, applied: Applied) -> bulk.Expected:
    """What ``applied`` was rated on, for the charge statement to check."""
    held = {b.id: b.remaining for b in state.buckets if not b.unlimited}
    if state.wallet_id:
        held[state.wallet_id] = state.credit
    return bulk.Expected(
        state.id,
        state.version,
        tuple(-e.delta == held[e.bucket_id] for e in applied.entries),
        tuple(bucket_id for bucket_id, units in held.items() if units == 0),
    )


def _after(state: LineState, after: dict[int, int]) -> LineState:
    """``state`` with the buckets' units after this process's own charge, for its next event.

    A new state, not ``state`` changed: another thread may be rating on that one, and what
    the statement checks must be what the rating read."""
    return replace(
        state,
        credit=after.get(state.wallet_id, state.credit),
        buckets=[
            b if b.id not in after else replace(b, remaining=after[b.id]) for b in state.buckets
        ],
    )
