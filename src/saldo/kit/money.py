"""Money is an ``int`` of euro cents. Fractions live in ``Decimal`` and are rounded once, here."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from saldo.kit.errors import InvalidInput
from saldo.kit.validators import shown

CENT = Decimal("0.01")


def round_cents(amount_eur: Decimal) -> int:
    """Round an amount in euro to whole cents, half up. The only rounding of money."""
    return int((amount_eur / CENT).quantize(Decimal(1), rounding=ROUND_HALF_UP))


MAX_CENTS = 10_000_000
"""The largest amount accepted from outside: 100,000 € (a fee, a rate, a top-up, a credit).
Far above any real one, far below what a column or a product of amounts could overflow."""

_EUR = re.compile(r"([0-9]{1,9})(?:[.,]([0-9]{1,2}))?")
_PRICE = re.compile(r"([0-9]{1,9})(?:\.([0-9]{1,6}))?")


def parse_eur(text: str | int | Decimal, *, field: str = "amount", maximum: int = MAX_CENTS) -> int:
    """Parse "9.99" / "9,99" / "10" / "10 €" euro into cents, at most ``maximum``.

    ASCII digits with at most two decimals: no sign, exponent ("1e3"), underscore ("10_0"),
    thousands separator or other digits ("²", "１０").
    """
    raw = str(text).strip().removesuffix("€").removeprefix("€").strip()
    match = _EUR.fullmatch(raw)
    if match is None:
        raise InvalidInput(
            f"{field}: importo non valido {shown(text)} (es. 10 o 12,50: cifre 0-9, "
            "al massimo due decimali)",
            f"{field}: invalid amount {shown(text)} (e.g. 10 or 12.50: digits 0-9, "
            "at most two decimals)",
        )
    cents = int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))
    if cents > maximum:
        raise InvalidInput(
            f"{field}: importo oltre il massimo di {format_eur_plain(maximum)} €",
            f"{field}: amount above the maximum of {format_eur_plain(maximum)} €",
        )
    return cents


def parse_price(text: str | int, *, field: str = "price") -> Decimal:
    """A rate in euro with up to six decimals ("0.0049"), at most ``MAX_CENTS``: exact Decimal."""
    raw = str(text).strip()
    match = _PRICE.fullmatch(raw)
    if match is None:
        raise InvalidInput(
            f'{field}: prezzo non valido {shown(text)} (es. "0.29": cifre 0-9, '
            "al massimo sei decimali)",
            f'{field}: invalid price {shown(text)} (e.g. "0.29": digits 0-9, at most six decimals)',
        )
    price = Decimal(raw)
    if price * 100 > MAX_CENTS:
        raise InvalidInput(
            f"{field}: prezzo oltre il massimo di {format_eur_plain(MAX_CENTS)} €",
            f"{field}: price above the maximum of {format_eur_plain(MAX_CENTS)} €",
        )
    return price


NBSP = "\u00a0"
"""The space between an amount and "€" in the Italian typographic form: it never breaks a line."""


def euro_parts(cents: int) -> tuple[int, int]:
    """Whole euros and the cents left over, of the absolute amount: 123456 -> (1234, 56)."""
    return divmod(abs(cents), 100)


def format_euro(cents: int, *, lang: str = "it", space: str = NBSP) -> str:
    """An amount as every channel writes it; the only formatter of euro.

    Italian typographic form: 1234 -> "12,34 €", 123456789 -> "1.234.567,89 €", with a
    non-breaking ``space`` before the symbol (a plain one where the alphabet has none, as
    GSM-7). English: "€12.34", "€1,234,567.89".
    """
    sign = "-" if cents < 0 else ""
    euros, rest = euro_parts(cents)
    if lang == "en":
        return f"{sign}€{euros:,}.{rest:02d}"
    grouped = f"{euros:,}".replace(",", ".")
    return f"{sign}{grouped},{rest:02d}{space}€"


def format_eur(cents: int) -> str:
    """An amount in plain text (SMS, USSD, the CLI, error messages): "12,34 €", a plain space."""
    return format_euro(cents, space=" ")


def format_eur_plain(cents: int) -> str:
    """Machine-readable euro amount with a dot: 1234 -> "12.34"."""
    sign = "-" if cents < 0 else ""
    euros, rest = euro_parts(cents)
    return f"{sign}{euros}.{rest:02d}"


def net_of_vat(gross_cents: int, vat_rate_bp: int) -> int:
    """The net part of a VAT-inclusive amount ("scorporo"), rounded once, half up, to the cent.

    ``vat_rate_bp`` is the rate in basis points (2200 = 22 %): 999 at 2200 -> 819.
    """
    if vat_rate_bp < 0:
        raise ValueError("a VAT rate is never negative")
    return round_cents(Decimal(gross_cents) * 100 / (10_000 + vat_rate_bp))
