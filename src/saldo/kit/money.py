"""Money is an ``int`` of euro cents. Fractions live in ``Decimal`` and are rounded once, here."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from saldo.kit.errors import InvalidInput

CENT = Decimal("0.01")


def round_cents(amount_eur: Decimal) -> int:
    """Round an amount in euro to whole cents, half up. The only rounding of money."""
    return int((amount_eur / CENT).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_eur(text: str | int | Decimal, *, field: str = "amount") -> int:
    """Parse "9.99" / "9,99" / "10" euro into cents; more than two decimals is an error."""
    raw = str(text).strip().replace("€", "").replace(" ", "")
    if "," in raw and "." not in raw:
        raw = raw.replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise InvalidInput(
            f"{field}: importo non valido {text!r}", f"{field}: invalid amount {text!r}"
        ) from None
    if not value.is_finite() or value != value.quantize(CENT):
        raise InvalidInput(
            f"{field}: importo non valido {text!r} (al massimo due decimali)",
            f"{field}: invalid amount {text!r} (at most two decimals)",
        )
    return int(value * 100)


def format_eur(cents: int, *, symbol: str = "€") -> str:
    """Italian formatting: 1234 -> "12,34€", 123456789 -> "1.234.567,89€"."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    grouped = f"{euros:,}".replace(",", ".")
    return f"{sign}{grouped},{rest:02d}{symbol}"


def format_eur_plain(cents: int) -> str:
    """Machine-readable euro amount with a dot: 1234 -> "12.34"."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}{euros}.{rest:02d}"


def net_of_vat(gross_cents: int, vat_rate_bp: int) -> int:
    """The net part of a VAT-inclusive amount ("scorporo"), rounded once, half up, to the cent.

    ``vat_rate_bp`` is the rate in basis points (2200 = 22 %): 999 at 2200 -> 819.
    """
    if vat_rate_bp < 0:
        raise ValueError("a VAT rate is never negative")
    return round_cents(Decimal(gross_cents) * 100 / (10_000 + vat_rate_bp))
