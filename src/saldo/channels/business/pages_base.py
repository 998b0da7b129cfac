"""What every page of the business area shares: its session cookie, its layout, the CSRF
check of its forms, the redirect to its login and its error pages."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from saldo.accounts.repository import Scope
from saldo.accounts.signin import resolve
from saldo.channels.business.deps import idle
from saldo.channels.http.deps import get_runtime, lang_of
from saldo.channels.http.errors import STATUS
from saldo.channels.http.render import page, redirect, safe_next
from saldo.channels.http.security import (
    FORM_COOKIE,
    anonymous_form_token,
    check_origin,
    check_token,
    clear_cookie,
    harden,
    set_cookie,
)
from saldo.channels.selfcare import queries
from saldo.identity.errors import NotSignedIn
from saldo.identity.service import touch_session
from saldo.kit.errors import SaldoError
from saldo.runtime import Runtime

COOKIE = "saldo_business"
"""The business area's session cookie (HttpOnly, SameSite=Lax, Secure over HTTPS)."""


@contextmanager
def page_scope(
    rt: Runtime, request: Request, *, read: bool = False
) -> Iterator[tuple[Session, Scope, str]]:
    """The unit of work of a page, its signed-in user and the session's CSRF token."""
    now = rt.clock.now()
    unit = rt.read() if read else rt.transaction()
    with unit as session:
        signed, scope = resolve(
            session, token=request.cookies.get(COOKIE), kind="browser", now=now, idle=idle(rt)
        )
        if signed.stale and not read:
            touch_session(session, session_id=signed.session_id, now=now)
        yield session, scope, signed.csrf_token
    if signed.stale and read:
        with rt.transaction() as session:
            touch_session(session, session_id=signed.session_id, now=now)


def check_form(request: Request, csrf_token: str, given: str) -> None:
    check_origin(request)
    check_token(csrf_token, given)


def brand_of(session: Session) -> str:
    return queries.catalog(session).operator.name


def render(
    request: Request,
    name: str,
    *,
    brand: str,
    scope: Scope | None = None,
    csrf: str = "",
    status: int = 200,
    **context: Any,
) -> Response:
    """A business page (``business/<name>``): private, never cached."""
    response = page(
        request, f"business/{name}", me=None, brand=brand, status=status, scope=scope,
        csrf=csrf, **context,
    )  # fmt: skip
    return harden(response, private=True)


def anonymous(
    rt: Runtime, request: Request, name: str, *, status: int = 200, **context: Any
) -> Response:
    """A page for the signed-out (login, registration, invitation) with its form token."""
    token, fresh = anonymous_form_token(request, rt.settings)
    with rt.read() as session:
        brand = brand_of(session)
    response = render(request, name, brand=brand, status=status, form_token=token, **context)
    if fresh:
        set_cookie(response, request, rt.settings, name=FORM_COOKIE, value=fresh)
    return response


def refused(rt: Runtime, request: Request, exc: SaldoError, name: str, **context: Any) -> Response:
    """The form again with the error and its status (429 with ``Retry-After``, 401, 404…)."""
    status = STATUS.get(exc.kind, 422)
    response = anonymous(
        rt, request, name, status=status, error=exc.message(lang_of(request)), **context
    )
    retry_after = getattr(exc, "retry_after", None)
    if isinstance(retry_after, int):
        response.headers["Retry-After"] = str(retry_after)
    return response


class BusinessPageRoute(APIRoute):
    """Signed out: the business login. A refusal of a service: an error page in the page's
    language, with the service's status."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handle(request)
            except NotSignedIn as exc:
                target = request.url.path if request.method == "GET" else "/business/lines"
                params = {"next": safe_next(target)}
                if exc.reason == "expired":
                    params["reason"] = "expired"
                response = redirect("/business/login", **params)
                if request.cookies.get(COOKIE):
                    clear_cookie(response, request, get_runtime(request).settings, COOKIE)
                return response
            except SaldoError as exc:
                return _error(request, STATUS.get(exc.kind, 400), exc.message(lang_of(request)))
            except RequestValidationError:
                it = lang_of(request) == "it"
                return _error(request, 422, "Richiesta non valida." if it else "Invalid request.")

        return page_handler


def _error(request: Request, status: int, message: str) -> Response:
    rt = get_runtime(request)
    with rt.read() as session:
        brand = brand_of(session)
    response = page(
        request, "error.html", me=None, brand=brand, status=status, error=message, title="Errore"
    )
    return harden(response, private=True)
