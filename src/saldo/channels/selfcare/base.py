"""What every page shares: HTML answers to errors, the redirect to the login, the layout data."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

from saldo.catalog.schemas import CatalogDocument
from saldo.channels.http.deps import LoginRequired, get_runtime, lang_of
from saldo.channels.http.errors import STATUS
from saldo.channels.http.render import page, redirect
from saldo.channels.http.security import SESSION_COOKIE, check_origin, check_token, clear_cookie
from saldo.channels.selfcare import queries
from saldo.identity.schemas import Me
from saldo.kit.errors import SaldoError


def chrome(
    session: Session,
    me: Me,
    *,
    document: CatalogDocument | None = None,
    info: queries.LineInfo | None = None,
) -> dict[str, Any]:
    """The layout's data on a signed-in page: operator name and unread messages (from what
    the page already read, when it did)."""
    document = document or queries.catalog(session)
    info = info or queries.line_info(session, me.line_id)
    return {"brand": document.operator.name, "unread": info.unread}


def check_form(request: Request, me: Me, csrf: str) -> None:
    """Every signed-in form: same origin and the session's CSRF token."""
    check_origin(request)
    check_token(me.csrf_token, csrf)


def _error_page(request: Request, status: int, message: str) -> Response:
    rt = get_runtime(request)
    with rt.read() as session:
        brand = queries.catalog(session).operator.name
    return page(
        request, "error.html", me=None, brand=brand, status=status, error=message, title="Errore"
    )


class PageRoute(APIRoute):
    """A page answers in HTML: a redirect to the login when signed out, an error page (with
    the message in the page's language) when a service refuses."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handle(request)
            except LoginRequired as exc:
                target = exc.path if request.method == "GET" else "/"
                params = {"next": target}
                if exc.reason == "expired":
                    params["reason"] = "expired"
                response = redirect("/login", **params)
                rt = get_runtime(request)
                if request.cookies.get(SESSION_COOKIE):
                    clear_cookie(response, request, rt.settings, SESSION_COOKIE)
                return response
            except SaldoError as exc:
                status = STATUS.get(exc.kind, 400)
                return _error_page(request, status, exc.message(lang_of(request)))
            except RequestValidationError:
                message = (
                    "Richiesta non valida." if lang_of(request) == "it" else "Invalid request."
                )
                return _error_page(request, 422, message)

        return page_handler
