"""Rating, exhaustively: hypothesis against an independent reference in fractions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from saldo.catalog.schemas import DataRate, MessageRate, VoiceRate, ZoneRates
from saldo.charging.rating import BucketState, Usage, eligible, rate

T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def half_up_cents(euro: Fraction) -> int:
    cents = euro * 100
    whole = cents.numerator // cents.denominator
    return whole + (1 if cents - whole >= Fraction(1, 2) else 0)


def reference_charge(service: str, units: int, rates: ZoneRates) -> int:
    if units == 0:
        return 0
    if service == "voice":
        assert rates.voice is not None
        inc = rates.voice.increment
        billed = ((units + inc - 1) // inc) * inc
        euro = Fraction(rates.voice.connect_fee) + Fraction(rates.voice.per_minute) * billed / 60
    elif service in ("sms", "mms"):
        assert rates.sms is not None
        euro = Fraction(rates.sms.each) * units
    else:
        assert rates.data is not None
        kb = (units + 1023) // 1024
        inc = rates.data.increment_kb
        euro = Fraction(rates.data.per_mb) * (((kb + inc - 1) // inc) * inc) / 1024
    return half_up_cents(euro)


prices = st.decimals(min_value=0, max_value=5, places=2).map(lambda d: Decimal(str(d)))
zone_rates = st.builds(
    ZoneRates,
    voice=st.builds(
        VoiceRate, per_minute=prices, connect_fee=prices, increment=st.sampled_from([1, 30, 60])
    ),
    sms=st.builds(MessageRate, each=prices),
    data=st.builds(DataRate, per_mb=prices, increment_kb=st.sampled_from([1, 10, 100])),
)


@st.composite
def buckets(draw: st.DrawFn) -> list[BucketState]:
    out = []
    for i in range(draw(st.integers(0, 5))):
        service = draw(st.sampled_from(["voice", "sms", "data", "data_eu"]))
        zone = (
            "eu"
            if service == "data_eu"
            else draw(st.sampled_from(["national", "national", "international"]))
        )
        expires = draw(
            st.one_of(st.none(), st.integers(-2, 40).map(lambda d: T0 + timedelta(days=d)))
        )
        out.append(
            BucketState(
                id=i + 1,
                service=service,
                zone=zone,
                unlimited=draw(st.booleans()) if service != "data_eu" else False,
                remaining=draw(st.integers(0, 10_000_000)),
                valid_from=T0 - timedelta(days=draw(st.integers(0, 3))),
                expires_at=expires,
                created_seq=i + 1,
            )
        )
    return out


def _reference_eligible(
    pots: list[BucketState], usage: Usage
) -> tuple[list[BucketState], list[BucketState]]:
    """Rules 1 and 2 of the issue, written again independently."""
    valid = [
        b
        for b in pots
        if b.valid_from <= usage.started_at
        and (b.expires_at is None or usage.started_at < b.expires_at)
    ]
    home = usage.zone in ("national", "eu")
    payers = [
        b
        for b in valid
        if b.service == usage.service and b.zone == ("national" if home else usage.zone)
    ]
    caps = [
        b
        for b in valid
        if usage.service == "data" and usage.zone == "eu" and b.service == "data_eu"
    ]

    def order(b: BucketState) -> tuple[int, float, int]:
        return (
            b.expires_at is None,
            b.expires_at.timestamp() if b.expires_at else 0.0,
            b.created_seq,
        )  # type: ignore[return-value]

    return sorted(payers, key=order), sorted(caps, key=order)


usages = st.builds(
    Usage,
    service=st.sampled_from(["voice", "sms", "mms", "data"]),
    zone=st.sampled_from(["national", "eu", "international", "world"]),
    quantity=st.integers(0, 20_000_000),
    started_at=st.just(T0),
)


@settings(max_examples=400, deadline=None)
@given(usage=usages, pots=buckets(), national=zone_rates)
def test_rating_matches_the_reference(
    usage: Usage, pots: list[BucketState], national: ZoneRates
) -> None:
    rates = {"national": national}
    result = rate(usage, pots, rates)
    payers, caps = _reference_eligible(pots, usage)
    assert (payers, caps) == eligible(pots, usage)
    by_id = {b.id: b for b in pots}

    # never more than asked, never from a bucket that cannot pay, never more than it holds
    assert 0 <= result.covered <= usage.quantity
    for bucket_id, units in result.draws:
        bucket = by_id[bucket_id]
        assert bucket in payers or bucket in caps
        assert 0 < units <= bucket.remaining and not bucket.unlimited

    # what payers cover is the least of the demand, the payers' and the caps' capacity
    def capacity(group: list[BucketState]) -> int:
        return (
            usage.quantity if any(b.unlimited for b in group) else sum(b.remaining for b in group)
        )

    expected = min(usage.quantity, capacity(payers)) if payers else 0
    if caps:
        expected = min(expected, capacity(caps))
    assert result.covered == expected

    # soonest expiring first: a bucket is drawn only when every one before it is empty
    drawn = dict(result.draws)
    for group in (payers, caps):
        limited_taken = [drawn.get(b.id, 0) for b in group]
        for i, bucket in enumerate(group):
            if bucket.unlimited:
                break
            if i + 1 < len(group) and limited_taken[i + 1] > 0:
                assert limited_taken[i] == bucket.remaining

    # the price of the rest, rounded once
    assert result.charge_cents == reference_charge(
        usage.service, usage.quantity - result.covered, national
    )


@settings(max_examples=200, deadline=None)
@given(usage=usages, national=zone_rates, extra=st.integers(1, 100_000))
def test_charge_never_decreases_with_more_usage(
    usage: Usage, national: ZoneRates, extra: int
) -> None:
    more = Usage(usage.service, usage.zone, usage.quantity + extra, usage.started_at)
    rates = {"national": national}
    assert rate(more, [], rates).charge_cents >= rate(usage, [], rates).charge_cents


def test_half_up_rounding_happens_once() -> None:
    rates = {
        "national": ZoneRates(
            voice=VoiceRate(per_minute=Decimal("0.19"), connect_fee=Decimal("0.15")),
            sms=MessageRate(each=Decimal("0.005")),
            data=DataRate(per_mb=Decimal("0.10")),
        )
    }
    # 0.15 + 0.19 * 30 / 60 = 0.245 -> 0.25, not 0.24
    assert rate(Usage("voice", "national", 30, T0), [], rates).charge_cents == 25
    # 3 SMS at half a cent: 0.015 -> 0.02 (per-message rounding would give 0.03)
    assert rate(Usage("sms", "national", 3, T0), [], rates).charge_cents == 2
