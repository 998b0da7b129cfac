"""Change plan: the compatible plans side by side, the cost and effect confirmed before."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from saldo.balances.errors import InsufficientCredit
from saldo.balances.service import get_snapshot
from saldo.catalog.errors import UnknownPlan
from saldo.catalog.service import get_catalog
from saldo.channels.http.deps import WEB, RuntimeDep, lang_of, page_line
from saldo.channels.http.render import page, redirect
from saldo.channels.selfcare import queries
from saldo.channels.selfcare.base import PageRoute, check_form, chrome
from saldo.channels.selfcare.offers import allowance_items, plan_change, unit_of
from saldo.kit.errors import InvalidInput
from saldo.lines.eligibility import compatible_plans
from saldo.lines.service import change_plan

router = APIRouter(include_in_schema=False, route_class=PageRoute)


@router.get("/plan")
def plans_page(request: Request, rt: RuntimeDep) -> Response:
    with page_line(rt, request, read=True) as (session, me):
        snapshot = get_snapshot(session, msisdn=me.msisdn, now=rt.clock.now())
        _, document = get_catalog(session)
        info = queries.line_info(session, me.line_id)
        layout = chrome(session, me)
    plans = compatible_plans(
        document, billing=snapshot.billing, business=info.segment == "business"
    )
    return page(
        request,
        "plans.html",
        me=me,
        nav="plan",
        title="Offerta",
        s=snapshot,
        plans=plans,
        pending=info.pending_plan_code,
        allowance_items=allowance_items,
        unit_of=unit_of,
        **layout,
    )


def _confirm(
    request: Request, rt: RuntimeDep, code: str, *, status: int = 200, error: str | None = None
) -> Response:
    with page_line(rt, request, read=True) as (session, me):
        snapshot = get_snapshot(session, msisdn=me.msisdn, now=rt.clock.now())
        _, document = get_catalog(session)
        info = queries.line_info(session, me.line_id)
        layout = chrome(session, me)
    allowed = compatible_plans(
        document, billing=snapshot.billing, business=info.segment == "business"
    )
    plan = next((p for p in allowed if p.code == code), None)
    if plan is None:
        raise UnknownPlan(code[:40])
    change = plan_change(document, snapshot, plan, now=rt.clock.now())
    return page(
        request,
        "plan_confirm.html",
        me=me,
        nav="plan",
        title="Conferma il cambio offerta",
        status=status,
        error=error,
        s=snapshot,
        change=change,
        current=plan.code == snapshot.plan.code and snapshot.plan.status == "active",
        allowance_items=allowance_items,
        unit_of=unit_of,
        **layout,
    )


@router.get("/plan/{code}")
def plan_confirm(request: Request, rt: RuntimeDep, code: str) -> Response:
    return _confirm(request, rt, code)


@router.post("/plan/{code}")
def plan_apply(
    request: Request,
    rt: RuntimeDep,
    code: str,
    when: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    if when not in ("now", "renewal"):
        raise InvalidInput("scegli quando cambiare offerta", "choose when to change plan")
    try:
        with page_line(rt, request) as (session, me):
            check_form(request, me, csrf)
            _, document = get_catalog(session)
            info = queries.line_info(session, me.line_id)
            snapshot = get_snapshot(session, msisdn=me.msisdn, now=rt.clock.now())
            allowed = compatible_plans(
                document, billing=snapshot.billing, business=info.segment == "business"
            )
            if code not in {p.code for p in allowed}:
                raise UnknownPlan(code[:40])
            change_plan(
                session,
                msisdn=me.msisdn,
                plan_code=code,
                at_renewal=when == "renewal",
                clock=rt.clock,
                origin=WEB,
            )
    except InsufficientCredit as exc:
        return _confirm(request, rt, code, status=409, error=exc.message(lang_of(request)))
    at_renewal = when == "renewal" and snapshot.plan.status == "active"
    return redirect("/", done="plan_renewal" if at_renewal else "plan_now")
