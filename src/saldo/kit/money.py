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
        # an exponent too large to quantize ("1e400") is refused as any other bad amount
        whole_cents = value.is_finite() and value == value.quantize(CENT)
    except InvalidOperation:
        raise InvalidInput(
            f"{field}: importo non valido {text!r}", f"{field}: invalid amount {text!r}"
        ) from None
    if not whole_cents:
        raise InvalidInput(
            f"{field}: importo non valido {text!r} (al massimo due decimali)",
            f"{field}: invalid amount {text!r} (at most two decimals)",
        )
    return int(value * 100)


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
