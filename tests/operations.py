"""What can happen to a line, drawn by hypothesis and done, for property tests."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from saldo.balances.errors import InsufficientCredit
from saldo.charging.errors import ReservationClosed
from saldo.charging.reservations import commit_reservation
from saldo.kit.clock import FixedClock
from saldo.kit.errors import SaldoError
from saldo.kit.origin import CLI
from saldo.lines.service import add_option, change_plan, remove_option
from saldo.payments.service import top_up
from saldo.runtime import Runtime
from saldo.worker import run_once
from tests.conftest import START, _empty
from tests.factories import hold, load_demo_catalog, make_line, use

plans = st.sampled_from(["GIGA150", "SMART50", "BASE"])
credits = st.sampled_from(["0", "7", "30"])


def examples(count: int) -> settings:
    """Hypothesis settings for a property test on the database: ``count`` examples, each on a
    fresh line (``fresh_line``), however long one takes."""
    return settings(
        max_examples=count,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )


def fresh_line(rt: Runtime, clock: FixedClock, plan: str, credit: str) -> str:
    """An empty database with the demo catalogue, the clock at START, and one line on it."""
    _empty(rt.engine)
    clock.set(START)
    load_demo_catalog(rt)
    return make_line(rt, plan=plan, credit=credit)


operation = st.one_of(
    st.tuples(
        st.just("use"),
        st.sampled_from(["voice", "sms", "mms", "data"]),
        st.sampled_from(["national", "eu", "international", "world"]),
        st.integers(0, 60 * 1024**3),
    ),
    st.tuples(st.just("topup"), st.sampled_from([500, 1000, 2500]), st.integers(0, 3)),
    st.tuples(
        st.just("option"),
        st.sampled_from(["GIGA_EXTRA_10", "GIGA_EXTRA_50", "MONDO_100"]),
        st.booleans(),
    ),
    st.tuples(
        st.just("plan"), st.sampled_from(["GIGA150", "SMART50", "BASE", "GIGA200"]), st.booleans()
    ),
    st.tuples(st.just("time"), st.integers(1, 40), st.just(0)),
    st.tuples(st.just("session"), st.integers(1, 900), st.integers(0, 1200)),
)


def apply(rt: Runtime, clock: FixedClock, msisdn: str, n: int, op: tuple[object, ...]) -> None:
    """Do ``op`` (one of ``operation``'s draws, the ``n``-th) to the line ``msisdn``; a refusal
    is a clear one and changes nothing."""
    kind = op[0]
    try:
        if kind == "use":
            use(
                rt,
                msisdn,
                service=str(op[1]),
                zone=str(op[2]),
                quantity=int(op[3]) if op[1] == "data" else int(op[3]) % 5000,
            )  # type: ignore[call-overload]
        elif kind == "topup":
            with rt.transaction() as s:
                top_up(
                    s,
                    msisdn=msisdn,
                    amount_cents=int(op[1]),
                    ref=f"r{op[2]}-{op[1]}",
                    clock=rt.clock,
                    origin=CLI,
                )  # type: ignore[call-overload]
        elif kind == "option":
            with rt.transaction() as s:
                (add_option if op[2] else remove_option)(
                    s, msisdn=msisdn, option_code=str(op[1]), clock=rt.clock, origin=CLI
                )
        elif kind == "plan":
            with rt.transaction() as s:
                change_plan(
                    s,
                    msisdn=msisdn,
                    plan_code=str(op[1]),
                    at_renewal=bool(op[2]),
                    clock=rt.clock,
                    origin=CLI,
                )
        elif kind == "time":
            clock.set(clock.now() + timedelta(days=int(op[1])))  # type: ignore[call-overload]
            run_once(rt)
        else:
            hold(rt, msisdn, session_id=f"s{n}", service="voice", quantity=int(op[1]))
            with rt.transaction() as s:
                commit_reservation(
                    s,
                    session_id=f"s{n}",
                    msisdn=msisdn,
                    used=int(op[2]),
                    now=clock.now(),
                    sender="4155",
                )  # type: ignore[call-overload]
    except (InsufficientCredit, ReservationClosed):
        pass
    except SaldoError as exc:
        assert exc.kind in ("invalid", "conflict"), exc
