"""SaldoError -> HTTP: one mapping for every web route."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from saldo.kit.errors import SaldoError

STATUS = {"invalid": 422, "not_found": 404, "conflict": 409, "forbidden": 403, "unavailable": 503}


async def saldo_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SaldoError)
    lang = "en" if request.headers.get("accept-language", "it").startswith("en") else "it"
    return JSONResponse(
        {"code": exc.code, "message": exc.message(lang)}, status_code=STATUS.get(exc.kind, 400)
    )
