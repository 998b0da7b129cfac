"""Validators of what comes from outside: ASCII digits only, bounded integers, bounded instants.

``str.isdigit()`` is true for "²" and for full-width digits ("４"), which ``int()`` then refuses
or reads as if typed on a keypad; an unbounded integer or date overflows a column or a
``datetime`` further on. Every door (pages, JSON API, webhooks, CLI, CDR files) checks its
input here and answers a malformed value with ``InvalidInput`` (422, exit code 2, a reject line).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Annotated

from annotated_types import Interval

from saldo.kit.clock import ROME, as_utc
from saldo.kit.errors import InvalidInput

MAX_INT64 = 2**63 - 1
"""The largest value of a ``BigInteger`` column: ids and quantities never go beyond it."""
RowId = Annotated[int, Interval(ge=1, le=MAX_INT64)]
"""A row id as a request parameter (pydantic and FastAPI apply the bounds: 422 beyond them)."""
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
"""The earliest instant accepted from outside (inclusive)."""
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
"""The first instant no longer accepted from outside: far from any ``datetime`` overflow."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_CURSOR_MICROS = (LATEST - _EPOCH) // timedelta(microseconds=1)


def is_digits(text: str) -> bool:
    """True when ``text`` is one or more ASCII digits 0-9 (and nothing else)."""
    return text.isascii() and text.isdigit()


def parse_int(
    text: str, *, field: str, minimum: int = 0, maximum: int = MAX_INT64, default: int | None = None
) -> int:
    """A whole number written in ASCII digits, within ``minimum``..``maximum``.

    ``default`` answers an empty (or blank) text; without one an empty text is an error.
    """
    raw = text.strip()
    if not raw and default is not None:
        return default
    if not is_digits(raw) or len(raw) > len(str(maximum)):
        raise InvalidInput(
            f"{field}: atteso un numero intero (cifre 0-9), trovato {shown(text)}",
            f"{field}: expected a whole number (digits 0-9), got {shown(text)}",
        )
    return check_int(int(raw), field=field, minimum=minimum, maximum=maximum)


def check_int(value: int, *, field: str, minimum: int = 0, maximum: int = MAX_INT64) -> int:
    """``value`` itself when it lies within ``minimum``..``maximum``."""
    if not minimum <= value <= maximum:
        raise InvalidInput(
            f"{field}: il valore deve essere tra {minimum} e {maximum}",
            f"{field}: the value must be between {minimum} and {maximum}",
        )
    return value


def parse_id(text: str, *, field: str = "id") -> int:
    """A row id: 1 up to the largest 64-bit signed integer."""
    return parse_int(text, field=field, minimum=1)


def check_text(text: str, *, field: str, max_length: int) -> str:
    """``text`` itself when it fits its column (``max_length`` characters)."""
    if len(text) > max_length:
        raise InvalidInput(
            f"{field}: al massimo {max_length} caratteri (trovati {len(text)})",
            f"{field}: at most {max_length} characters (found {len(text)})",
        )
    return text


def to_instant(text: str, *, local: tzinfo = ROME) -> datetime | None:
    """An ISO 8601 instant in UTC within ``EARLIEST``..``LATEST``, or None when ``text`` is not
    one. Without an offset the time is read in ``local`` (Europe/Rome)."""
    try:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=local)
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return moment if EARLIEST <= moment < LATEST else None


def parse_instant(text: str, *, field: str = "", local: tzinfo = ROME) -> datetime:
    """An ISO 8601 instant (see ``to_instant``), or ``InvalidInput`` naming the bounds."""
    moment = to_instant(text.strip(), local=local) if len(text) <= 64 else None
    if moment is None:
        where = f"{field}: " if field else ""
        raise InvalidInput(
            f"{where}data/ora non valida {shown(text)} (ISO 8601, "
            f"tra il {EARLIEST.year} e il {LATEST.year})",
            f"{where}invalid date/time {shown(text)} (ISO 8601, "
            f"between {EARLIEST.year} and {LATEST.year})",
        )
    return moment


def check_instant(moment: datetime, *, field: str) -> datetime:
    """An already parsed instant (a naive one is taken as UTC), in UTC, within the bounds."""
    try:
        utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc < LATEST:
        raise InvalidInput(
            f"{field}: data/ora fuori intervallo (tra il {EARLIEST.year} e il {LATEST.year})",
            f"{field}: date/time out of range (between {EARLIEST.year} and {LATEST.year})",
        )
    return utc


def format_cursor(moment: datetime, ident: int) -> str:
    """A position in a newest-first listing: "<µs since 1970 UTC>.<id>"."""
    micros = (as_utc(moment) - _EPOCH) // timedelta(microseconds=1)
    return f"{micros}.{ident}"


def parse_cursor(text: str, *, field: str = "cursor") -> tuple[datetime, int]:
    """The instant and id of a cursor written by ``format_cursor``."""
    micros, dot, ident = text.partition(".")
    if (
        dot
        and is_digits(micros)
        and is_digits(ident)
        and len(micros) <= len(str(_MAX_CURSOR_MICROS))
        and len(ident) <= len(str(MAX_INT64))
    ):
        us, row = int(micros), int(ident)
        if us <= _MAX_CURSOR_MICROS and 1 <= row <= MAX_INT64:
            return _EPOCH + timedelta(microseconds=us), row
    raise InvalidInput(f"{field}: cursore non valido", f"{field}: invalid cursor")


def shown(text: object) -> str:
    """The offending text as a message can show it: quoted, and cut when long."""
    raw = str(text)
    return repr(raw[:40] + "…") if len(raw) > 40 else repr(raw)


def parse_date(text: str, *, field: str) -> date:
    """A calendar day written YYYY-MM-DD, between the years of ``EARLIEST`` and ``LATEST``."""
    raw = text.strip()
    try:
        day = date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        day = None
    if day is None or not EARLIEST.year <= day.year < LATEST.year:
        raise InvalidInput(
            f"{field}: data non valida {shown(text)} (AAAA-MM-GG)",
            f"{field}: invalid date {shown(text)} (YYYY-MM-DD)",
        )
    return day
