"""The shared validators: ASCII digits only, bounded integers, instants, cursors and amounts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saldo.kit.errors import InvalidInput
from saldo.kit.money import MAX_CENTS, parse_eur, parse_price
from saldo.kit.periods import add_period, validate_period
from saldo.kit.validators import (
    EARLIEST,
    LATEST,
    MAX_INT64,
    check_instant,
    format_cursor,
    is_digits,
    parse_cursor,
    parse_id,
    parse_instant,
    parse_int,
)

ODD_DIGITS = ["²", "³", "¹", "４８２９", "٣", "१", "①", "𝟗"]


@given(st.text(max_size=30))
def test_is_digits_means_ascii_0_to_9_and_nothing_else(text: str) -> None:
    assert is_digits(text) == (text != "" and all(c in "0123456789" for c in text))


@pytest.mark.parametrize("text", ODD_DIGITS)
def test_superscript_and_full_width_digits_are_not_digits(text: str) -> None:
    assert text.isdigit() or text.isnumeric()  # what str.isdigit() let through
    assert not is_digits(text)
    with pytest.raises(InvalidInput):
        parse_int(text, field="n")


@given(st.integers(min_value=0, max_value=MAX_INT64))
def test_every_int64_round_trips(n: int) -> None:
    assert parse_int(str(n), field="n") == n


@given(st.integers(min_value=MAX_INT64 + 1, max_value=10**40))
def test_integers_beyond_int64_are_refused(n: int) -> None:
    with pytest.raises(InvalidInput):
        parse_int(str(n), field="n")


@given(st.text(max_size=25), st.integers(min_value=0, max_value=1000))
def test_parse_int_answers_a_bounded_int_or_invalid_input(text: str, maximum: int) -> None:
    try:
        n = parse_int(text, field="n", maximum=maximum)
    except InvalidInput:
        return
    assert 0 <= n <= maximum and text.strip().isascii()


def test_a_five_thousand_digit_number_is_refused_not_converted() -> None:
    with pytest.raises(InvalidInput, match="expected a whole number"):
        parse_int("9" * 5000, field="quantity")


def test_ids_are_bounded_to_a_signed_64_bit_integer() -> None:
    assert parse_id(str(MAX_INT64)) == MAX_INT64
    for text in ("0", str(MAX_INT64 + 1), "9223372036854775808", "-1", "1.0", "１"):
        with pytest.raises(InvalidInput):
            parse_id(text)


@given(st.text(max_size=70))
def test_parse_instant_answers_a_bounded_utc_instant_or_invalid_input(text: str) -> None:
    try:
        moment = parse_instant(text)
    except InvalidInput:
        return
    assert moment.tzinfo is UTC and EARLIEST <= moment < LATEST


@given(
    st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.timezones()
    )
)
def test_check_instant_never_overflows(moment: datetime) -> None:
    try:
        utc = check_instant(moment, field="since")
    except InvalidInput:
        return
    assert EARLIEST <= utc < LATEST


def test_the_first_instant_with_a_far_east_offset_is_refused_not_overflowed() -> None:
    east = timezone(timedelta(hours=14))
    with pytest.raises(InvalidInput, match="since: date/time out of range"):
        check_instant(datetime(1, 1, 1, tzinfo=east), field="since")
    with pytest.raises(InvalidInput):
        parse_instant("0001-01-01T00:00:00+14:00")
    with pytest.raises(InvalidInput):
        parse_instant("２０２６-11-26T10:00:00")


@given(
    st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2099, 12, 31)),
    st.integers(min_value=1, max_value=MAX_INT64),
)
def test_cursors_round_trip(moment: datetime, ident: int) -> None:
    aware = moment.replace(tzinfo=UTC)
    assert parse_cursor(format_cursor(aware, ident)) == (aware, ident)


@given(st.text(max_size=50))
def test_parse_cursor_answers_a_position_or_invalid_input(text: str) -> None:
    try:
        moment, ident = parse_cursor(text)
    except InvalidInput:
        return
    assert EARLIEST <= moment <= LATEST and 1 <= ident <= MAX_INT64


def test_a_cursor_far_in_the_future_is_refused_not_overflowed() -> None:
    for text in ("300000000000000000.1", "1.9223372036854775808", "².1", "1.", ".1", "1"):
        with pytest.raises(InvalidInput, match="invalid cursor"):
            parse_cursor(text)


@given(st.integers(min_value=0, max_value=MAX_CENTS))
def test_every_amount_in_cents_round_trips_in_both_notations(cents: int) -> None:
    euros, rest = divmod(cents, 100)
    assert parse_eur(f"{euros}.{rest:02d}") == cents
    assert parse_eur(f"{euros},{rest:02d}") == cents
    if rest == 0:
        assert parse_eur(str(euros)) == cents


@given(st.text(max_size=20))
def test_parse_eur_answers_bounded_cents_or_invalid_input(text: str) -> None:
    try:
        cents = parse_eur(text)
    except InvalidInput:
        return
    assert 0 <= cents <= MAX_CENTS


@pytest.mark.parametrize(
    "text", ["10_0", "1e400", "1e30", "1E2", "-5", "+5", "10.001", "1.000,50", "²", "１０", "NaN"]
)
def test_topup_amount_with_underscore_exponent_sign_or_odd_digits_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="invalid amount"):
        parse_eur(text)


def test_an_amount_beyond_the_bound_is_refused() -> None:
    assert parse_eur("100000") == MAX_CENTS
    with pytest.raises(InvalidInput, match="above the maximum"):
        parse_eur("100000.01")


def test_prices_keep_up_to_six_decimals_and_refuse_exponents() -> None:
    assert str(parse_price("0.0049")) == "0.0049"
    for text in ("1e30", "0.0000001", "10_0", "-1", str(10**30)):
        with pytest.raises(InvalidInput):
            parse_price(text)


def test_periods_are_bounded_to_ten_years() -> None:
    assert validate_period("520w") == "520w"
    start = datetime(2026, 1, 31, tzinfo=UTC)
    assert add_period(start, "120m").year == 2036
    for text in ("99999999999w", "521w", "3651d", "121m", "0d", "４w", "4w\n"):
        with pytest.raises(InvalidInput, match="invalid period"):
            validate_period(text)
