"""API routes answer every error as {"code", "message"}: services' errors through the app's
SaldoError handler, request validation here."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute

from saldo.channels.api.schemas import Error


def _describe(exc: RequestValidationError, lang: str) -> str:
    problems = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        problems.append(f"{where}: {err.get('msg', 'invalid')}")
    prefix = "richiesta non valida" if lang == "it" else "invalid request"
    return f"{prefix} ({'; '.join(problems)})"


class ApiRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def api_handler(request: Request) -> Response:
            try:
                return await handle(request)
            except RequestValidationError as exc:
                accept = request.headers.get("accept-language", "it")
                lang = "en" if accept.startswith("en") else "it"
                return JSONResponse(
                    {"code": "invalid_input", "message": _describe(exc, lang)}, status_code=422
                )

        return api_handler


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI: these statuses answer with the {"code", "message"} body."""
    return {status: {"model": Error} for status in statuses}
