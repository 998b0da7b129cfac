"""Italian mobile numbers (MSISDN), stored in E.164."""

from __future__ import annotations

import phonenumbers

from saldo.kit.errors import InvalidInput
from saldo.kit.validators import is_digits


def normalize_msisdn(text: str) -> str:
    """Validate an Italian mobile number and return it in E.164 ("+393471234567")."""
    raw = str(text).strip().replace(" ", "")
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    if is_digits(raw) and raw.startswith("39") and len(raw) >= 11:
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
