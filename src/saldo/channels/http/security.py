"""Cookies, CSRF, signatures with the secret key, and response headers.

Signed-in forms carry the session's CSRF token. The login forms, before any session, carry
an HMAC of a random cookie (double submit, signed with the secret key). Every form POST also
checks the Origin header when the browser sends one.

What is signed is signed with ``SALDO_WEB_SECRET_KEY``; a signature made with one of
``SALDO_WEB_PREVIOUS_SECRET_KEYS`` is still accepted, so that keys can be rotated without
signing everybody out.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request, Response

from saldo.channels.http.client import TrustedProxies, scheme
from saldo.channels.http.errors import CsrfRejected
from saldo.config import Settings

SESSION_COOKIE = "saldo_session"
FORM_COOKIE = "saldo_form"

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def _secure(request: Request, settings: Settings) -> bool:
    return settings.web.secure_cookies or request.url.scheme == "https"


def set_cookie(
    response: Response,
    request: Request,
    settings: Settings,
    *,
    name: str,
    value: str,
    max_age: int | None = None,
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=_secure(request, settings),
        path="/",
    )


def clear_cookie(response: Response, request: Request, settings: Settings, name: str) -> None:
    response.delete_cookie(
        name, path="/", httponly=True, samesite="lax", secure=_secure(request, settings)
    )


def check_origin(request: Request) -> None:
    """A cross-site POST is refused: the Origin, when sent, must be this very host."""
    origin = request.headers.get("origin")
    if origin is None:
        return
    if urlsplit(origin).netloc != request.headers.get("host", ""):
        raise CsrfRejected()


def check_token(expected: str, given: str) -> None:
    if not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise CsrfRejected()


def _keys(settings: Settings) -> list[bytes]:
    """The current secret key first, then the previous ones (still accepted, never used)."""
    web = settings.web
    return [k.get_secret_value().encode() for k in (web.secret_key, *web.previous_secret_keys)]


def _mac(key: bytes, purpose: str, value: str) -> str:
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def sign(settings: Settings, purpose: str, value: str) -> str:
    """The HMAC of ``value`` for ``purpose`` under the current key."""
    return _mac(_keys(settings)[0], purpose, value)


def signed_by_us(settings: Settings, purpose: str, value: str, mac: str) -> bool:
    """Whether ``mac`` is ``value``'s for ``purpose`` under the current or a previous key."""
    given = mac.encode()
    # every key is tried, whichever matches: the time taken tells nothing
    found = [hmac.compare_digest(_mac(k, purpose, value).encode(), given) for k in _keys(settings)]
    return any(found)


def _form_token(settings: Settings, seed: str) -> str:
    return sign(settings, "form", seed)


def anonymous_form_token(request: Request, settings: Settings) -> tuple[str, str | None]:
    """The CSRF token of a login form, and a new cookie seed to set when there was none."""
    seed = request.cookies.get(FORM_COOKIE)
    fresh = None
    if not seed or len(seed) > 100:
        seed = fresh = secrets.token_urlsafe(24)
    return _form_token(settings, seed), fresh


def check_anonymous_form(request: Request, settings: Settings, given: str) -> None:
    check_origin(request)
    seed = request.cookies.get(FORM_COOKIE)
    if not seed or len(seed) > 100 or not given or not signed_by_us(settings, "form", seed, given):
        raise CsrfRejected()


def harden(response: Response, *, private: bool = True) -> Response:
    """Headers of every page: a strict CSP (no inline script or style, nothing remote)."""
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    if private:
        # The back button re-asks the server: a paid order shows its receipt, not its form.
        response.headers["Cache-Control"] = "no-store"
    return response


HSTS = b"max-age=31536000"
PERSONAL = ("/api/v1/me", "/api/v1/auth")
"""JSON that carries personal data (the line's balance, usage, messages; sign-in tokens)."""

_Message = MutableMapping[str, Any]
_Scope = MutableMapping[str, Any]
_Receive = Callable[[], Awaitable[_Message]]
_Send = Callable[[_Message], Awaitable[None]]


def _personal(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in PERSONAL)


class ResponseHeaders:
    """ASGI middleware: headers of every answer. ``nosniff`` on all; ``no-store`` on personal
    JSON (no shared cache or disk keeps it); HSTS when the client came over HTTPS, as the
    socket says or a trusted proxy does (``X-Forwarded-Proto``; nobody else is believed)."""

    def __init__(
        self, app: Callable[[_Scope, _Receive, _Send], Awaitable[None]], *, proxies: TrustedProxies
    ) -> None:
        self.app = app
        self.proxies = proxies

    async def __call__(self, scope: _Scope, receive: _Receive, send: _Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scheme(scope, self.proxies) == "https"
        personal = _personal(scope.get("path", ""))

        async def with_headers(message: _Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", ())
                    if not (personal and k.lower() == b"cache-control")
                    and k.lower() != b"x-content-type-options"
                ]
                headers.append((b"x-content-type-options", b"nosniff"))
                if personal:
                    headers.append((b"cache-control", b"no-store"))
                if https:
                    headers.append((b"strict-transport-security", HSTS))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
