"""The clock is injected so that tests and the demo can move time forward."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

ROME = ZoneInfo("Europe/Rome")

MONTH_NAMES: dict[str, tuple[str, ...]] = {
    "it": (
        "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno",
        "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip
"""Month names as every channel writes and says them."""


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved; for tests, the worker's ``--now`` and the demo."""

    def __init__(self, at: datetime) -> None:
        self._at = as_utc(at)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = as_utc(at)


def as_utc(moment: datetime) -> datetime:
    """Aware UTC datetime; a naive one (as SQLite returns) is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def to_rome(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(ROME)


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with offset, in Europe/Rome, as every channel shows time."""
    return None if moment is None else to_rome(moment).isoformat()


def short_day(moment: datetime) -> str:
    """A day as short texts write it, in Italian time: "03/12"."""
    return to_rome(moment).strftime("%d/%m")


def month_name(moment: datetime, lang: str = "it") -> str:
    """The month of ``moment`` in Italian time: "dicembre", "December"."""
    return MONTH_NAMES["en" if lang == "en" else "it"][to_rome(moment).month - 1]


def day_month(moment: datetime, lang: str = "it") -> str:
    """A day as pages write it, in Italian time: "3 dicembre", "3 December"."""
    return f"{to_rome(moment).day} {month_name(moment, lang)}"


def parse_instant(text: str) -> datetime:
    """Parse an ISO 8601 instant; one without offset is taken as Europe/Rome local time.

    Bounded as every instant from outside (``saldo.kit.validators.parse_instant``)."""
    from saldo.kit.validators import parse_instant as bounded

    return bounded(text)


def long_date(day: date, lang: str = "it") -> str:
    """A calendar date as documents write it: "1 dicembre 2026", "1 December 2026"."""
    return f"{day.day} {MONTH_NAMES['en' if lang == 'en' else 'it'][day.month - 1]} {day.year}"
