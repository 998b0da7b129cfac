"""Immediate event charging (``charge_online``) and the all-or-nothing write under it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from saldo.balances import ledger
from saldo.balances.models import LedgerEntry
from saldo.balances.service import ledger_mismatches
from saldo.charging import bulk
from saldo.charging.lookup import LineState, load_line_state
from saldo.charging.models import UsageRecord
from saldo.charging.online import charge_online, expected
from saldo.charging.schemas import UsageEvent
from saldo.charging.service import Applied, charge_on_state, settle
from saldo.db import Unit, db_time, fetch_all
from saldo.kit.origin import NETWORK
from saldo.kit.quantities import GB
from saldo.notifications.models import OutboxMessage
from saldo.runtime import Runtime
from tests.factories import make_line, remaining, snapshot, use


def _event(rt: Runtime, msisdn: str, event_id: str, service: str, quantity: int) -> UsageEvent:
    return UsageEvent(event_id, msisdn, service, "national", rt.clock.now(), quantity)


def _read(rt: Runtime, msisdn: str) -> LineState:
    with rt.read() as session:
        return load_line_state(session, msisdn)[0]


def _rated(rt: Runtime, unit: Unit, state: LineState, event: UsageEvent) -> Applied:
    """What charging ``event`` on ``state`` would write, rated without any credit."""
    return settle(
        state,
        event,
        credit=0,
        source="online",
        started=db_time(unit, event.started_at),
        rated=db_time(unit, rt.clock.now()),
    )


def _counts(rt: Runtime) -> tuple[int, int]:
    with rt.read() as session:
        entries = session.scalar(select(func.count()).select_from(LedgerEntry))
        usage = session.scalar(select(func.count()).select_from(UsageRecord))
    return int(entries or 0), int(usage or 0)


def _consistent(rt: Runtime) -> bool:
    with rt.read() as session:
        return ledger_mismatches(session) == []


def test_charges_buckets_then_credit_and_answers_a_replay_with_the_first_result(
    rt: Runtime,
) -> None:
    msisdn = make_line(rt, plan="SMART50", credit="20")
    credit = snapshot(rt, msisdn).credit_cents
    event = _event(rt, msisdn, "iec-1", "voice", 300 * 60 + 90)
    first = charge_online(rt, event=event, now=rt.clock.now(), sender="4155")
    after_first = (snapshot(rt, msisdn).credit_cents, _counts(rt))

    again = charge_online(rt, event=event, now=rt.clock.now(), sender="4155")

    assert first.covered == 300 * 60 and first.charge_cents > 0 and not first.replayed
    assert again.replayed and (again.charge_cents, again.credit_cents) == (
        first.charge_cents,
        first.credit_cents,
    )
    assert after_first[0] == credit - first.credit_cents
    assert (snapshot(rt, msisdn).credit_cents, _counts(rt)) == after_first
    assert _consistent(rt)


def test_a_write_that_finds_a_bucket_changed_gives_everything_back(rt: Runtime) -> None:
    """Two debits: the bucket's succeeds, the credit's finds less than asked; none stays."""
    msisdn = make_line(rt, plan="GIGA150", credit="10")
    state = _read(rt, msisdn)
    event = _event(rt, msisdn, "iec-short", "data", 2 * GB)
    counts = _counts(rt)
    with rt.transaction() as session:
        applied = _rated(rt, session, state, event)
        too_much = state.credit + 1
        entries = [
            *applied.entries,
            ledger.Entry(state.id, state.wallet_id, "charge", -too_much, "k:credit", "iec-short"),
        ]
        assert len(entries) == 2
        written = bulk.charge(
            session, entries, applied.usage_row, origin=NETWORK, now=rt.clock.now()
        )
    assert written is None
    snap = snapshot(rt, msisdn)
    assert remaining(snap, "data") == 150 * GB and snap.credit_cents == state.credit
    assert _counts(rt) == counts
    assert _consistent(rt)


def test_rated_on_a_stale_read_the_event_is_not_written_and_online_rates_it_again(
    rt: Runtime,
) -> None:
    msisdn = make_line(rt, plan="BASE", credit="1")
    stale = _read(rt, msisdn)
    use(rt, msisdn, service="sms", quantity=3)  # 3 × 0.19 € leaves 0.43 €
    event = _event(rt, msisdn, "iec-late", "sms", 3)
    with rt.transaction() as session:
        assert (
            charge_on_state(
                session,
                stale,
                event,
                now=rt.clock.now(),
                sender="4155",
                origin=NETWORK,
                source="online",
            )
            is None
        )

    result = charge_online(rt, event=event, now=rt.clock.now(), sender="4155")

    assert (result.charge_cents, result.credit_cents, result.unpaid_cents) == (57, 43, 14)
    assert snapshot(rt, msisdn).credit_cents == 0
    assert _consistent(rt)


def test_data_alerts_follow_what_the_bucket_really_held(rt: Runtime) -> None:
    """Two events rated on the same read, 45 % of the bundle each: the second crosses 80 %."""
    msisdn = make_line(rt, plan="SMART50", credit="20")
    stale = _read(rt, msisdn)
    total = remaining(snapshot(rt, msisdn), "data")
    for n in (1, 2):
        event = _event(rt, msisdn, f"iec-alert-{n}", "data", total * 45 // 100)
        with rt.transaction() as session:
            assert charge_on_state(
                session,
                stale,
                event,
                now=rt.clock.now(),
                sender="4155",
                origin=NETWORK,
                source="online",
            )
    with rt.read() as session:
        bodies = session.scalars(
            select(OutboxMessage.body).where(OutboxMessage.topic == "threshold")
        ).all()
    assert len(bodies) == 1 and "80%" in bodies[0]


def test_an_online_data_charge_that_passes_80_percent_writes_the_alert_with_it(
    rt: Runtime,
) -> None:
    """On PostgreSQL the one-statement charge refuses itself and the transaction writes both."""
    msisdn = make_line(rt, plan="SMART50", credit="20")
    total = remaining(snapshot(rt, msisdn), "data")
    event = _event(rt, msisdn, "iec-80", "data", total * 85 // 100)
    result = charge_online(rt, event=event, now=rt.clock.now(), sender="4155")
    assert result.covered == total * 85 // 100 and not result.replayed
    with rt.read() as session:
        bodies = session.scalars(
            select(OutboxMessage.body).where(OutboxMessage.topic == "threshold")
        ).all()
    assert len(bodies) == 1 and "80%" in bodies[0]
    assert remaining(snapshot(rt, msisdn), "data") == total - total * 85 // 100
    assert _consistent(rt)


def test_a_charge_committed_alone_refuses_itself_whole(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="GIGA150", credit="10")
    state = _read(rt, msisdn)
    counts = _counts(rt)
    for alert_due, units in ((True, 130 * GB), (False, 151 * GB)):
        event = _event(rt, msisdn, f"iec-alone-{alert_due}", "data", units)
        with rt.autocommit() as link:
            applied = _rated(rt, link, state, event)
            entries = list(applied.entries)
            if not alert_due:  # more than the bucket holds, as if it changed since the read
                entries[0] = ledger.Entry(state.id, entries[0].bucket_id, "charge", -units, "k")
            with pytest.raises(bulk.ChargeRefused) as refused:
                bulk.charge_alone(
                    link,
                    entries,
                    applied.usage_row,
                    expected=expected(state, applied),
                    origin=NETWORK,
                    now=rt.clock.now(),
                )
        assert refused.value.alert_due is alert_due
    assert remaining(snapshot(rt, msisdn), "data") == 150 * GB
    assert _counts(rt) == counts
    # nothing is left held (SQLite: the database lock): the next charge goes through
    after = _event(rt, msisdn, "iec-alone-after", "data", GB)
    assert charge_online(rt, event=after, now=rt.clock.now(), sender="4155").covered == GB
    assert remaining(snapshot(rt, msisdn), "data") == 149 * GB
    assert _consistent(rt)


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_charge_that_finds_its_connection_cut_is_made_once_on_a_new_one(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="BASE", credit="5")
    charge_online(
        rt, event=_event(rt, msisdn, "iec-before", "sms", 1), now=rt.clock.now(), sender="4155"
    )
    with rt.autocommit() as link:  # the link that charged, waiting for the next charge
        pid = fetch_all(link, "SELECT pg_backend_pid()", ())[0][0]
    with rt.read() as session:  # as if the server had restarted
        session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    credit, counts = snapshot(rt, msisdn).credit_cents, _counts(rt)

    result = charge_online(
        rt, event=_event(rt, msisdn, "iec-cut", "sms", 2), now=rt.clock.now(), sender="4155"
    )

    assert not result.replayed and result.credit_cents == 38
    assert snapshot(rt, msisdn).credit_cents == credit - 38
    assert _counts(rt) == (counts[0] + 1, counts[1] + 1)
    assert _consistent(rt)
