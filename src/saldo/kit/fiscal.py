"""Italian fiscal identity codes: codice fiscale and partita IVA."""

from __future__ import annotations

from schwifty import IBAN
from stdnum.it import codicefiscale, iva

from saldo.kit.errors import InvalidInput


def normalize_tax_code(text: str) -> str:
    """Validate an Italian codice fiscale (personal, 16 characters) or a numeric one (11)."""
    try:
        return str(codicefiscale.validate(text.strip().upper()))
    except Exception:
        raise InvalidInput(
            f"codice fiscale non valido: {text!r}", f"invalid Italian tax code: {text!r}"
        ) from None


def normalize_vat_number(text: str) -> str:
    """Validate an Italian partita IVA (11 digits with check digit)."""
    raw = text.strip().upper().removeprefix("IT")
    try:
        return str(iva.validate(raw))
    except Exception:
        raise InvalidInput(
            f"partita IVA non valida: {text!r}", f"invalid Italian VAT number: {text!r}"
        ) from None


def normalize_iban(text: str) -> str:
    """Validate an IBAN (country format and check digits) in its compact form."""
    try:
        return str(IBAN(text.strip()).compact)
    except Exception:
        raise InvalidInput(f"IBAN non valido: {text!r}", f"invalid IBAN: {text!r}") from None
