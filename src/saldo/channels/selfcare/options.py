"""Options: the active ones and those available; on or off, with the cost confirmed first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from saldo.balances.errors import InsufficientCredit
from saldo.balances.service import get_snapshot
from saldo.catalog.errors import UnknownOption
from saldo.catalog.service import get_catalog
from saldo.channels.http.deps import WEB, RuntimeDep, lang_of, page_line
from saldo.channels.http.render import page, redirect
from saldo.channels.selfcare.base import PageRoute, check_form, chrome
from saldo.channels.selfcare.offers import allowance_items, cost, option_valid_until, unit_of
from saldo.lines.eligibility import available_options
from saldo.lines.service import add_option, remove_option

router = APIRouter(include_in_schema=False, route_class=PageRoute)


@router.get("/options")
def options_page(request: Request, rt: RuntimeDep) -> Response:
    with page_line(rt, request, read=True) as (session, me):
        snapshot = get_snapshot(session, msisdn=me.msisdn, now=rt.clock.now())
        _, document = get_catalog(session)
        layout = chrome(session, me)
    specs = {o.code: o for o in document.option}
    return page(
        request,
        "options.html",
        me=me,
        nav="options",
        title="Opzioni",
        s=snapshot,
        specs=specs,
        available=available_options(
            document, plan_code=snapshot.plan.code, active=(o.code for o in snapshot.options)
        ),
        allowance_items=allowance_items,
        unit_of=unit_of,
        **layout,
    )


def _confirm(
    request: Request,
    rt: RuntimeDep,
    code: str,
    action: str,
    *,
    status: int = 200,
    error: str | None = None,
) -> Response:
    with page_line(rt, request, read=True) as (session, me):
        snapshot = get_snapshot(session, msisdn=me.msisdn, now=rt.clock.now())
        _, document = get_catalog(session)
        layout = chrome(session, me)
    option = document.option_by_code(code)
    active = next((o for o in snapshot.options if o.code == code), None)
    if option is None or (action == "on" and not option.fits(snapshot.plan.code)):
        raise UnknownOption(code[:40])
    if action == "off" and active is None:
        raise UnknownOption(code[:40])
    return page(
        request,
        "option_confirm.html",
        me=me,
        nav="options",
        title=option.name,
        status=status,
        error=error,
        s=snapshot,
        option=option,
        action=action,
        active=active,
        cost=cost(document, snapshot, option.fee),
        valid_until=option_valid_until(option, snapshot, now=rt.clock.now()),
        suspended=snapshot.plan.status != "active",
        item=option,
        allowance_items=allowance_items,
        unit_of=unit_of,
        **layout,
    )


@router.get("/options/{code}/{action}")
def option_confirm(request: Request, rt: RuntimeDep, code: str, action: str) -> Response:
    if action not in ("on", "off"):
        raise UnknownOption(code[:40])
    return _confirm(request, rt, code, action)


@router.post("/options/{code}/{action}")
def option_apply(
    request: Request,
    rt: RuntimeDep,
    code: str,
    action: str,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    if action not in ("on", "off"):
        raise UnknownOption(code[:40])
    try:
        with page_line(rt, request) as (session, me):
            check_form(request, me, csrf)
            change = add_option if action == "on" else remove_option
            change(session, msisdn=me.msisdn, option_code=code, clock=rt.clock, origin=WEB)
    except InsufficientCredit as exc:
        return _confirm(request, rt, code, action, status=409, error=exc.message(lang_of(request)))
    return redirect("/options", done=f"option_{action}")
