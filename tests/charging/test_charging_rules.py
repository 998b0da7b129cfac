"""The rating rules of the core issue, one by one, through the real service and database."""

from __future__ import annotations

from datetime import timedelta

from saldo.kit.quantities import GB, MB
from saldo.runtime import Runtime
from tests.factories import make_line, remaining, snapshot, use


def test_national_data_draws_the_plan_bucket(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="GIGA150", credit="20")
    result = use(rt, msisdn, service="data", quantity=3 * GB)
    snap = snapshot(rt, msisdn)
    assert result.covered == 3 * GB and result.charge_cents == 0
    assert remaining(snap, "data") == 147 * GB
    assert snap.credit_cents == 2000 - 999


def test_eu_data_draws_both_the_bucket_and_the_eu_cap(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="GIGA150")
    use(rt, msisdn, service="data", zone="eu", quantity=2 * GB)
    snap = snapshot(rt, msisdn)
    assert remaining(snap, "data") == 148 * GB
    assert remaining(snap, "data_eu", "eu") == 10 * GB


def test_eu_data_beyond_the_cap_is_out_of_bundle(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="GIGA150", credit="150")
    result = use(rt, msisdn, service="data", zone="eu", quantity=12 * GB + 10 * MB)
    # 10 MB out of bundle at 0.10 €/MB, per KB
    assert result.covered == 12 * GB
    assert result.billed_units == 10 * 1024
    assert result.charge_cents == 100
    assert remaining(snapshot(rt, msisdn), "data_eu", "eu") == 0


def test_voice_out_of_bundle_rounds_to_increment_and_adds_connect_fee(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="BASE", credit="10")
    result = use(rt, msisdn, service="voice", quantity=61)
    # 0.19 connect + 0.19 * 61/60 = 0.19 + 0.19316… = 0.38316 -> 0.38
    assert result.billed_units == 61
    assert result.charge_cents == 38
    assert snapshot(rt, msisdn).credit_cents == 1000 - 38


def test_international_voice_uses_minute_increments(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="GIGA150", credit="20")
    result = use(rt, msisdn, service="voice", zone="international", quantity=61)
    # unlimited national minutes do not cover international calls: 0.15 + 0.49 * 120/60
    assert result.covered == 0
    assert result.billed_units == 120
    assert result.charge_cents == 15 + 98


def test_counted_minutes_then_credit(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="SMART50", credit="20")
    result = use(rt, msisdn, service="voice", quantity=300 * 60 + 30)
    assert result.covered == 300 * 60
    # 0.15 connect + 0.19 * 30/60 = 0.245 -> 0.25 (half up, once)
    assert result.charge_cents == 25


def test_sms_each(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="BASE", credit="10")
    assert use(rt, msisdn, service="sms", quantity=3).charge_cents == 57


def test_soonest_expiring_bucket_is_drawn_first(rt: Runtime) -> None:
    from saldo.kit.origin import CLI
    from saldo.lines.service import add_option

    msisdn = make_line(rt, plan="SMART50", credit="30")
    with rt.transaction() as session:
        add_option(session, msisdn=msisdn, option_code="GIGA_EXTRA_10", clock=rt.clock, origin=CLI)
    use(rt, msisdn, service="data", quantity=1 * GB)
    snap = snapshot(rt, msisdn)
    extra = next(a for a in snap.allowances if a.source_code == "GIGA_EXTRA_10")
    plan = next(a for a in snap.allowances if a.source_code == "SMART50" and a.service == "data")
    # both expire at renewal: the older bucket (the plan's) goes first
    assert plan.remaining == 49 * GB and extra.remaining == 10 * GB


def test_expired_bucket_does_not_pay(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="GIGA150", credit="20")
    later = rt.clock.now() + timedelta(days=29)
    result = use(rt, msisdn, service="data", quantity=1 * MB, at=later)
    assert result.covered == 0 and result.charge_cents == 10


def test_prepaid_credit_never_goes_negative(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="BASE", credit="5")
    result = use(rt, msisdn, service="voice", quantity=3600)
    assert result.charge_cents == 19 + 1140
    assert result.credit_cents == 500
    assert result.unpaid_cents == 1159 - 500
    assert snapshot(rt, msisdn).credit_cents == 0


def test_postpaid_charges_are_recorded_not_debited(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="BUSINESSPRO", credit="0", vat_number="01234560017", postpaid=True)
    result = use(rt, msisdn, service="voice", zone="world", quantity=90)
    assert result.charge_cents == 240
    assert result.credit_cents == 0 and result.unpaid_cents == 240
    assert snapshot(rt, msisdn).credit_cents == 0


def test_same_event_twice_is_charged_once(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="BASE", credit="10")
    first = use(rt, msisdn, service="sms", quantity=1, event_id="net-1")
    second = use(rt, msisdn, service="sms", quantity=1, event_id="net-1")
    assert not first.replayed and second.replayed
    assert second.charge_cents == first.charge_cents
    assert snapshot(rt, msisdn).credit_cents == 1000 - 19
