"""Online charging rates an event on the line's state as the process last saw it: whatever
changed meanwhile elsewhere, the event is charged exactly as on the line as it is.

Everything done here through a unit of work (``use``, a top-up, an option…) happens, as far
as ``charge_online``'s kept states know, in another process. On SQLite ``charge_online``
reads the line every time; the same tests hold there too.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from saldo.balances.service import ledger_mismatches
from saldo.charging.lookup import load_line_state
from saldo.charging.online import charge_online
from saldo.charging.reservations import commit_reservation
from saldo.charging.schemas import UsageEvent, UsageResult
from saldo.charging.service import settled
from saldo.kit.clock import FixedClock
from saldo.kit.origin import CLI
from saldo.lines.models import Line
from saldo.lines.service import add_option, change_plan, remove_option
from saldo.payments.service import top_up
from saldo.runtime import Runtime
from tests.factories import hold, make_line, remaining, snapshot, use
from tests.operations import apply, credits, examples, fresh_line, operation, plans


def _online(
    rt: Runtime, msisdn: str, event_id: str, service: str, quantity: int, zone: str = "national"
) -> UsageResult:
    event = UsageEvent(event_id, msisdn, service, zone, rt.clock.now(), quantity)
    return charge_online(rt, event=event, now=rt.clock.now(), sender="4155")


def _figures(result: UsageResult) -> tuple[int, int, int, int, int]:
    """covered, billed units, charge, from credit, unpaid."""
    return (
        result.covered,
        result.billed_units,
        result.charge_cents,
        result.credit_cents,
        result.unpaid_cents,
    )


def _version(rt: Runtime, msisdn: str) -> int:
    with rt.read() as session:
        return int(session.scalar(select(Line.version).where(Line.msisdn == msisdn)) or 0)


def _consistent(rt: Runtime) -> bool:
    with rt.read() as session:
        return ledger_mismatches(session) == []


def _top_up(rt: Runtime, msisdn: str, cents: int, ref: str) -> None:
    with rt.transaction() as session:
        top_up(session, msisdn=msisdn, amount_cents=cents, ref=ref, clock=rt.clock, origin=CLI)


def _option(rt: Runtime, msisdn: str, code: str, *, add: bool = True) -> None:
    with rt.transaction() as session:
        (add_option if add else remove_option)(
            session, msisdn=msisdn, option_code=code, clock=rt.clock, origin=CLI
        )


def _plan(rt: Runtime, msisdn: str, code: str) -> None:
    with rt.transaction() as session:
        change_plan(
            session, msisdn=msisdn, plan_code=code, at_renewal=False, clock=rt.clock, origin=CLI
        )


def test_an_option_granted_meanwhile_covers_the_next_call(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="SMART50", credit="20")
    before = _online(rt, msisdn, "intl-1", "voice", 60, zone="international")
    _option(rt, msisdn, "MONDO_100")

    after = _online(rt, msisdn, "intl-2", "voice", 120, zone="international")

    assert before.charge_cents > 0
    assert _figures(after) == (120, 0, 0, 0, 0)
    assert _consistent(rt)


def test_a_plan_changed_meanwhile_rates_the_next_sms_on_the_new_plan(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="GIGA150", credit="20")  # unlimited SMS
    assert _figures(_online(rt, msisdn, "sms-1", "sms", 1)) == (1, 0, 0, 0, 0)
    _plan(rt, msisdn, "SMART50")

    assert _figures(_online(rt, msisdn, "sms-2", "sms", 1)) == (1, 0, 0, 0, 0)
    assert remaining(snapshot(rt, msisdn), "sms") == 99  # drawn from Smart 50's 100 SMS
    assert _consistent(rt)


def test_a_top_up_meanwhile_pays_the_next_event(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="BASE", credit="0")
    assert _figures(_online(rt, msisdn, "sms-1", "sms", 1)) == (0, 1, 19, 0, 19)
    _top_up(rt, msisdn, 500, "pay-1")

    assert _figures(_online(rt, msisdn, "sms-2", "sms", 1)) == (0, 1, 19, 19, 0)
    assert snapshot(rt, msisdn).credit_cents == 481
    assert _consistent(rt)


def test_units_given_back_meanwhile_are_drawn_first(rt: Runtime) -> None:
    """The SMS bucket is down to 5 while a session holds 10 of its messages; the session ends
    unused and gives them back: the next 10 SMS are all covered, none paid from credit."""
    msisdn = make_line(rt, plan="SMART50", credit="20")
    hold(rt, msisdn, session_id="held", service="sms", quantity=10)
    assert _figures(_online(rt, msisdn, "sms-85", "sms", 85)) == (85, 0, 0, 0, 0)
    with rt.transaction() as session:
        commit_reservation(
            session, session_id="held", msisdn=msisdn, used=0, now=rt.clock.now(), sender="4155"
        )

    assert _figures(_online(rt, msisdn, "sms-10", "sms", 10)) == (10, 0, 0, 0, 0)
    assert remaining(snapshot(rt, msisdn), "sms") == 5
    assert _consistent(rt)


def test_units_taken_meanwhile_are_not_counted_twice(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="SMART50", credit="20")
    assert _online(rt, msisdn, "sms-1", "sms", 1).covered == 1
    use(rt, msisdn, service="sms", quantity=97)  # 2 left, the kept state says 99

    assert _figures(_online(rt, msisdn, "sms-5", "sms", 5)) == (2, 3, 57, 57, 0)
    assert remaining(snapshot(rt, msisdn), "sms") == 0
    assert _consistent(rt)


def test_the_line_version_changes_with_what_rating_reads_and_only_with_it(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="SMART50", credit="20")
    steps: list[tuple[str, Any, bool]] = [
        ("charge", lambda: _online(rt, msisdn, "v-1", "sms", 3), False),
        ("use", lambda: use(rt, msisdn, service="data", quantity=10**6), False),
        ("top-up", lambda: _top_up(rt, msisdn, 1000, "v-pay"), False),
        ("option added", lambda: _option(rt, msisdn, "GIGA_EXTRA_10"), True),
        ("option removed", lambda: _option(rt, msisdn, "GIGA_EXTRA_10", add=False), True),
        ("plan changed", lambda: _plan(rt, msisdn, "GIGA150"), True),
    ]
    for name, step, changes in steps:
        before = _version(rt, msisdn)
        step()
        assert (_version(rt, msisdn) != before) is changes, name


online = st.tuples(
    st.just("online"),
    st.sampled_from(["voice", "sms", "mms", "data"]),
    st.sampled_from(["national", "eu", "international", "world"]),
    st.integers(0, 60 * 1024**3),
)


@examples(40)
@given(plan=plans, credit=credits, ops=st.lists(st.one_of(online, operation), max_size=30))
def test_every_online_charge_is_the_rating_of_the_line_as_it_is(
    rt: Runtime, clock: FixedClock, plan: str, credit: str, ops: list[tuple[Any, ...]]
) -> None:
    msisdn = fresh_line(rt, clock, plan, credit)
    for n, op in enumerate(ops):
        if op[0] != "online":
            apply(rt, clock, msisdn, n, op)
            continue
        quantity = op[3] if op[1] == "data" else op[3] % 5000
        event = UsageEvent(f"on-{n}", msisdn, op[1], op[2], clock.now(), quantity)
        with rt.read() as session:  # the rating on a fresh read, just before
            state, _ = load_line_state(session, msisdn)
            applied = settled(session, state, event, clock.now(), source="online")
        expected = (
            applied.rating.covered,
            applied.rating.billed_units,
            applied.rating.charge_cents,
            applied.credit_cents,
            applied.unpaid_cents,
        )
        result = charge_online(rt, event=event, now=clock.now(), sender="4155")
        assert _figures(result) == expected, op
    assert _consistent(rt)
