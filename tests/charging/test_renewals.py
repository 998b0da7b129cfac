"""Renewals, suspension, expiry and warnings, driven by the worker with a moving clock."""

from __future__ import annotations

from datetime import timedelta

from saldo.balances.service import ledger_mismatches
from saldo.kit.clock import FixedClock
from saldo.kit.origin import CLI
from saldo.kit.quantities import GB
from saldo.lines.service import add_option, change_plan
from saldo.notifications.service import list_messages
from saldo.payments.service import top_up
from saldo.runtime import Runtime
from saldo.worker import run_once
from tests.factories import make_line, remaining, snapshot, use


def _move(rt: Runtime, clock: FixedClock, days: float) -> dict[str, int]:
    clock.set(clock.now() + timedelta(days=days))
    return run_once(rt)


def _messages(rt: Runtime, msisdn: str, topic: str) -> list[str]:
    with rt.transaction() as session:
        return [m.body for m in list_messages(session, recipient=msisdn) if m.topic == topic]


def test_renewal_debits_fee_and_grants_a_fresh_period(rt: Runtime, clock: FixedClock) -> None:
    msisdn = make_line(rt, plan="GIGA150", credit="30")
    use(rt, msisdn, service="data", quantity=100 * GB)
    first = snapshot(rt, msisdn).plan.renews_at
    assert first is not None
    report = _move(rt, clock, 28)
    snap = snapshot(rt, msisdn)
    assert report["renewed"] == 1
    assert snap.credit_cents == 3000 - 2 * 999
    assert remaining(snap, "data") == 150 * GB
    assert snap.plan.renews_at == first + timedelta(days=28)
    with rt.transaction() as session:
        assert ledger_mismatches(session) == []


def test_renewal_is_never_charged_twice(rt: Runtime, clock: FixedClock) -> None:
    msisdn = make_line(rt, plan="GIGA150", credit="30")
    _move(rt, clock, 28)
    assert _move(rt, clock, 0)["renewed"] == 0
    assert snapshot(rt, msisdn).credit_cents == 3000 - 2 * 999


def test_worker_catching_up_renews_each_missed_period(rt: Runtime, clock: FixedClock) -> None:
    msisdn = make_line(rt, plan="GIGA150", credit="40")
    report = _move(rt, clock, 28 * 3 + 1)
    assert report["renewed"] == 3
    assert snapshot(rt, msisdn).credit_cents == 4000 - 4 * 999


def test_without_credit_renewal_suspends_and_topup_resumes(rt: Runtime, clock: FixedClock) -> None:
    msisdn = make_line(rt, plan="GIGA150", credit="12")
    _move(rt, clock, 28)
    snap = snapshot(rt, msisdn)
    assert snap.plan.status == "suspended" and not snap.allowances and snap.credit_cents == 201
    assert any("sospesa" in m for m in _messages(rt, msisdn, "renewal"))
    # out-of-bundle rates apply while suspended
    assert use(rt, msisdn, service="sms", quantity=1).charge_cents == 29
    with rt.transaction() as session:
        top_up(session, msisdn=msisdn, amount_cents=1000, ref="r1", clock=rt.clock, origin=CLI)
    snap = snapshot(rt, msisdn)
    assert snap.plan.status == "active" and snap.credit_cents == 201 - 29 + 1000 - 999
    assert snap.plan.renews_at == clock.now() + timedelta(days=28)


def test_warning_three_days_before_an_unaffordable_renewal(rt: Runtime, clock: FixedClock) -> None:
    rich = make_line(rt, plan="GIGA150", credit="30")
    poor = make_line(rt, plan="GIGA150", credit="12")
    assert _move(rt, clock, 24)["warned"] == 0
    report = _move(rt, clock, 1.5)
    assert report["warned"] == 1
    assert _messages(rt, rich, "renewal") == []
    (text,) = _messages(rt, poor, "renewal")
    assert "ricarica almeno 7,98 €" in text
    assert _move(rt, clock, 0.5)["warned"] == 0


def test_pending_plan_change_applies_at_renewal(rt: Runtime, clock: FixedClock) -> None:
    msisdn = make_line(rt, plan="SMART50", credit="30")
    with rt.transaction() as session:
        change_plan(
            session, msisdn=msisdn, plan_code="GIGA150", at_renewal=True, clock=rt.clock, origin=CLI
        )
    _move(rt, clock, 31)
    snap = snapshot(rt, msisdn)
    assert snap.plan.code == "GIGA150" and snap.credit_cents == 3000 - 699 - 999


def test_options_end_at_renewal_and_recurring_ones_renew(rt: Runtime, clock: FixedClock) -> None:
    msisdn = make_line(rt, plan="GIGA150", credit="40")
    with rt.transaction() as session:
        add_option(session, msisdn=msisdn, option_code="GIGA_EXTRA_10", clock=rt.clock, origin=CLI)
        add_option(session, msisdn=msisdn, option_code="MONDO_100", clock=rt.clock, origin=CLI)
    assert remaining(snapshot(rt, msisdn), "voice", "international") == 100 * 60
    _move(rt, clock, 28)
    snap = snapshot(rt, msisdn)
    assert [o.code for o in snap.options] == ["MONDO_100"]
    assert remaining(snap, "data") == 150 * GB
    assert snap.credit_cents == 4000 - 999 - 499 - 599 - 999 - 599
    with rt.transaction() as session:
        assert ledger_mismatches(session) == []
