"""Validity periods: weeks and days are exact durations; months keep the day of the month in
Italian time, clamped to the month's last day (31 Jan + 1m → 28 Feb, or 29 in a leap year)."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saldo.kit.clock import ROME
from saldo.kit.errors import InvalidInput
from saldo.kit.periods import UNTIL_RENEWAL, add_period, validate_period


def rome(y: int, m: int, d: int, hour: int = 10) -> datetime:
    return datetime(y, m, d, hour, tzinfo=ROME)


@pytest.mark.parametrize(
    ("start", "period", "end"),
    [
        (rome(2026, 1, 31), "1m", rome(2026, 2, 28)),
        (rome(2028, 1, 31), "1m", rome(2028, 2, 29)),  # leap year
        (rome(2100, 1, 31), "1m", rome(2100, 2, 28)),  # divisible by 100: not a leap year
        (rome(2000, 1, 31), "1m", rome(2000, 2, 29)),  # divisible by 400: a leap year
        (rome(2028, 2, 29), "12m", rome(2029, 2, 28)),
        (rome(2028, 2, 29), "48m", rome(2032, 2, 29)),
        (rome(2026, 3, 31), "1m", rome(2026, 4, 30)),
        (rome(2026, 12, 31), "2m", rome(2027, 2, 28)),  # across the year
        (rome(2026, 1, 15), "1m", rome(2026, 2, 15)),
        (rome(2026, 5, 31), "13m", rome(2027, 6, 30)),
    ],
)
def test_months_keep_the_day_clamped_to_the_months_end(
    start: datetime, period: str, end: datetime
) -> None:
    assert add_period(start, period) == end


def test_months_keep_the_italian_time_across_summer_time() -> None:
    # 15 March is winter time (UTC+1), 15 April summer time (UTC+2): same 10:00 in Rome
    end = add_period(rome(2026, 3, 15), "1m")
    assert end.astimezone(ROME) == rome(2026, 4, 15)
    assert end.astimezone(UTC).hour == 8
    assert end - rome(2026, 3, 15) == timedelta(days=31, hours=-1)


def test_weeks_and_days_are_exact_durations_even_across_summer_time() -> None:
    start = rome(2026, 3, 20)
    assert add_period(start, "4w") - start == timedelta(days=28)
    assert add_period(start, "30d") - start == timedelta(days=30)
    assert add_period(start, "4w").astimezone(ROME).hour == 11  # the clocks moved, not the period


def test_ends_are_utc() -> None:
    assert add_period(rome(2026, 1, 31), "1m").tzinfo == UTC


@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2199, 12, 31)),
    months=st.integers(1, 36),
)
def test_a_month_period_ends_on_the_same_day_or_the_months_last(day: date, months: int) -> None:
    start = rome(day.year, day.month, day.day, 12)
    end = add_period(start, f"{months}m").astimezone(ROME)
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    assert (end.year, end.month) == (year, month)
    assert end.day == min(day.day, calendar.monthrange(year, month)[1])
    assert (end.hour, end.minute) == (12, 0)
    assert end > start


@given(day=st.dates(min_value=date(2000, 1, 1), max_value=date(2199, 12, 31)))
def test_one_month_is_between_28_and_31_days(day: date) -> None:
    start = rome(day.year, day.month, day.day, 12)
    length = add_period(start, "1m") - start
    assert timedelta(days=28) - timedelta(hours=1) <= length <= timedelta(days=31, hours=1)


@pytest.mark.parametrize("text", ["", "m", "0m", "0d", "1y", "1 m", "-1m", "1.5m", "4W"])
def test_a_malformed_period_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        validate_period(text)
    with pytest.raises(InvalidInput):
        add_period(rome(2026, 1, 1), text)


def test_until_renewal_is_a_period_only_where_allowed() -> None:
    assert validate_period(UNTIL_RENEWAL, allow_until_renewal=True) == UNTIL_RENEWAL
    with pytest.raises(InvalidInput):
        validate_period(UNTIL_RENEWAL)
    assert validate_period("4w") == "4w"
