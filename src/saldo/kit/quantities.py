"""Units are integers: voice in seconds, SMS/MMS in messages, data in bytes (1 GB = 1024**3)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from saldo.kit.errors import InvalidInput

KB = 1024
MB = 1024 * KB
GB = 1024 * MB

UNIT_BY_SERVICE = {
    "voice": "seconds",
    "international_voice": "seconds",
    "sms": "messages",
    "mms": "messages",
    "data": "bytes",
    "data_eu": "bytes",
}

_DATA = re.compile(r"^(\d+(?:\.\d+)?)\s*(KB|MB|GB)$", re.IGNORECASE)
_VOICE = re.compile(r"^(\d+)\s*(min|s)$", re.IGNORECASE)
_COUNT = re.compile(r"^(\d+)$")


@dataclass(frozen=True, slots=True)
class Allowance:
    """An allowance as written in the catalogue: a whole number of units, or unlimited."""

    unlimited: bool
    amount: int = 0


def parse_allowance(service: str, text: str) -> Allowance:
    """Parse "unlimited", "300min", "100", "500MB", "150GB" for the given service."""
    raw = str(text).strip()
    if raw.lower() in {"unlimited", "illimitati", "illimitato"}:
        return Allowance(unlimited=True)
    unit = UNIT_BY_SERVICE.get(service)
    if unit == "bytes":
        match = _DATA.match(raw)
        if match:
            factor = {"KB": KB, "MB": MB, "GB": GB}[match.group(2).upper()]
            amount = Decimal(match.group(1)) * factor
            if amount == amount.to_integral_value():
                return Allowance(unlimited=False, amount=int(amount))
        raise InvalidInput(
            f'quantità dati non valida {text!r} (es. "500MB", "150GB", "unlimited")',
            f'invalid data quantity {text!r} (e.g. "500MB", "150GB", "unlimited")',
        )
    if unit == "seconds":
        match = _VOICE.match(raw)
        if match:
            n = int(match.group(1))
            return Allowance(unlimited=False, amount=n * 60 if match.group(2) == "min" else n)
        raise InvalidInput(
            f'minuti non validi {text!r} (es. "300min", "unlimited")',
            f'invalid minutes {text!r} (e.g. "300min", "unlimited")',
        )
    if unit == "messages":
        match = _COUNT.match(raw)
        if match:
            return Allowance(unlimited=False, amount=int(match.group(1)))
        raise InvalidInput(
            f'numero di messaggi non valido {text!r} (es. "100", "unlimited")',
            f'invalid message count {text!r} (e.g. "100", "unlimited")',
        )
    raise InvalidInput(f"servizio sconosciuto {service!r}", f"unknown service {service!r}")


def gb_one_decimal(n_bytes: int) -> Decimal:
    """Bytes as GB with one decimal, half up (what the channels show and say)."""
    return (Decimal(n_bytes) / GB).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def whole_mb(n_bytes: int) -> int:
    """Bytes as whole MB, half up (what the channels show and say below 1 GB)."""
    return int((Decimal(n_bytes) / MB).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_data(n_bytes: int) -> str:
    """Italian display of a data quantity: "45,2GB", "500MB" below 1 GB."""
    if n_bytes < GB:
        return f"{whole_mb(n_bytes)}MB"
    gb = gb_one_decimal(n_bytes)
    text = f"{gb.normalize():f}" if gb == gb.to_integral_value() else f"{gb}"
    return text.replace(".", ",") + "GB"


def whole_minutes(seconds: int) -> int:
    """Remaining minutes shown to a customer: whole minutes, rounded down."""
    return seconds // 60
