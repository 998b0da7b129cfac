"""The ledger is append-only and replays change nothing: after any sequence of what can happen
to a line (tests/operations.py), every entry written before is still there unchanged, the
line's Σ entries equal its buckets, and replaying the usage events answers the first result."""

from __future__ import annotations

from dataclasses import replace
from random import Random

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from saldo.balances.models import Bucket, LedgerEntry
from saldo.kit.clock import FixedClock
from saldo.lines.repository import line_by_msisdn
from saldo.runtime import Runtime
from tests.factories import snapshot, use
from tests.operations import apply, credits, examples, fresh_line, operation, plans


def _ledger(rt: Runtime) -> dict[int, tuple[object, ...]]:
    with rt.transaction() as s:
        rows = s.execute(
            select(
                LedgerEntry.id,
                LedgerEntry.bucket_id,
                LedgerEntry.kind,
                LedgerEntry.delta,
                LedgerEntry.idempotency_key,
                LedgerEntry.created_at,
            )
        ).all()
    return {int(r[0]): tuple(r[1:]) for r in rows}


def _balanced(rt: Runtime, msisdn: str) -> bool:
    with rt.transaction() as s:
        line_id = line_by_msisdn(s, msisdn).id
        entries = s.scalar(
            select(func.coalesce(func.sum(LedgerEntry.delta), 0)).where(
                LedgerEntry.line_id == line_id
            )
        )
        buckets = s.scalar(
            select(func.coalesce(func.sum(Bucket.remaining - Bucket.initial), 0)).where(
                Bucket.line_id == line_id
            )
        )
    return int(entries or 0) == int(buckets or 0)


@examples(10)
@given(plan=plans, credit=credits, ops=st.lists(operation, max_size=20))
def test_entries_are_only_ever_appended(
    rt: Runtime, clock: FixedClock, plan: str, credit: str, ops: list[tuple[object, ...]]
) -> None:
    msisdn = fresh_line(rt, clock, plan, credit)
    seen = _ledger(rt)
    for n, op in enumerate(ops):
        apply(rt, clock, msisdn, n, op)
        now = _ledger(rt)
        assert {i: now[i] for i in seen if i in now} == seen, "an entry was changed or deleted"
        assert seen.keys() <= now.keys()
        assert _balanced(rt, msisdn)
        seen = now


@examples(8)
@given(
    plan=plans,
    credit=credits,
    events=st.lists(
        st.tuples(st.sampled_from(["voice", "sms", "data"]), st.integers(1, 2 * 1024**3)),
        min_size=1,
        max_size=8,
    ),
    order=st.randoms(use_true_random=False),
)
def test_a_replayed_usage_event_changes_nothing(
    rt: Runtime,
    clock: FixedClock,
    plan: str,
    credit: str,
    events: list[tuple[str, int]],
    order: Random,
) -> None:
    msisdn = fresh_line(rt, clock, plan, credit)
    first = {}
    for n, (service, quantity) in enumerate(events):
        quantity = quantity if service == "data" else quantity % 3600
        first[f"e{n}"] = (
            service,
            quantity,
            use(rt, msisdn, service=service, quantity=quantity, event_id=f"e{n}"),
        )
    ledger, balance = _ledger(rt), snapshot(rt, msisdn)
    replays = list(first.items())
    order.shuffle(replays)
    for event_id, (service, quantity, result) in replays:
        again = use(rt, msisdn, service=service, quantity=quantity, event_id=event_id)
        assert again.replayed
        assert replace(again, replayed=False) == result
    assert _ledger(rt) == ledger
    assert snapshot(rt, msisdn).model_dump(exclude={"as_of"}) == balance.model_dump(
        exclude={"as_of"}
    )
