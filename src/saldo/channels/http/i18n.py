"""Italian by default, English on a switch. Texts are written in Italian; ``EN`` translates them.

Numbers, money and dates follow the language: "3,50 €" and "3 dicembre" in Italian, "€3.50"
and "3 December" in English (``kit.money.format_euro``, ``kit.clock.day_month``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from saldo.channels.http.i18n_en import EN
from saldo.kit import clock
from saldo.kit.clock import to_rome
from saldo.kit.money import format_euro
from saldo.kit.quantities import format_data, whole_minutes

LANGS = ("it", "en")
COOKIE = "saldo_lang"


def pick(value: str | None) -> str:
    return value if value in LANGS else "it"


def translator(lang: str) -> Callable[[str], str]:
    """``_("Credito residuo")`` in the page's language (Italian when no translation)."""
    if lang == "en":
        return lambda text: EN.get(text, text)
    return lambda text: text


def eur(cents: int, lang: str = "it") -> str:
    """3,50 € (Italian, a non-breaking space before €) or €3.50 (English)."""
    return format_euro(cents, lang=pick(lang))


def day_month(moment: datetime | None, lang: str = "it") -> str:
    """ "3 dicembre" / "3 December", in Italian time."""
    return "" if moment is None else clock.day_month(moment, pick(lang))


def date_time(moment: datetime | None, lang: str = "it") -> str:
    """ "26/11/2026 09:00" in Italian time (the same in both languages)."""
    return "" if moment is None else to_rome(moment).strftime("%d/%m/%Y %H:%M")


def clock_time(moment: datetime | None) -> str:
    return "" if moment is None else to_rome(moment).strftime("%H:%M")


def data(n_bytes: int, lang: str = "it") -> str:
    """ "45,2 GB", "500 MB" under 1 GB: the SMS's figures (``format_data``), spaced."""
    text = format_data(n_bytes)
    text = text[:-2] + " " + text[-2:]
    return text.replace(",", ".") if lang == "en" else text


def quantity(unit: str, amount: int, lang: str = "it") -> str:
    """An allowance amount as a customer reads it: GB/MB, whole minutes, messages."""
    if unit == "bytes":
        return data(amount, lang)
    if unit == "seconds":
        return f"{whole_minutes(amount)} min"
    return str(amount)


def usage_quantity(service: str, amount: int, lang: str = "it") -> str:
    """A usage record's quantity: data in GB/MB, voice as m:ss, messages as a count."""
    if service == "data":
        return data(amount, lang)
    if service == "voice":
        return f"{amount // 60}:{amount % 60:02d}"
    return str(amount)


def every(period: str, lang: str = "it") -> str:
    """ "ogni 4 settimane", "al mese", "ogni 30 giorni" (and in English)."""
    n, unit = int(period[:-1]), period[-1]
    if lang == "en":
        names = {"w": ("week", "weeks"), "d": ("day", "days"), "m": ("month", "months")}
        one, many = names[unit]
        return f"a {one}" if n == 1 else f"every {n} {many}"
    names = {"w": ("settimana", "settimane"), "d": ("giorno", "giorni"), "m": ("mese", "mesi")}
    one, many = names[unit]
    if n == 1:
        return {"w": "a settimana", "d": "al giorno", "m": "al mese"}[unit]
    return f"ogni {n} {many}"
