"""The business area's pages for a signed-in user: the lines table, a line, options one by one
and in bulk. Thin: every rule is in ``accounts``."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from saldo.accounts import bulk
from saldo.accounts import lines as company_lines
from saldo.channels.business.deps import client_of
from saldo.channels.business.pages_base import (
    BusinessPageRoute,
    brand_of,
    check_form,
    page_scope,
    render,
)
from saldo.channels.business.views import gauge_text, row
from saldo.channels.http.deps import RuntimeDep, lang_of
from saldo.channels.http.render import redirect
from saldo.channels.selfcare import queries
from saldo.lines.eligibility import available_options

router = APIRouter(prefix="/business", include_in_schema=False, route_class=BusinessPageRoute)
PAGE_SIZE = 25
SORTS = ("msisdn", "label", "status", "renewal")
Field = Annotated[str, Form(max_length=200)]


@router.get("/lines")
def lines_page(
    request: Request, rt: RuntimeDep, q: str = "", sort: str = "msisdn", page: int = 1
) -> Response:
    """Every line the user may see, a page at a time, searched and sorted by the database."""
    sort = sort if sort in SORTS else "msisdn"
    page = max(1, min(page, 100_000))
    lang = lang_of(request)
    with page_scope(rt, request, read=True) as (session, scope, csrf):
        total, items = company_lines.list_lines(
            session, scope=scope, now=rt.clock.now(), q=q[:100] or None,
            offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE, sort=sort,
        )  # fmt: skip
        document = queries.catalog(session)
    names = {o.code: o.name for o in document.option}
    pages = max(1, -(-total // PAGE_SIZE))
    return render(
        request, "lines.html", brand=document.operator.name, scope=scope, csrf=csrf,
        title="Le linee dell'azienda", nav="lines", rows=[row(i, names, lang) for i in items],
        total=total, q=q[:100], sort=sort, page=page, pages=pages, gauge_text=gauge_text,
    )  # fmt: skip


@router.get("/lines/{msisdn}")
def line_page(request: Request, rt: RuntimeDep, msisdn: str) -> Response:
    lang = lang_of(request)
    with page_scope(rt, request, read=True) as (session, scope, csrf):
        item = company_lines.get_line(session, scope=scope, msisdn=msisdn, now=rt.clock.now())
        document = queries.catalog(session)
    names = {o.code: o.name for o in document.option}
    active = [o.code for o in item.balance.options]
    offers = available_options(document, plan_code=item.balance.plan.code, active=active)
    return render(
        request, "line.html", brand=document.operator.name, scope=scope, csrf=csrf,
        title="Linea", nav="lines", line=row(item, names, lang), offers=offers,
        gauge_text=gauge_text,
    )  # fmt: skip


@router.post("/lines/{msisdn}/options")
def line_option(
    request: Request,
    rt: RuntimeDep,
    msisdn: str,
    code: Field = "",
    action: Field = "add",
    csrf: Field = "",
) -> Response:
    with page_scope(rt, request) as (session, scope, token):
        check_form(request, token, csrf)
        company_lines.change_option(
            session, scope=scope, msisdn=msisdn, code=code, clock=rt.clock,
            action="remove" if action == "remove" else "add", client=client_of(request, rt),
        )  # fmt: skip
    done = "option_off" if action == "remove" else "option_on"
    return redirect(f"/business/lines/{msisdn}", done=done)


@router.get("/bulk")
def bulk_page(request: Request, rt: RuntimeDep, q: str = "") -> Response:
    with page_scope(rt, request, read=True) as (session, scope, csrf):
        total, items = company_lines.list_lines(
            session,
            scope=scope,
            now=rt.clock.now(),
            q=q[:100] or None,
            limit=company_lines.MAX_PAGE,
        )
        document = queries.catalog(session)
    return render(
        request, "bulk.html", brand=document.operator.name, scope=scope, csrf=csrf,
        title="Opzioni in blocco", nav="bulk", items=items, total=total, q=q[:100],
        options=document.option, results=None, key=uuid.uuid4().hex,
    )  # fmt: skip


@router.post("/bulk")
async def bulk_run(request: Request, rt: RuntimeDep) -> Response:
    form = await request.form()
    lines = [str(v)[:40] for v in form.getlist("lines")][: bulk.MAX_LINES]
    code, action = str(form.get("code", ""))[:64], str(form.get("action", "add"))
    csrf, key = str(form.get("csrf", "")), str(form.get("key", ""))[:200] or None
    with page_scope(rt, request, read=True) as (session, scope, token):
        check_form(request, token, csrf)
        brand = brand_of(session)
    answer = await run_in_threadpool(
        bulk.run_bulk, rt.transaction, scope=scope,
        order=bulk.BulkOrder(code, "remove" if action == "remove" else "add", lines),
        key=key, clock=rt.clock, client=client_of(request, rt), lang=lang_of(request),
    )  # fmt: skip
    return render(
        request, "bulk.html", brand=brand, scope=scope, csrf=token, title="Opzioni in blocco",
        nav="bulk", items=[], total=0, q="", options=[], results=answer["results"], code=code,
        action=action,
    )  # fmt: skip
