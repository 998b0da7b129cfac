"""The 4-digit service PIN that identifies a caller on the voice line from an unknown number,
and its lockout: 6 wrong number-and-PIN pairs for one number, over all calls, suspend PIN
access to it for 24 hours after the last of them."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from saldo.identity import repository as repo
from saldo.kit.errors import InvalidInput
from saldo.kit.msisdn import normalize_msisdn
from saldo.kit.validators import is_digits
from saldo.lines.repository import line_by_msisdn

_N, _R, _P = 2**14, 8, 1
PIN_LOCK_FAILURES = 6
"""Wrong PINs for one number, over all calls, that suspend PIN access to it..."""
PIN_LOCK_WINDOW = timedelta(hours=24)
"""...for this long after the last of them."""


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


def _equalize() -> None:
    """As long as a real PIN check, so that timing does not tell whether a number is a line."""
    hashlib.scrypt(b"0000", salt=b"saldo-menus-ivr!", n=_N, r=_R, p=_P, dklen=32)


def check_pin(
    session: Session,
    *,
    msisdn: str,
    pin: str,
    now: datetime,
    channel: str,
    session_key: str,
) -> str:
    """``ok``, ``wrong`` or ``locked``: the PIN of ``msisdn`` (a number just entered, which may
    be nobody's; ``""`` when none was). A wrong pair is recorded against the number; never
    tells which of the two was wrong, and takes as long for a number that is no line."""
    if repo.pin_failures(session, msisdn=msisdn, since=now - PIN_LOCK_WINDOW) >= (
        PIN_LOCK_FAILURES
    ):
        return "locked"
    if msisdn and repo.active_line_id(session, msisdn) is not None:
        ok = verify_pin(session, msisdn=msisdn, pin=pin)
    else:
        _equalize()
        ok = False
    if ok:
        return "ok"
    repo.add_pin_failure(session, msisdn=msisdn, channel=channel, session_key=session_key, now=now)
    return "wrong"
