"""Money is integer cents: amounts parse exactly, and fractions are rounded once, half up."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saldo.kit.errors import InvalidInput
from saldo.kit.money import MAX_CENTS, format_eur_plain, parse_eur, round_cents


@pytest.mark.parametrize(
    ("euro", "cents"),
    [
        ("0.005", 1),  # half up, not to the even cent
        ("0.015", 2),
        ("0.025", 3),
        ("0.0049999", 0),
        ("1.125", 113),
        ("12.344999", 1234),
        ("-0.005", -1),  # half away from zero: a refund rounds like a charge
        ("-1.125", -113),
        ("0", 0),
        ("19.99", 1999),
    ],
)
def test_rounding_is_half_up_to_the_cent(euro: str, cents: int) -> None:
    assert round_cents(Decimal(euro)) == cents


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=6, allow_nan=False))
def test_rounding_is_within_half_a_cent(euro: Decimal) -> None:
    cents = round_cents(euro)
    assert isinstance(cents, int)
    assert abs(Decimal(cents) - euro * 100) <= Decimal("0.5")


@given(st.integers(-(10**12), 10**12))
def test_whole_cents_round_to_themselves(cents: int) -> None:
    assert round_cents(Decimal(cents) / 100) == cents


@given(st.integers(0, 10**12))
def test_a_per_second_price_sums_before_it_rounds(seconds: int) -> None:
    # 19 cents a minute, per second: the exact total rounded once, never per-second roundings
    assert round_cents(Decimal(19) * seconds / 60 / 100) == (19 * seconds * 2 + 60) // 120


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("9.99", 999),
        ("9,99", 999),
        ("10", 1000),
        ("0.5", 50),
        ("3,50 €", 350),
        ("€12.34", 1234),
        (" 7 ", 700),
        (5, 500),
        (Decimal("2.30"), 230),
    ],
)
def test_amounts_parse_to_exact_cents(text: str | int | Decimal, cents: int) -> None:
    assert parse_eur(text) == cents


@pytest.mark.parametrize(
    "text", ["", "abc", "9.999", "0,001", "1.234,5", "NaN", "Infinity", "1e400", "-1.50", "+5"]
)
def test_an_amount_that_is_not_whole_cents_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_eur(text, field="fee")
    assert caught.value.message_en.startswith("fee: invalid amount")


@given(st.integers(0, MAX_CENTS))
def test_a_plain_amount_parses_back_to_its_cents(cents: int) -> None:
    assert parse_eur(format_eur_plain(cents)) == cents
