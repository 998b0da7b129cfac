"""Units are integers: seconds, messages, bytes (1 GB = 1024 MB = 1,073,741,824 bytes)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saldo.kit.errors import InvalidInput
from saldo.kit.quantities import (
    GB,
    KB,
    MB,
    Allowance,
    format_data,
    gb_one_decimal,
    parse_allowance,
    whole_minutes,
)


def test_a_gigabyte_is_1024_megabytes() -> None:
    assert (KB, MB, GB) == (1024, 1024**2, 1_073_741_824)


@pytest.mark.parametrize(
    ("service", "text", "amount"),
    [
        ("data", "500MB", 500 * MB),
        ("data", "150GB", 150 * GB),
        ("data", "1.5GB", 3 * GB // 2),
        ("data", "10 gb", 10 * GB),
        ("data", "64KB", 64 * KB),
        ("data_eu", "12GB", 12 * GB),
        ("voice", "300min", 18_000),
        ("voice", "45s", 45),
        ("international_voice", "60min", 3600),
        ("sms", "100", 100),
        ("mms", "0", 0),
    ],
)
def test_allowances_parse_to_whole_units(service: str, text: str, amount: int) -> None:
    assert parse_allowance(service, text) == Allowance(unlimited=False, amount=amount)


@pytest.mark.parametrize("text", ["unlimited", "Illimitati", "illimitato", " UNLIMITED "])
def test_unlimited_is_a_flag_not_a_number(text: str) -> None:
    assert parse_allowance("voice", text) == Allowance(unlimited=True, amount=0)


@pytest.mark.parametrize(
    ("service", "text"),
    [
        ("data", "0.1KB"),  # 102.4 bytes: not a whole number
        ("data", "500"),
        ("data", "-5MB"),
        ("data", "5TB"),
        ("voice", "5h"),
        ("voice", "1.5min"),
        ("sms", "ten"),
        ("sms", "-1"),
        ("fax", "10"),
    ],
)
def test_a_quantity_that_is_not_whole_units_is_refused(service: str, text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_allowance(service, text)


@pytest.mark.parametrize(
    ("n_bytes", "shown"),
    [
        (0, "0MB"),
        (500 * MB, "500MB"),
        (GB, "1GB"),
        (150 * GB, "150GB"),
        (45 * GB + GB // 5, "45,2GB"),
        (GB + GB // 20 + 1, "1,1GB"),  # just over 1.05 GB: half up
        (GB + GB // 20, "1GB"),  # just under
    ],
)
def test_data_is_shown_in_megabytes_below_a_gigabyte_then_gigabytes(
    n_bytes: int, shown: str
) -> None:
    assert format_data(n_bytes) == shown


@given(st.integers(0, 10**15))
def test_gigabytes_with_one_decimal_are_within_half_a_tenth(n_bytes: int) -> None:
    shown = gb_one_decimal(n_bytes)
    assert abs(shown * GB - n_bytes) <= GB / 20
    assert shown == shown.quantize(shown.__class__("0.1"))


@given(st.integers(0, 10**9))
def test_minutes_shown_are_whole_and_never_more_than_remain(seconds: int) -> None:
    minutes = whole_minutes(seconds)
    assert minutes * 60 <= seconds < (minutes + 1) * 60
