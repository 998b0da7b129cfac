"""Postpaid lines leave a record: each fee, option fee and out-of-bundle charge writes one
billable charge, net of VAT, in the transaction of the event; replays and prepaid lines none."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from saldo.billing.service import record_charge
from saldo.charging import bulk
from saldo.charging.cdr import HEADER, import_usage
from saldo.charging.lookup import load_line_state
from saldo.charging.online import charge_online, expected
from saldo.charging.schemas import UsageEvent
from saldo.charging.service import charge_usage, settle
from saldo.db import db_time
from saldo.kit.clock import FixedClock
from saldo.kit.money import net_of_vat
from saldo.kit.origin import CLI, NETWORK
from saldo.kit.quantities import GB
from saldo.lines.service import add_option, change_plan
from saldo.runtime import Runtime
from saldo.worker import run_once
from tests.billing.factories import all_charges, charges, load_billing_catalog
from tests.factories import make_line, use

VAT = 2200
PIVA = "01234560017"


def _business(rt: Runtime) -> str:
    return make_line(rt, plan="BUSINESSPRO", credit="0", vat_number=PIVA, postpaid=True)


def _event(
    rt: Runtime, msisdn: str, event_id: str, service: str, zone: str, quantity: int
) -> UsageEvent:
    return UsageEvent(event_id, msisdn, service, zone, rt.clock.now(), quantity)


def test_activation_of_a_business_postpaid_line_records_its_fee_net(rt: Runtime) -> None:
    """Business prices exclude VAT: the fee is the net amount as the catalogue gives it."""
    msisdn = _business(rt)
    [fee] = charges(rt, msisdn)
    assert (fee.kind, fee.code, fee.net_cents, fee.vat_rate_bp) == (
        "plan_fee",
        "BUSINESSPRO",
        2499,
        VAT,
    )
    assert fee.occurred_at == rt.clock.now()
    assert fee.reference.startswith("fee:activation:")
    assert (fee.service, fee.zone) == (None, None)


def test_a_consumer_postpaid_fee_is_recorded_net_of_the_vat_it_includes(
    rt: Runtime, tmp_path: Path
) -> None:
    load_billing_catalog(rt, tmp_path)
    msisdn = make_line(rt, plan="CASA", credit="0", postpaid=True)
    [fee] = charges(rt, msisdn)
    assert (fee.kind, fee.net_cents, fee.vat_rate_bp) == ("plan_fee", 1639, VAT)  # 19.99 / 1.22
    assert fee.net_cents == net_of_vat(1999, VAT)


def test_each_renewal_records_one_fee_and_a_replay_none(rt: Runtime, clock: FixedClock) -> None:
    msisdn = _business(rt)
    clock.set(clock.now() + timedelta(days=31))
    assert run_once(rt)["renewed"] == 1
    assert run_once(rt)["renewed"] == 0  # the same renewal again: nothing more
    fees = charges(rt, msisdn)
    assert [(c.kind, c.net_cents) for c in fees] == [("plan_fee", 2499)] * 2
    assert fees[1].occurred_at == fees[0].occurred_at.replace(month=12)  # 26 Nov -> 26 Dec
    assert fees[1].reference.startswith("fee:renewal:")


def test_an_option_records_its_fee_and_a_plan_change_the_new_plan_fee(
    rt: Runtime, tmp_path: Path
) -> None:
    load_billing_catalog(rt, tmp_path)
    consumer = make_line(rt, plan="CASA", credit="0", postpaid=True)
    business = make_line(rt, plan="UFFICIO", credit="0", vat_number=PIVA, postpaid=True)
    for msisdn in (consumer, business):
        with rt.transaction() as session:
            add_option(session, msisdn=msisdn, option_code="PIU_GIGA", clock=rt.clock, origin=CLI)
    with rt.transaction() as session:
        change_plan(
            session,
            msisdn=business,
            plan_code="BUSINESSPRO",
            at_renewal=False,
            clock=rt.clock,
            origin=CLI,
        )
    assert [(c.kind, c.code, c.net_cents) for c in charges(rt, consumer)] == [
        ("plan_fee", "CASA", 1639),
        ("option_fee", "PIU_GIGA", net_of_vat(249, VAT)),  # 2.49 with VAT: 2.04
    ]
    assert [(c.kind, c.code, c.net_cents) for c in charges(rt, business)] == [
        ("plan_fee", "UFFICIO", 1999),  # business prices are net
        ("option_fee", "PIU_GIGA", 249),
        ("plan_fee", "BUSINESSPRO", 2499),
    ]
    assert charges(rt, business)[2].reference.startswith("fee:change:")


def test_a_prepaid_line_writes_no_charge(rt: Runtime, clock: FixedClock) -> None:
    msisdn = make_line(rt, plan="GIGA150", credit="50")
    with rt.transaction() as session:
        add_option(session, msisdn=msisdn, option_code="GIGA_EXTRA_10", clock=rt.clock, origin=CLI)
    assert use(rt, msisdn, service="voice", zone="world", quantity=90).charge_cents > 0
    event = _event(rt, msisdn, "pre-online", "sms", "world", 2)
    assert charge_online(rt, event=event, now=rt.clock.now(), sender="4155").charge_cents > 0
    clock.set(clock.now() + timedelta(days=28))
    assert run_once(rt)["renewed"] == 1
    assert all_charges(rt) == 0


@pytest.mark.parametrize(
    ("service", "zone", "quantity", "net"),
    [
        ("voice", "world", 90, 240),  # no bucket pays: 2 minutes at 1.20
        ("data", "eu", 31 * GB, 2048),  # the 30 GB EU cap drained, 1 GB at 0.02/MB
    ],
)
def test_out_of_bundle_usage_online_records_one_charge_and_a_replay_none(
    rt: Runtime, service: str, zone: str, quantity: int, net: int
) -> None:
    msisdn = _business(rt)
    event = _event(rt, msisdn, "net-1", service, zone, quantity)
    first = charge_online(rt, event=event, now=rt.clock.now(), sender="4155")
    again = charge_online(rt, event=event, now=rt.clock.now(), sender="4155")
    assert again.replayed and first.unpaid_cents == net
    [usage] = [c for c in charges(rt, msisdn) if c.kind == "usage"]
    assert (usage.net_cents, usage.vat_rate_bp, usage.service, usage.zone) == (
        net,
        VAT,
        service,
        zone,
    )
    assert (usage.reference, usage.occurred_at) == ("usage:net-1", event.started_at)


@pytest.mark.parametrize(
    ("service", "zone", "quantity"), [("voice", "world", 90), ("data", "eu", 31 * GB)]
)
def test_out_of_bundle_usage_in_a_transaction_records_one_charge(
    rt: Runtime, service: str, zone: str, quantity: int
) -> None:
    msisdn = _business(rt)
    first = use(rt, msisdn, service=service, zone=zone, quantity=quantity, event_id="tx-1")
    use(rt, msisdn, service=service, zone=zone, quantity=quantity, event_id="tx-1")
    use(rt, msisdn, service="voice", zone="national", quantity=600)  # in the bundle: nothing
    [usage] = [c for c in charges(rt, msisdn) if c.kind == "usage"]
    assert usage.net_cents == first.unpaid_cents > 0 and usage.reference == "usage:tx-1"


def test_a_consumer_postpaid_line_is_billed_usage_net_of_vat(rt: Runtime, tmp_path: Path) -> None:
    load_billing_catalog(rt, tmp_path)
    msisdn = make_line(rt, plan="CASA", credit="0", postpaid=True)
    result = use(rt, msisdn, service="sms", zone="world", quantity=3)  # 3 x 0.71
    [usage] = [c for c in charges(rt, msisdn) if c.kind == "usage"]
    assert result.unpaid_cents == 213 and usage.net_cents == net_of_vat(213, VAT) == 175


def _write_cdr(path: Path, rows: list[list[str]]) -> None:
    import csv

    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows)


def test_cdr_import_records_one_charge_per_billed_event_and_a_second_run_none(
    rt: Runtime, tmp_path: Path
) -> None:
    postpaid = _business(rt)
    prepaid = make_line(rt, plan="BASE", credit="30")
    at = "2026-11-26T10:00:00+01:00"
    rows = [
        ["c1", postpaid, "voice", "world", at, "90", ""],
        ["c2", postpaid, "sms", "international", at, "2", ""],
        ["c3", postpaid, "voice", "national", at, "600", ""],  # unlimited: nothing owed
        ["c4", prepaid, "voice", "world", at, "90", ""],  # prepaid: from the credit
        ["c1", postpaid, "voice", "world", at, "90", ""],  # the same event twice in a file
    ]
    path = tmp_path / "cdr.csv"
    _write_cdr(path, rows)
    first = import_usage(rt.sessions, path=path, clock=rt.clock)
    second = import_usage(rt.sessions, path=path, clock=rt.clock)
    assert (first.rated, first.duplicates, second.rated) == (4, 1, 0)
    got = sorted(
        (c.reference, c.service, c.zone, c.net_cents)
        for c in charges(rt, postpaid)
        if c.kind == "usage"
    )
    assert got == [("usage:c1", "voice", "world", 240), ("usage:c2", "sms", "international", 58)]
    assert charges(rt, prepaid) == []


def test_a_rolled_back_event_leaves_no_charge(rt: Runtime) -> None:
    msisdn = _business(rt)
    before = all_charges(rt)
    for work in ("option", "usage"):
        with pytest.raises(RuntimeError), rt.transaction() as session:
            if work == "option":
                add_option(
                    session, msisdn=msisdn, option_code="MONDO_100", clock=rt.clock, origin=CLI
                )
            else:
                event = _event(rt, msisdn, "rolled-back", "voice", "world", 90)
                charge_usage(session, event=event, now=rt.clock.now(), sender="4155")
            raise RuntimeError("the entry point fails after the event")
    assert all_charges(rt) == before


def test_record_charge_is_idempotent_by_its_reference(rt: Runtime) -> None:
    msisdn = _business(rt)
    with rt.transaction() as session:
        line_id = charges(rt, msisdn)[0].line_id
        first = record_charge(
            session,
            line_id=line_id,
            kind="usage",
            net_cents=100,
            vat_rate_bp=VAT,
            occurred_at=rt.clock.now(),
            reference="ref-1",
            service="sms",
            zone="world",
        )
        again = record_charge(
            session,
            line_id=line_id,
            kind="usage",
            net_cents=999,
            vat_rate_bp=VAT,
            occurred_at=rt.clock.now(),
            reference="ref-1",
            service="sms",
            zone="world",
        )
        assert again.id == first.id and again.net_cents == 100
    assert len(charges(rt, msisdn)) == 2


@pytest.mark.parametrize(
    ("service", "zone", "quantity"),
    [("voice", "world", 90), ("data", "eu", 31 * GB)],  # the statement without and with debits
)
def test_a_charge_committed_alone_writes_its_billable_charge_or_nothing(
    rt: Runtime, service: str, zone: str, quantity: int
) -> None:
    msisdn = _business(rt)
    before = all_charges(rt)
    event = _event(rt, msisdn, "alone-1", service, zone, quantity)
    with rt.autocommit() as link:
        state, _ = load_line_state(link, msisdn)
        applied = settle(
            state,
            event,
            credit=state.credit,
            source="online",
            started=db_time(link, event.started_at),
            rated=db_time(link, rt.clock.now()),
        )
        assert applied.charge_row is not None
        stale = expected(state, applied)._replace(version=state.version - 1)
        for check in (stale, expected(state, applied)):
            try:
                bulk.charge_alone(
                    link,
                    applied.entries,
                    applied.usage_row,
                    charge_row=applied.charge_row,
                    expected=check,
                    origin=NETWORK,
                    now=rt.clock.now(),
                )
            except bulk.ChargeRefused:
                assert check is stale
                assert all_charges(rt) == before  # refused whole: no charge either
    [usage] = [c for c in charges(rt, msisdn) if c.kind == "usage"]
    assert usage.net_cents == applied.unpaid_cents and usage.reference == "usage:alone-1"
