"""HTTP Basic auth of the operator's gateways (SMS and USSD): one check for every gateway route.

Each channel answers a refusal in its own words (JSON for the SMS gateway, an ``END`` screen
for USSD); whether the credentials are right is decided here only.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from typing import Literal

from fastapi import Request

from saldo.config import GatewaySettings

Verdict = Literal["ok", "unconfigured", "refused"]


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(user, password) of an ``Authorization: Basic …`` header; None when it is not one."""
    if not header or header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def check_gateway(request: Request, gateway: GatewaySettings) -> Verdict:
    """Whether the request carries the gateway's user and password (``SALDO_GATEWAY_USER`` /
    ``SALDO_GATEWAY_PASSWORD``); every request is refused while no password is set. Both
    parts are compared in constant time, whichever is wrong."""
    expected = gateway.password.get_secret_value()
    if not expected:
        return "unconfigured"
    given = basic_credentials(request.headers.get("authorization"))
    if given is None:
        return "refused"
    same_user = secrets.compare_digest(given[0].encode(), gateway.user.encode())
    same_password = secrets.compare_digest(given[1].encode(), expected.encode())
    return "ok" if same_user & same_password else "refused"
