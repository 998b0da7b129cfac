"""Small keyword-only factories for test data."""

from __future__ import annotations

import itertools
from datetime import datetime
from pathlib import Path

from saldo.balances.schemas import Snapshot
from saldo.balances.service import get_snapshot
from saldo.catalog.service import load_catalog
from saldo.charging.reservations import reserve
from saldo.charging.schemas import UsageEvent, UsageResult
from saldo.charging.service import charge_usage
from saldo.kit.money import parse_eur
from saldo.kit.origin import CLI
from saldo.lines.service import add_line
from saldo.runtime import Runtime

ROOT = Path(__file__).resolve().parent.parent
DEMO_CATALOG = ROOT / "catalog" / "demo.toml"
_numbers = itertools.count(1000)
_events = itertools.count(1)


def load_demo_catalog(rt: Runtime) -> None:
    with rt.transaction() as session:
        load_catalog(session, path=DEMO_CATALOG, clock=rt.clock)


def next_msisdn() -> str:
    return f"+39347{next(_numbers):07d}"


def make_line(
    rt: Runtime,
    *,
    plan: str = "GIGA150",
    credit: str = "20",
    msisdn: str | None = None,
    vat_number: str | None = None,
    postpaid: bool = False,
) -> str:
    """A line on ``plan`` with ``credit`` loaded before the fee; returns its MSISDN."""
    number = msisdn or next_msisdn()
    with rt.transaction() as session:
        add_line(
            session,
            msisdn=number,
            plan_code=plan,
            credit_cents=parse_eur(credit),
            vat_number=vat_number,
            postpaid=postpaid,
            clock=rt.clock,
            origin=CLI,
        )
    return number


def use(
    rt: Runtime,
    msisdn: str,
    *,
    service: str,
    quantity: int,
    zone: str = "national",
    event_id: str | None = None,
    at: datetime | None = None,
) -> UsageResult:
    event = UsageEvent(
        event_id or f"ev-{next(_events)}",
        msisdn,
        service,
        zone,
        at or rt.clock.now(),
        quantity,
    )
    with rt.transaction() as session:
        return charge_usage(session, event=event, now=rt.clock.now(), sender="4155")


def hold(
    rt: Runtime,
    msisdn: str,
    *,
    session_id: str,
    service: str,
    quantity: int,
    zone: str = "national",
) -> None:
    """Reserve ``quantity`` units for a network session, in a unit of work of its own."""
    with rt.transaction() as session:
        reserve(
            session,
            session_id=session_id,
            msisdn=msisdn,
            service=service,
            zone=zone,
            quantity=quantity,
            now=rt.clock.now(),
        )


def snapshot(rt: Runtime, msisdn: str) -> Snapshot:
    with rt.transaction() as session:
        return get_snapshot(session, msisdn=msisdn, now=rt.clock.now())


def remaining(snap: Snapshot, service: str, zone: str = "national") -> int:
    return sum(a.remaining or 0 for a in snap.allowance(service, zone))
