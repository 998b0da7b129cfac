"""remaining == initial + sum(ledger deltas) and credit >= 0, whatever happens in any order."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from saldo.balances.service import ledger_mismatches
from saldo.kit.clock import FixedClock
from saldo.runtime import Runtime
from tests.factories import snapshot
from tests.operations import apply, credits, examples, fresh_line, operation, plans


@examples(12)
@given(plan=plans, credit=credits, ops=st.lists(operation, max_size=25))
def test_ledger_explains_every_bucket(
    rt: Runtime, clock: FixedClock, plan: str, credit: str, ops: list[tuple[object, ...]]
) -> None:
    msisdn = fresh_line(rt, clock, plan, credit)
    for n, op in enumerate(ops):
        apply(rt, clock, msisdn, n, op)
        with rt.transaction() as s:
            assert ledger_mismatches(s) == []
        snap = snapshot(rt, msisdn)
        assert snap.credit_cents >= 0
        assert all((a.remaining or 0) >= 0 for a in snap.allowances)
