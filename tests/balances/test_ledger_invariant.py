"""remaining == initial + sum(ledger deltas) and credit >= 0, whatever happens in any order."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saldo.balances.service import ledger_mismatches
from saldo.kit.clock import FixedClock
from saldo.runtime import Runtime
from tests.conftest import START, _empty
from tests.factories import load_demo_catalog, make_line, snapshot
from tests.operations import apply, operation


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    plan=st.sampled_from(["GIGA150", "SMART50", "BASE"]),
    credit=st.sampled_from(["0", "7", "30"]),
    ops=st.lists(operation, max_size=25),
)
def test_ledger_explains_every_bucket(
    rt: Runtime, clock: FixedClock, plan: str, credit: str, ops: list[tuple[object, ...]]
) -> None:
    _empty(rt.engine)
    clock.set(START)
    load_demo_catalog(rt)
    msisdn = make_line(rt, plan=plan, credit=credit)
    for n, op in enumerate(ops):
        apply(rt, clock, msisdn, n, op)
        with rt.transaction() as s:
            assert ledger_mismatches(s) == []
        snap = snapshot(rt, msisdn)
        assert snap.credit_cents >= 0
        assert all((a.remaining or 0) >= 0 for a in snap.allowances)
