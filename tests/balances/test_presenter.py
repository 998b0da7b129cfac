"""The presenter of the snapshot: what the credit lacks, the kinds of allowance and their sums."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from saldo.balances import presenter
from saldo.balances.presenter import (
    HOME_FIRST,
    KINDS,
    allowance_line,
    allowance_lines,
    missing_cents,
    missing_for_renewal,
    renewal,
    renewal_covered,
    shortfall,
)
from saldo.kit.clock import ROME
from saldo.kit.quantities import GB, UNIT_BY_SERVICE
from tests.balances.snapshots import bucket as _bucket
from tests.balances.snapshots import snap as _snap

cents = st.integers(min_value=0, max_value=10**9)


@given(fee=cents, credit=cents)
def test_missing_is_never_negative_and_zero_exactly_when_the_credit_pays(
    fee: int, credit: int
) -> None:
    missing = missing_cents(fee_cents=fee, credit_cents=credit)
    assert missing >= 0
    assert (missing == 0) == (credit >= fee)
    if missing:
        assert credit + missing == fee  # topping up exactly that much pays the fee


@given(fee=cents, credit=cents, billing=st.sampled_from(["prepaid", "postpaid"]))
def test_missing_for_renewal_agrees_with_covered_and_the_renewal_state(
    fee: int, credit: int, billing: str
) -> None:
    snap = _snap(credit=credit, fee=fee, billing=billing)
    missing = missing_for_renewal(snap)
    assert missing >= 0
    assert renewal_covered(snap) == (missing == 0)
    assert renewal_covered(snap) == (billing == "postpaid" or credit >= fee)
    r = renewal(snap)
    assert r.missing_cents == missing and r.fee_cents == fee
    if fee == 0:
        assert r.state == "free"
    elif billing == "postpaid":
        assert r.state == "postpaid" and missing == 0
    else:
        assert r.state == ("covered" if credit >= fee else "short")


def test_a_suspended_plan_asks_for_what_restarts_it() -> None:
    r = renewal(_snap(credit=401, fee=999, status="suspended"))
    assert (r.state, r.missing_cents) == ("suspended", 598)
    # a fee that costs nothing more than the credit: nothing missing, still suspended
    assert renewal(_snap(credit=999, fee=999, status="suspended")).missing_cents == 0


def test_a_postpaid_line_lacks_nothing_for_any_fee() -> None:
    snap = _snap(billing="postpaid", credit=0, fee=2999)
    assert shortfall(snap, 10_000) == 0 and missing_for_renewal(snap) == 0
    assert shortfall(_snap(credit=300), 499) == 199


def test_the_kinds_cover_every_service_once_in_both_orders() -> None:
    keys = [k.key for k in KINDS]
    assert keys == ["data", "data_eu", "voice", "sms", "mms", "international_voice"]
    assert [k.key for k in HOME_FIRST] == [
        "data",
        "voice",
        "sms",
        "mms",
        "data_eu",
        "international_voice",
    ]
    assert len({(k.service, k.zone) for k in KINDS}) == len(KINDS)
    for kind in KINDS:
        assert kind.unit == UNIT_BY_SERVICE[kind.key]  # the catalogue key's unit


def test_buckets_of_a_kind_are_summed_and_unlimited_wins() -> None:
    snap = _snap(
        allowances=[
            _bucket("data", total=150 * GB, left=100 * GB),
            _bucket("data", total=10 * GB, left=GB, expires_at=datetime(2026, 12, 1, tzinfo=ROME)),
            _bucket("voice", unlimited=True),
            _bucket("voice", total=600, left=120),
            _bucket("voice", "international", total=1200, left=1200, expires_at=None),
        ]
    )
    data = allowance_line(snap, "data")
    assert data is not None
    assert (data.unlimited, data.remaining, data.total) == (False, 101 * GB, 160 * GB)
    assert data.expires_at == datetime(2026, 12, 1, tzinfo=ROME)
    voice = allowance_line(snap, "voice")
    assert voice is not None and voice.unlimited and (voice.remaining, voice.total) == (120, 600)
    abroad = allowance_line(snap, "international_voice")
    assert abroad is not None and abroad.expires_at is None and abroad.kind.labels.screen
    assert allowance_line(snap, "sms") is None
    assert [line.kind.key for line in allowance_lines(snap)] == [
        "data",
        "voice",
        "international_voice",
    ]


@given(
    st.lists(
        st.tuples(
            st.sampled_from([(k.service, k.zone) for k in KINDS]),
            st.integers(min_value=0, max_value=10**12),
            st.booleans(),
        ),
        max_size=12,
    )
)
def test_every_bucket_is_shown_once_under_its_kind(
    buckets: list[tuple[tuple[str, str], int, bool]],
) -> None:
    snap = _snap(
        allowances=[
            _bucket(service, zone, total=n, left=n, unlimited=unl)
            for (service, zone), n, unl in buckets
        ]
    )
    lines = allowance_lines(snap, presenter.HOME_FIRST)
    assert sum(len(line.items) for line in lines) == len(buckets)
    for line in lines:
        assert line.remaining == sum(a.remaining or 0 for a in line.items)
        assert line.unlimited == any(a.unlimited for a in line.items)
