"""Billing periods: calendar months in Europe/Rome, written ``YYYY-MM``. Pure values."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from saldo.kit.clock import ROME, to_rome
from saldo.kit.errors import InvalidInput
from saldo.kit.validators import shown

_PERIOD = re.compile(r"(20[0-9]{2})-(0[1-9]|1[0-2])")


def parse_period(text: str) -> str:
    """A month as ``YYYY-MM`` (2000-2099), or InvalidInput."""
    if not _PERIOD.fullmatch(text.strip()):
        raise InvalidInput(
            f"periodo non valido {shown(text)} (atteso AAAA-MM, es. 2026-11)",
            f"invalid period {shown(text)} (expected YYYY-MM, e.g. 2026-11)",
        )
    return text.strip()


def period_of(moment: datetime) -> str:
    """The month ``moment`` falls in, in Italian time."""
    return to_rome(moment).strftime("%Y-%m")


def bounds(period: str) -> tuple[datetime, datetime]:
    """The first instant of the month and of the next one, in UTC."""
    year, month = (int(p) for p in parse_period(period).split("-"))
    start = datetime(year, month, 1, tzinfo=ROME)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=ROME)
    return start.astimezone(UTC), end.astimezone(UTC)


def previous(period: str) -> str:
    year, month = (int(p) for p in parse_period(period).split("-"))
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
