"""Validity periods of plans and options: "4w" (28 days), "30d", "1m" (same day next month)."""

from __future__ import annotations

import calendar
import re
from datetime import datetime, timedelta

from saldo.kit.clock import ROME, as_utc
from saldo.kit.errors import InvalidInput
from saldo.kit.validators import shown

_PERIOD = re.compile(r"([0-9]{1,4})([wdm])")
UNTIL_RENEWAL = "until_renewal"
LONGEST = {"w": 520, "d": 3650, "m": 120}
"""The longest period of each unit: ten years, so that no renewal date can overflow."""


def validate_period(text: str, *, allow_until_renewal: bool = False) -> str:
    if allow_until_renewal and text == UNTIL_RENEWAL:
        return text
    match = _PERIOD.fullmatch(text)
    if not match or not 1 <= int(match.group(1)) <= LONGEST[match.group(2)]:
        hint = ' o "until_renewal"' if allow_until_renewal else ""
        raise InvalidInput(
            f'periodo non valido {shown(text)} (es. "4w", "30d", "1m"{hint}; '
            "al massimo dieci anni)",
            f'invalid period {shown(text)} (e.g. "4w", "30d", "1m"{hint}; at most ten years)',
        )
    return text


def add_period(start: datetime, period: str) -> datetime:
    """The end of a period that starts at ``start``.

    Weeks and days are exact durations; months move to the same day of the month in Italian
    local time, clamped to the month's last day (31 Jan -> 28/29 Feb).
    """
    match = _PERIOD.fullmatch(validate_period(period))
    assert match is not None
    n, unit = int(match.group(1)), match.group(2)
    if unit == "w":
        return as_utc(start) + timedelta(weeks=n)
    if unit == "d":
        return as_utc(start) + timedelta(days=n)
    local = as_utc(start).astimezone(ROME)
    month_index = local.month - 1 + n
    year, month = local.year + month_index // 12, month_index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    moved = local.replace(year=year, month=month, day=day, tzinfo=None).replace(tzinfo=ROME)
    return as_utc(moved)
