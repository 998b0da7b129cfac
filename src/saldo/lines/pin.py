"""The 4-digit service PIN that identifies a caller on the voice line from an unknown number."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy.orm import Session

from saldo.kit.errors import InvalidInput
from saldo.kit.msisdn import normalize_msisdn
from saldo.kit.validators import is_digits
from saldo.lines.repository import line_by_msisdn

_N, _R, _P = 2**14, 8, 1


def _hash(pin: str, salt: bytes) -> str:
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${salt.hex()}${digest.hex()}"


def set_pin(session: Session, *, msisdn: str, pin: str) -> None:
    """Set or change the line's PIN (4 digits, not all the same, not a plain sequence)."""
    if len(pin) != 4 or not is_digits(pin):
        raise InvalidInput("il PIN deve avere 4 cifre", "the PIN must be 4 digits")
    if len(set(pin)) == 1 or pin in "0123456789" or pin in "9876543210":
        raise InvalidInput(
            "PIN troppo semplice: evita cifre uguali o in sequenza",
            "PIN too simple: avoid repeated or sequential digits",
        )
    line = line_by_msisdn(session, normalize_msisdn(msisdn), for_update=True)
    line.pin_hash = _hash(pin, secrets.token_bytes(16))
    session.flush()


def verify_pin(session: Session, *, msisdn: str, pin: str) -> bool:
    """True when ``pin`` is the line's PIN; constant-time; False for a line with no PIN."""
    line = line_by_msisdn(session, normalize_msisdn(msisdn))
    if not line.pin_hash:
        return False
    _, salt, _digest = line.pin_hash.split("$")
    return hmac.compare_digest(_hash(pin, bytes.fromhex(salt)), line.pin_hash)
