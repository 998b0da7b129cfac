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


class NotSignedIn(SaldoError):
    """No valid session or token: missing, logged out, or expired (idle or absolute)."""

    code = "not_signed_in"
    kind = "unauthorized"

    def __init__(self, reason: str) -> None:
        if reason == "expired":
            super().__init__(
                "sessione scaduta: accedi di nuovo", "session expired: please sign in again"
            )
        else:
            super().__init__("accesso richiesto", "sign-in required")
        self.reason = reason


class TooManyCodes(SaldoError):
    code = "otp_rate_limited"
    kind = "rate_limited"

    def __init__(self, minutes: int) -> None:
        super().__init__(
            f"hai già chiesto 3 codici negli ultimi 15 minuti: riprova tra {minutes} minuti",
            f"3 codes were already requested in the last 15 minutes: try again in {minutes} "
            "minutes",
        )
        self.retry_after = minutes * 60


class CodeRejected(SaldoError):
    """The same answer whether or not the number is a customer's."""

    code = "otp_invalid"
    kind = "unauthorized"

    def __init__(self, outcome: str, tries_left: int) -> None:
        if outcome == "wrong":
            super().__init__(
                "codice errato: "
                + (
                    "ti resta 1 tentativo"
                    if tries_left == 1
                    else f"ti restano {tries_left} tentativi"
                ),
                "wrong code: " + ("1 try left" if tries_left == 1 else f"{tries_left} tries left"),
            )
        elif outcome == "burned":
            super().__init__(
                "codice bloccato dopo 5 tentativi errati: chiedine uno nuovo",
                "code blocked after 5 wrong tries: ask for a new one",
            )
        else:
            super().__init__(
                "codice scaduto o non richiesto: chiedine uno nuovo",
                "code expired or never requested: ask for a new one",
            )
        self.outcome = outcome


class CsrfRejected(InvalidInput):
    code = "csrf_rejected"

    def __init__(self) -> None:
        super().__init__(
            "il modulo è scaduto o non viene da questa pagina: riprova",
            "the form expired or did not come from this page: please try again",
        )
