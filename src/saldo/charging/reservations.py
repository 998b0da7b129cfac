"""Online charging: reserve units before a session, commit what was used, release the rest."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from saldo.balances import ledger
from saldo.balances.errors import InsufficientCredit
from saldo.balances.service import wallet_id
from saldo.charging.errors import ReservationClosed, ReservationNotFound
from saldo.charging.lookup import load_line_state
from saldo.charging.models import Reservation
from saldo.charging.rating import Usage, rate
from saldo.charging.schemas import UsageEvent, UsageResult
from saldo.charging.service import charge_usage
from saldo.db import table
from saldo.kit.origin import NETWORK, Origin

reservation_t = table(Reservation)


@dataclass(frozen=True, slots=True)
class Grant:
    session_id: str
    quantity: int
    covered: int
    credit_cents: int
    expires_at: datetime
    replayed: bool


def reserve(
    session: Session,
    *,
    session_id: str,
    msisdn: str,
    service: str,
    zone: str,
    quantity: int,
    now: datetime,
    ttl: timedelta = timedelta(minutes=5),
    origin: Origin = NETWORK,
) -> Grant:
    """Hold ``quantity`` units for a session, or refuse (nothing held) if it cannot be paid."""
    existing = session.scalar(select(Reservation).where(Reservation.session_id == session_id))
    if existing is not None:
        held: dict[str, int] = json.loads(existing.holds)
        return Grant(
            session_id, existing.quantity, 0, held.get("credit", 0), existing.expires_at, True
        )
    UsageEvent(session_id, msisdn, service, zone, now, quantity)  # validates the request
    for _ in range(20):
        state, _ = load_line_state(session, msisdn)
        credit = state.credit
        rating = rate(Usage(service, zone, quantity, now), state.buckets, state.plan.rates)
        cents = rating.charge_cents if state.billing == "prepaid" else 0
        if cents > credit:
            raise InsufficientCredit(cents, credit)
        try:
            ledger.debit_all(session, [*rating.draws, (state.wallet_id, cents)])
        except ledger.BalanceChanged:
            continue
        break
    else:
        raise ledger.BalanceChanged()
    holds: dict[str, int] = {str(b): u for b, u in rating.draws}
    holds["credit"] = cents
    key = f"reserve:{session_id}"
    entries = [
        ledger.Entry(state.id, b, "reservation", -u, f"{key}:{b}", session_id)
        for b, u in rating.draws
    ]
    if cents:
        entries.append(
            ledger.Entry(
                state.id, state.wallet_id, "reservation", -cents, f"{key}:credit", session_id
            )
        )
    ledger.write_entries(session, entries, origin=origin, now=now)
    expires_at = now + ttl
    session.add(
        Reservation(
            session_id=session_id,
            line_id=state.id,
            service=service,
            zone=zone,
            quantity=quantity,
            holds=json.dumps(holds),
            status="open",
            started_at=now,
            expires_at=expires_at,
        )
    )
    session.flush()
    return Grant(session_id, quantity, rating.covered, cents, expires_at, False)


def _release(
    session: Session, reservation: Reservation, *, status: str, origin: Origin, now: datetime
) -> None:
    claimed = session.execute(
        update(reservation_t)
        .where(reservation_t.c.id == reservation.id, reservation_t.c.status == "open")
        .values(status=status)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        raise ReservationClosed(reservation.session_id, reservation.status)
    holds: dict[str, int] = json.loads(reservation.holds)
    wallet = wallet_id(session, reservation.line_id)
    key = f"release:{reservation.session_id}"
    entries = []
    for name, units in holds.items():
        if units == 0:
            continue
        bucket_id = wallet if name == "credit" else int(name)
        ledger.add_units(session, bucket_id, units)
        entries.append(
            ledger.Entry(reservation.line_id, bucket_id, "release", units, f"{key}:{name}", None)
        )
    ledger.write_entries(session, entries, origin=origin, now=now)
    session.refresh(reservation)


def _open(session: Session, session_id: str) -> Reservation:
    reservation = session.scalar(select(Reservation).where(Reservation.session_id == session_id))
    if reservation is None:
        raise ReservationNotFound(session_id)
    return reservation


def commit_reservation(
    session: Session,
    *,
    session_id: str,
    msisdn: str,
    used: int,
    now: datetime,
    sender: str,
    origin: Origin = NETWORK,
) -> UsageResult:
    """Charge what the session used (the holds are given back first); once per session."""
    reservation = _open(session, session_id)
    if reservation.status != "committed":
        _release(session, reservation, status="committed", origin=origin, now=now)
        reservation.event_id = f"session:{session_id}"
    event = UsageEvent(
        reservation.event_id or f"session:{session_id}",
        msisdn,
        reservation.service,
        reservation.zone,
        reservation.started_at,
        used,
    )
    return charge_usage(session, event=event, now=now, sender=sender, origin=origin)


def release_reservation(
    session: Session, *, session_id: str, now: datetime, origin: Origin = NETWORK
) -> None:
    """The session ended without use: every held unit goes back."""
    _release(session, _open(session, session_id), status="released", origin=origin, now=now)


def expire_reservations(session: Session, *, now: datetime, origin: Origin) -> int:
    """Release reservations whose session never reported back."""
    stale = session.scalars(
        select(Reservation)
        .where(Reservation.status == "open", Reservation.expires_at <= now)
        .limit(1000)
    ).all()
    for reservation in stale:
        _release(session, reservation, status="expired", origin=origin, now=now)
    return len(stale)
