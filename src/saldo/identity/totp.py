"""TOTP second factor (RFC 6238, 30 s, 6 digits): secrets, provisioning URI, QR code."""

from __future__ import annotations

import io
from datetime import datetime

import pyotp
import segno


def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The URI as an SVG QR code, to show on the profile page."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=4, xmldecl=False)
    return out.getvalue().decode()


def verify_totp(secret: str, code: str, *, now: datetime) -> bool:
    """The code of now, or of the 30-second step before or after (clock drift)."""
    code = code.strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return False
    return bool(pyotp.TOTP(secret).verify(code, for_time=now, valid_window=1))


def totp_now(secret: str, *, now: datetime) -> str:
    """The current code (demo and tests)."""
    return str(pyotp.TOTP(secret).at(now))
