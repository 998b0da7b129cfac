"""SaldoError -> HTTP: one mapping for every web route."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from saldo.kit.errors import InvalidInput, SaldoError

STATUS = {
    "invalid": 422,
    "not_found": 404,
    "conflict": 409,
    "forbidden": 403,
    "unavailable": 503,
    "unauthorized": 401,
    "payment_failed": 402,
    "rate_limited": 429,
}


async def saldo_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SaldoError)
    lang = "en" if request.headers.get("accept-language", "it").startswith("en") else "it"
    headers = {"WWW-Authenticate": "Bearer"} if exc.kind == "unauthorized" else {}
    retry_after = getattr(exc, "retry_after", None)
    if isinstance(retry_after, int):
        headers["Retry-After"] = str(retry_after)
    return JSONResponse(
        {"code": exc.code, "message": exc.message(lang)},
        status_code=STATUS.get(exc.kind, 400),
        headers=headers,
    )


class CsrfRejected(InvalidInput):
    code = "csrf_rejected"

    def __init__(self) -> None:
        super().__init__(
            "il modulo è scaduto o non viene da questa pagina: riprova",
            "the form expired or did not come from this page: please try again",
        )
