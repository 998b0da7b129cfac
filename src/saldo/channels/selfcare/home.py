"""The dashboard: credit, plan and renewal, a gauge per allowance; it refreshes by itself."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from saldo.balances.service import get_snapshot
from saldo.catalog.schemas import CatalogDocument
from saldo.channels.http import i18n
from saldo.channels.http.deps import RuntimeDep, lang_of, page_read
from saldo.channels.http.render import page, templates
from saldo.channels.http.security import harden
from saldo.channels.selfcare import queries
from saldo.channels.selfcare.base import PageRoute, chrome
from saldo.channels.selfcare.views import gauges, renewal_warning
from saldo.identity.schemas import Me
from saldo.runtime import Runtime

router = APIRouter(include_in_schema=False, route_class=PageRoute)


def _figures(
    session: Session, rt: Runtime, me: Me, lang: str
) -> tuple[dict[str, Any], CatalogDocument, queries.LineInfo]:
    snapshot = get_snapshot(session, msisdn=me.msisdn, now=rt.clock.now())
    document = queries.catalog(session)
    names = {p.code: p.name for p in document.plan} | {o.code: o.name for o in document.option}
    info = queries.line_info(session, me.line_id)
    figures = {
        "s": snapshot,
        "gauges": gauges(snapshot, names, lang),
        "warning": renewal_warning(snapshot, lang, i18n.translator(lang)),
        "pending_plan": names.get(info.pending_plan_code or "", info.pending_plan_code),
        "version": info.version,
    }
    return figures, document, info


@router.get("/")
async def dashboard(request: Request, rt: RuntimeDep) -> Response:
    """Read like the balance API (see ``deps.read_as``)."""
    lang = lang_of(request)

    def read(session: Session, me: Me) -> tuple[Me, dict[str, Any]]:
        figures, document, info = _figures(session, rt, me, lang)
        return me, figures | chrome(session, me, document=document, info=info)

    me, context = await page_read(request, rt, read)
    return page(
        request,
        "dashboard.html",
        me=me,
        nav="home",
        refresh_seconds=rt.settings.web.refresh_seconds,
        **context,
    )


@router.get("/live")
async def live(request: Request, rt: RuntimeDep, v: int = -1) -> Response:
    """The figures again, only when something changed since version ``v`` (else 204)."""
    lang = lang_of(request)

    def read(session: Session, me: Me) -> dict[str, Any] | None:
        if queries.version(session, me.line_id) == v:
            return None
        return _figures(session, rt, me, lang)[0]

    context = await page_read(request, rt, read)
    if context is None:
        return harden(Response(status_code=204))
    response = templates.TemplateResponse(
        request,
        "_figures.html",
        {
            "lang": lang,
            "_": i18n.translator(lang),
            "eur": lambda c: i18n.eur(c, lang),
            "day_month": lambda d: i18n.day_month(d, lang),
            "clock_time": i18n.clock_time,
            **context,
        },
    )
    response.headers["X-Version"] = str(context["version"])
    return harden(response)


@router.get("/manifest.webmanifest")
def manifest(rt: RuntimeDep) -> Response:
    """The web app manifest: the app installs on a phone's home screen."""
    with rt.read() as session:
        name = queries.catalog(session).operator.name
    body = {
        "name": name,
        "short_name": name[:12],
        "description": "Credito, minuti, SMS e Giga: il tuo saldo.",
        "lang": "it",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b4f4a",
        "icons": [
            {"src": "/static/icon-192.png", "sizes": "192x192", "type": "image/png"},
            {"src": "/static/icon-512.png", "sizes": "512x512", "type": "image/png"},
            {
                "src": "/static/icon-maskable-512.png",
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": "/static/icon.svg", "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return Response(
        json.dumps(body, ensure_ascii=False),
        media_type="application/manifest+json",
        headers={"Cache-Control": "public, max-age=3600"},
    )
