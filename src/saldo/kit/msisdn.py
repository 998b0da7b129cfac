"""Italian mobile numbers (MSISDN), stored in E.164, and Italian identity codes."""

from __future__ import annotations

import phonenumbers
from stdnum.it import codicefiscale, iva

from saldo.kit.errors import InvalidInput


def normalize_msisdn(text: str) -> str:
    """Validate an Italian mobile number and return it in E.164 ("+393471234567")."""
    raw = str(text).strip().replace(" ", "")
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    if raw.isdigit() and raw.startswith("39") and len(raw) >= 11:
        raw = "+" + raw
    try:
        number = phonenumbers.parse(raw, "IT")
    except phonenumbers.NumberParseException:
        number = None
    if (
        number is None
        or number.country_code != 39
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE
    ):
        raise InvalidInput(
            f"numero di cellulare italiano non valido: {text!r}",
            f"not a valid Italian mobile number: {text!r}",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


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
