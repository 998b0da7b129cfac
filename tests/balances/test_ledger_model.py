"""The balances' own operations against a model of them: after any sequence of credits, debits,
grants, expiries and all-or-nothing draws, every bucket holds what the model says, Σ ledger
entries = Σ buckets, a refused operation changes nothing, and credit never goes below zero."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from saldo.balances import ledger
from saldo.balances.errors import BalanceChanged, InsufficientCredit
from saldo.balances.models import Bucket, LedgerEntry
from saldo.balances.service import ledger_mismatches, wallet_id
from saldo.balances.wallet import credit_wallet, debit_wallet
from saldo.kit.clock import FixedClock
from saldo.kit.origin import CLI
from saldo.lines.repository import line_by_msisdn
from saldo.runtime import Runtime
from tests.operations import examples, fresh_line

_keys = itertools.count()

step = st.one_of(
    st.tuples(st.just("credit"), st.integers(1, 5000)),
    st.tuples(st.just("debit"), st.integers(1, 5000)),
    st.tuples(st.just("grant"), st.integers(0, 10**10)),
    st.tuples(st.just("expire"), st.integers(0, 7)),
    st.tuples(st.just("draw"), st.lists(st.tuples(st.integers(0, 7), st.integers(0, 10**10)))),
)


def _buckets(rt: Runtime, line_id: int) -> dict[int, int]:
    with rt.transaction() as s:
        rows = s.execute(select(Bucket.id, Bucket.remaining).where(Bucket.line_id == line_id)).all()
    return {int(i): int(r) for i, r in rows}


def _sums(rt: Runtime, line_id: int) -> tuple[int, int]:
    """Σ ledger deltas and Σ (remaining - initial) of the line's buckets."""
    with rt.transaction() as s:
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
    return int(entries or 0), int(buckets or 0)


def _do(rt: Runtime, line_id: int, wallet: int, model: dict[int, int], op: tuple[str, Any]) -> None:
    """Do ``op`` and update ``model`` (bucket id -> remaining) the way it should change."""
    now = rt.clock.now()
    kind, arg = op
    others = sorted(b for b in model if b != wallet)
    if kind == "credit":
        with rt.transaction() as s:
            credit_wallet(
                s,
                line_id=line_id,
                cents=arg,
                kind="topup",
                key=f"k{next(_keys)}",
                reference=None,
                origin=CLI,
                now=now,
            )
        model[wallet] += arg
    elif kind == "debit":
        try:
            with rt.transaction() as s:
                debit_wallet(
                    s,
                    line_id=line_id,
                    cents=arg,
                    kind="charge",
                    key=f"k{next(_keys)}",
                    reference=None,
                    origin=CLI,
                    now=now,
                )
        except InsufficientCredit as exc:
            assert model[wallet] < arg
            assert exc.details == {"needed_cents": arg, "credit_cents": model[wallet]}
        else:
            assert model[wallet] >= arg
            model[wallet] -= arg
    elif kind == "grant":
        with rt.transaction() as s:
            bucket = ledger.create_bucket(
                s,
                line_id=line_id,
                service="data",
                zone="national",
                source="promo",
                unit="bytes",
                amount=arg,
                unlimited=False,
                valid_from=now,
                expires_at=now + timedelta(days=30),
                key=f"k{next(_keys)}",
                origin=CLI,
                now=now,
            )
        model[bucket] = arg
    elif kind == "expire" and others:
        bucket = others[arg % len(others)]
        with rt.transaction() as s:
            written_off = ledger.expire_bucket(
                s, bucket_id=bucket, line_id=line_id, key=f"k{next(_keys)}", origin=CLI, now=now
            )
        assert written_off == model[bucket]
        model[bucket] = 0
    elif kind == "draw" and others:
        draws = [(others[i % len(others)], units) for i, units in arg]
        wanted: dict[int, int] = {}
        for bucket, units in draws:
            wanted[bucket] = wanted.get(bucket, 0) + units
        with rt.transaction() as s:  # committed either way: the draw itself gives back
            try:
                ledger.debit_all(s, draws)
            except BalanceChanged:
                assert any(model[b] < n for b, n in wanted.items())
                return
            ledger.write_entries(
                s,
                [ledger.Entry(line_id, b, "charge", -n, f"k{next(_keys)}") for b, n in draws if n],
                origin=CLI,
                now=now,
            )
        assert all(model[b] >= n for b, n in wanted.items())
        for bucket, units in wanted.items():
            model[bucket] -= units


@examples(10)
@given(steps=st.lists(step, max_size=30))
def test_every_bucket_is_what_the_model_says_and_the_ledger_explains_it(
    rt: Runtime, clock: FixedClock, steps: list[tuple[str, Any]]
) -> None:
    msisdn = fresh_line(rt, clock, "BASE", "0")
    with rt.transaction() as s:
        line_id = line_by_msisdn(s, msisdn).id
        wallet = wallet_id(s, line_id)
    model = _buckets(rt, line_id)
    for op in steps:
        _do(rt, line_id, wallet, model, op)
        assert _buckets(rt, line_id) == model
        assert min(model.values()) >= 0
        entries, buckets = _sums(rt, line_id)
        assert entries == buckets
        with rt.transaction() as s:
            assert ledger_mismatches(s, line_id=line_id) == []


def test_a_conditional_debit_takes_all_or_nothing(rt: Runtime, clock: FixedClock) -> None:
    msisdn = fresh_line(rt, clock, "BASE", "5")
    with rt.transaction() as s:
        wallet = wallet_id(s, line_by_msisdn(s, msisdn).id)
        assert not ledger.try_debit(s, wallet, 501)
        assert ledger.try_debit(s, wallet, 0)
    with rt.transaction() as s:
        assert ledger.try_debit(s, wallet, 500)
        assert not ledger.try_debit(s, wallet, 1)


def test_a_failed_draw_gives_back_what_it_took(rt: Runtime, clock: FixedClock) -> None:
    msisdn = fresh_line(rt, clock, "BASE", "5")
    with rt.transaction() as s:
        line_id = line_by_msisdn(s, msisdn).id
        wallet = wallet_id(s, line_id)
    before = _buckets(rt, line_id)
    with rt.transaction() as s, pytest.raises(BalanceChanged):
        ledger.debit_all(s, [(wallet, 300), (wallet, 300)])
    assert _buckets(rt, line_id) == before
