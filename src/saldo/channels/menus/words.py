"""Numbers, amounts, dates, times and quantities in words, in Italian and English.

num2words does most of it; what it gets wrong for a voice line is fixed here: "un euro"
(not "uno euro"), no "e zero centesimi", "un milione di euro", decimals of a ``Decimal``
(num2words drops them: ``num2words(Decimal("12.5"), lang="it") == "dodici"``), "il primo
dicembre", elision ("l'otto dicembre", "all'una").
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Literal

from num2words import num2words

from saldo.kit.clock import month_name, to_rome
from saldo.kit.money import euro_parts
from saldo.kit.quantities import GB, gb_one_decimal, whole_mb
from saldo.kit.validators import is_digits

Lang = Literal["it", "en"]

_BIG = re.compile(r"(milion[ei]|miliard[oi]|bilion[ei]|biliard[oi])$")
_PERIOD = re.compile(r"^(\d+)([wdm])$")


def cardinal(n: int, lang: Lang = "it") -> str:
    """A whole number in words: 21 -> "ventuno" / "twenty-one"."""
    return str(num2words(n, lang=lang))


def counted(n: int, singular: str, plural: str, lang: Lang = "it") -> str:
    """A number and its noun: "un minuto", "trecento minuti", "one minute"."""
    if n == 1:
        return f"{'un' if lang == 'it' else 'one'} {singular}"
    words = cardinal(n, lang)
    if lang == "it" and n > 0 and _BIG.search(words):
        return f"{words} di {plural}"  # "un milione di euro", "due miliardi di euro"
    return f"{words} {plural}"


def decimal_words(value: Decimal, lang: Lang = "it") -> str:
    """A decimal number: 12.5 -> "dodici virgola cinque" / "twelve point five"; 12.0 -> "dodici"."""
    sign, rest = ("meno " if lang == "it" else "minus ", -value) if value < 0 else ("", value)
    whole = int(rest)
    fraction = format(rest - whole, "f").partition(".")[2].rstrip("0")
    text = cardinal(whole, lang)
    if fraction:
        point = " virgola " if lang == "it" else " point "
        text += point + " ".join(cardinal(int(d), lang) for d in fraction)
    return sign + text


def euro(cents: int, lang: Lang = "it") -> str:
    """An amount of money: 1234 -> "dodici euro e trentaquattro centesimi"."""
    if cents < 0:
        return ("meno " if lang == "it" else "minus ") + euro(-cents, lang)
    whole, rest = euro_parts(cents)
    euros = counted(whole, "euro", "euro" if lang == "it" else "euros", lang)
    part = counted(rest, "centesimo" if lang == "it" else "cent", _cents_plural(lang), lang)
    if rest == 0:
        return euros if whole else ("zero euro" if lang == "it" else "zero euros")
    if whole == 0:
        return part
    return f"{euros} {'e' if lang == 'it' else 'and'} {part}"


def _cents_plural(lang: Lang) -> str:
    return "centesimi" if lang == "it" else "cents"


def day_month(moment: datetime, lang: Lang = "it") -> str:
    """A date in Europe/Rome: "tre dicembre", "primo dicembre", "the third of December"."""
    local = to_rome(moment)
    if lang == "en":
        day = num2words(local.day, lang="en", to="ordinal")
        return f"the {day} of {month_name(moment, lang)}"
    day = "primo" if local.day == 1 else cardinal(local.day)
    return f"{day} {month_name(moment, lang)}"


def on_date(moment: datetime, lang: Lang = "it", preposition: str = "") -> str:
    """A date with its article: "il tre dicembre", "l'otto dicembre", "al primo dicembre".

    ``preposition`` is "" (article only), "a" (al / all') or "da" (dal / dall'); in English
    it is said as given ("on", "until"…).
    """
    words = day_month(moment, lang)
    if lang == "en":
        return f"{preposition} {words}".strip()
    elided = words[0] in "aeiou"  # otto, undici
    article = {"": ("il ", "l'"), "a": ("al ", "all'"), "da": ("dal ", "dall'")}[preposition]
    return (article[1] if elided else article[0]) + words


def clock_time(hhmm: str, lang: Lang = "it", preposition: str = "") -> str:
    """A time of day: ("08:00", "da") -> "dalle otto"; ("01:00", "a") -> "all'una"."""
    hours, minutes = (int(x) for x in hhmm.split(":"))
    if lang == "en":
        return f"{preposition} {_time_en(hours % 24, minutes)}".strip()
    if hours % 24 == 0 and minutes == 0:
        return {"": "mezzanotte", "a": "a mezzanotte", "da": "da mezzanotte"}[preposition]
    hour = "una" if hours == 1 else cardinal(hours)
    text = hour if minutes == 0 else f"{hour} e {cardinal(minutes)}"
    article = {"": ("le ", "l'"), "a": ("alle ", "all'"), "da": ("dalle ", "dall'")}[preposition]
    return (article[1] if hours == 1 else article[0]) + text


def _time_en(hours: int, minutes: int) -> str:
    if minutes == 0 and hours in (0, 12):
        return "midnight" if hours == 0 else "noon"
    suffix = "a.m." if hours < 12 else "p.m."
    hour = cardinal(hours % 12 or 12, "en")
    if minutes == 0:
        return f"{hour} {suffix}"
    mins = f"oh {cardinal(minutes, 'en')}" if minutes < 10 else cardinal(minutes, "en")
    return f"{hour} {mins} {suffix}"


def data(n_bytes: int, lang: Lang = "it") -> str:
    """Data as the channels show it (GB with one decimal, MB below 1 GB), in words.

    12.5 GB -> "dodici virgola cinque giga"; 1 GB -> "un giga"; 500 MB -> "cinquecento mega".
    """
    if n_bytes <= 0:
        return "zero giga" if lang == "it" else "zero gigabytes"
    if n_bytes < GB:
        mb = whole_mb(n_bytes)
        return counted(mb, "mega", "mega", lang) if lang == "it" else _en_unit(mb, "megabyte")
    gb = gb_one_decimal(n_bytes)
    if gb == gb.to_integral_value():
        whole = int(gb)
        return counted(whole, "giga", "giga", lang) if lang == "it" else _en_unit(whole, "gigabyte")
    return f"{decimal_words(gb, lang)} {'giga' if lang == 'it' else 'gigabytes'}"


def _en_unit(n: int, unit: str) -> str:
    return counted(n, unit, unit + "s", "en")


def data_number(n_bytes: int, like: int, lang: Lang = "it") -> str:
    """A total said after "su"/"of": the number alone when its unit is the one of ``like``."""
    said = data(n_bytes, lang)
    if (n_bytes < GB) != (like < GB) or n_bytes <= 0:
        return said
    number = said.rsplit(" ", 1)[0]
    if number in ("un", "one"):
        return "uno" if lang == "it" else "one"
    return number


def minutes(seconds: int, lang: Lang = "it") -> str:
    """Whole minutes, rounded down as every channel shows them: "trecento minuti"."""
    n = seconds // 60
    return counted(n, "minuto", "minuti", lang) if lang == "it" else _en_unit(n, "minute")


def every(period: str, lang: Lang = "it") -> str:
    """A plan's period: "4w" -> "ogni quattro settimane", "1m" -> "every month"."""
    match = _PERIOD.match(period)
    if not match:
        return ""
    n, unit = int(match.group(1)), match.group(2)
    nouns = {
        "it": {"w": ("settimana", "settimane"), "d": ("giorno", "giorni"), "m": ("mese", "mesi")},
        "en": {"w": ("week", "weeks"), "d": ("day", "days"), "m": ("month", "months")},
    }[lang][unit]
    head = "ogni" if lang == "it" else "every"
    if n == 1:
        return f"{head} {nouns[0]}"
    return f"{head} {cardinal(n, lang)} {nouns[1]}"


def digits(text: str, lang: Lang = "it") -> str:
    """A short code digit by digit: "4242" -> "quattro due quattro due"."""
    names = {"*": ("asterisco", "star"), "#": ("cancelletto", "hash")}
    out = []
    for ch in text:
        if is_digits(ch):
            out.append(cardinal(int(ch), lang))
        elif ch in names:
            out.append(names[ch][0 if lang == "it" else 1])
    return " ".join(out)
