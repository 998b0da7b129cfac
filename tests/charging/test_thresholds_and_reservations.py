"""Data alerts at 80% and 100%, and online charging reservations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from saldo.balances.errors import InsufficientCredit
from saldo.balances.service import ledger_mismatches
from saldo.charging.errors import ReservationClosed
from saldo.charging.reservations import commit_reservation, release_reservation, reserve
from saldo.kit.clock import FixedClock
from saldo.kit.quantities import GB
from saldo.notifications.service import list_messages
from saldo.runtime import Runtime
from saldo.worker import run_once
from tests.factories import make_line, remaining, snapshot, use


def _alerts(rt: Runtime, msisdn: str) -> list[str]:
    with rt.transaction() as session:
        return sorted(
            m.body for m in list_messages(session, recipient=msisdn) if m.topic == "threshold"
        )


def test_data_alerts_at_80_and_100_percent_once_each(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="SMART50", credit="20")
    use(rt, msisdn, service="data", quantity=39 * GB)
    assert _alerts(rt, msisdn) == []
    use(rt, msisdn, service="data", quantity=2 * GB)
    assert _alerts(rt, msisdn) == ["Hai usato l'80% dei Giga di Smart 50: restano 9GB."]
    use(rt, msisdn, service="data", quantity=1 * GB)
    use(rt, msisdn, service="data", quantity=9 * GB)
    alerts = _alerts(rt, msisdn)
    assert len(alerts) == 2 and alerts[0].startswith("Hai esaurito i Giga di Smart 50")


def test_reserve_commit_charges_what_was_used(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="BASE", credit="10")
    now = rt.clock.now()
    with rt.transaction() as session:
        grant = reserve(
            session,
            session_id="s1",
            msisdn=msisdn,
            service="voice",
            zone="national",
            quantity=300,
            now=now,
        )
    assert grant.credit_cents == 19 + 95
    assert snapshot(rt, msisdn).credit_cents == 1000 - 114
    with rt.transaction() as session:
        result = commit_reservation(
            session, session_id="s1", msisdn=msisdn, used=60, now=now, sender="4155"
        )
    assert result.charge_cents == 38
    assert snapshot(rt, msisdn).credit_cents == 1000 - 38
    with rt.transaction() as session:
        again = commit_reservation(
            session, session_id="s1", msisdn=msisdn, used=60, now=now, sender="4155"
        )
        assert again.replayed and again.charge_cents == 38
        assert ledger_mismatches(session) == []
    assert snapshot(rt, msisdn).credit_cents == 1000 - 38


def test_reservation_credit_cannot_cover_is_refused(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="BASE", credit="5")
    with pytest.raises(InsufficientCredit), rt.transaction() as session:
        reserve(
            session,
            session_id="s2",
            msisdn=msisdn,
            service="voice",
            zone="national",
            quantity=3600,
            now=rt.clock.now(),
        )
    assert snapshot(rt, msisdn).credit_cents == 500


def test_reservation_from_buckets_then_release(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="SMART50", credit="10")
    now = rt.clock.now()
    with rt.transaction() as session:
        reserve(
            session,
            session_id="s3",
            msisdn=msisdn,
            service="data",
            zone="national",
            quantity=5 * GB,
            now=now,
        )
    assert remaining(snapshot(rt, msisdn), "data") == 45 * GB
    with rt.transaction() as session:
        release_reservation(session, session_id="s3", now=now)
    assert remaining(snapshot(rt, msisdn), "data") == 50 * GB
    with pytest.raises(ReservationClosed), rt.transaction() as session:
        release_reservation(session, session_id="s3", now=now)


def test_stale_reservations_are_released_by_the_worker(rt: Runtime, clock: FixedClock) -> None:
    msisdn = make_line(rt, plan="SMART50", credit="10")
    with rt.transaction() as session:
        reserve(
            session,
            session_id="s4",
            msisdn=msisdn,
            service="sms",
            zone="national",
            quantity=10,
            now=clock.now(),
        )
    assert remaining(snapshot(rt, msisdn), "sms") == 90
    clock.set(clock.now() + timedelta(minutes=6))
    assert run_once(rt)["reservations"] == 1
    assert remaining(snapshot(rt, msisdn), "sms") == 100
