"""Cookies, CSRF and response headers of the app's pages.

Signed-in forms carry the session's CSRF token. The login forms, before any session, carry
an HMAC of a random cookie (double submit, signed with the secret key). Every form POST also
checks the Origin header when the browser sends one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Request, Response

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


def _form_token(settings: Settings, seed: str) -> str:
    key = settings.web.secret_key.get_secret_value().encode()
    return hmac.new(key, f"form:{seed}".encode(), hashlib.sha256).hexdigest()


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
    if not seed or len(seed) > 100:
        raise CsrfRejected()
    check_token(_form_token(settings, seed), given)


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
