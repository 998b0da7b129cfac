"""Pages are Jinja2 templates: one layout, the language's texts and formats, strict headers."""

from __future__ import annotations

import hashlib
from functools import cache, partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from fastapi.templating import Jinja2Templates

from saldo.channels.http import i18n
from saldo.channels.http.deps import lang_of
from saldo.channels.http.security import harden
from saldo.identity.schemas import Me

HERE = Path(__file__).parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")

# ?done=… after a redirect: a fixed message, never text taken from the URL
DONE = {
    "plan_now": "La nuova offerta è attiva da adesso.",
    "plan_renewal": "La nuova offerta partirà al prossimo rinnovo.",
    "option_on": "Opzione attivata.",
    "option_off": "Opzione disattivata.",
    "pin": "PIN salvato: usalo quando chiami il 4242 da un altro numero.",
    "read": "Messaggi segnati come letti.",
    "invoice_paid": "Fattura pagata: grazie!",
    "profile": "Dati per la fattura salvati.",
    "ticket": "Segnalazione inviata: ti abbiamo mandato un SMS con il codice.",
    "reply": "Risposta inviata.",
}


@cache
def static_url(name: str) -> str:
    """The address of a static file, with its content hash so that browsers refetch changes."""
    digest = hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:10]
    return f"/static/{name}?v={digest}"


def safe_next(target: str | None) -> str:
    """Only a path of this site may follow a login (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def page(
    request: Request,
    name: str,
    *,
    me: Me | None,
    brand: str,
    status: int = 200,
    **context: Any,
) -> Response:
    lang = lang_of(request)
    _ = i18n.translator(lang)
    done = request.query_params.get("done", "")
    response = templates.TemplateResponse(
        request,
        name,
        {
            "lang": lang,
            "_": _,
            "me": me,
            "csrf": me.csrf_token if me else "",
            "brand": brand,
            "static": static_url,
            "eur": partial(i18n.eur, lang=lang),
            "day_month": partial(i18n.day_month, lang=lang),
            "date_time": partial(i18n.date_time, lang=lang),
            "clock_time": i18n.clock_time,
            "quantity": partial(i18n.quantity, lang=lang),
            "every": partial(i18n.every, lang=lang),
            "here": request.url.path,
            "flash": _(DONE[done]) if done in DONE else None,
            **context,
        },
        status_code=status,
    )
    return harden(response, private=me is not None or name.startswith("login"))


def redirect(path: str, **params: str) -> RedirectResponse:
    """303 See Other: after a POST the browser GETs the result (refresh never re-posts)."""
    query = f"?{urlencode(params)}" if params else ""
    return RedirectResponse(path + query, status_code=303)


def attachment_response(data: bytes, content_type: str, filename: str) -> Response:
    """A stored file as a download, as the type its content was checked to be (never shown
    inline: a browser does not render what a customer uploaded)."""
    safe = "".join(c for c in filename if c.isascii() and (c.isalnum() or c in "._-")) or "file"
    return Response(
        data,
        media_type=content_type,
        headers={"content-disposition": f'attachment; filename="{safe}"'},
    )
