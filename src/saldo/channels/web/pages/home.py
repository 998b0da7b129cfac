"""The dashboard: credit, plan and renewal, a gauge per allowance; it refreshes by itself."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from saldo.balances.service import get_snapshot
from saldo.catalog.service import get_catalog
from saldo.channels.web import i18n, queries
from saldo.channels.web.auth import Me
from saldo.channels.web.deps import RuntimeDep, lang_of, page_line
from saldo.channels.web.pages.base import PageRoute, chrome
from saldo.channels.web.render import page, templates
from saldo.channels.web.security import harden
from saldo.channels.web.views import gauges, renewal_warning
from saldo.runtime import Runtime

router = APIRouter(include_in_schema=False, route_class=PageRoute)


def _figures(session: Session, rt: Runtime, me: Me, lang: str) -> dict[str, Any]:
    snapshot = get_snapshot(session, msisdn=me.msisdn, now=rt.clock.now())
    _, document = get_catalog(session)
    names = {p.code: p.name for p in document.plan} | {o.code: o.name for o in document.option}
    info = queries.line_info(session, me.line_id)
    return {
        "s": snapshot,
        "gauges": gauges(snapshot, names, lang),
        "warning": renewal_warning(snapshot, lang, i18n.translator(lang)),
        "pending_plan": names.get(info.pending_plan_code or "", info.pending_plan_code),
        "version": queries.version(session, me.line_id),
    }


@router.get("/")
def dashboard(request: Request, rt: RuntimeDep) -> Response:
    lang = lang_of(request)
    with page_line(rt, request) as (session, me):
        context = _figures(session, rt, me, lang) | chrome(session, me)
    return page(
        request,
        "dashboard.html",
        me=me,
        nav="home",
        refresh_seconds=rt.settings.web.refresh_seconds,
        **context,
    )


@router.get("/live")
def live(request: Request, rt: RuntimeDep, v: int = -1) -> Response:
    """The figures again, only when something changed since version ``v`` (else 204)."""
    lang = lang_of(request)
    with page_line(rt, request) as (session, me):
        if queries.version(session, me.line_id) == v:
            return harden(Response(status_code=204))
        context = _figures(session, rt, me, lang)
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
    with rt.transaction() as session:
        name = get_catalog(session)[1].operator.name
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
