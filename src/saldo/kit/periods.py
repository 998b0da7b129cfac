"""Validity periods of plans and options: "4w" (28 days), "30d", "1m" (same day next month)."""

from __future__ import annotations

import calendar
import re
from datetime import datetime, timedelta

from saldo.kit.clock import ROME, as_utc
from saldo.kit.errors import InvalidInput

_PERIOD = re.compile(r"^(\d+)([wdm])$")
UNTIL_RENEWAL = "until_renewal"


def validate_period(text: str, *, allow_until_renewal: bool = False) -> str:
    if allow_until_renewal and text == UNTIL_RENEWAL:
        return text
    match = _PERIOD.match(text)
    if not match or int(match.group(1)) == 0:
        hint = ' o "until_renewal"' if allow_until_renewal else ""
        raise InvalidInput(
            f'periodo non valido {text!r} (es. "4w", "30d", "1m"{hint})',
            f'invalid period {text!r} (e.g. "4w", "30d", "1m"{hint})',
        )
    return text


def add_period(start: datetime, period: str) -> datetime:
    """The end of a period that starts at ``start``.

    Weeks and days are exact durations; months move to the same day of the month in Italian
    local time, clamped to the month's last day (31 Jan -> 28/29 Feb).
    """
    match = _PERIOD.match(validate_period(period))
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
