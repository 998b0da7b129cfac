"""/api/v1/me/…: the signed-in line's balance, usage, plans, options, messages and PIN."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response, status
from sqlalchemy.orm import Session

from saldo.balances.presenter import KIND_BY_KEY
from saldo.balances.schemas import Snapshot
from saldo.balances.service import get_snapshot
from saldo.catalog.errors import UnknownPlan
from saldo.catalog.schemas import Option, Plan
from saldo.catalog.service import get_catalog
from saldo.channels.api.base import ApiRoute, errors
from saldo.channels.api.schemas import (
    AllowanceSpec,
    MessageOut,
    OptionItem,
    OptionRequest,
    Options,
    PinRequest,
    PlanChangeRequest,
    PlanItem,
    UsageItem,
    UsagePage,
)
from saldo.channels.http.deps import (
    API,
    BearerDep,
    RuntimeDep,
    api_line,
    get_runtime,
    snapshot_as,
)
from saldo.channels.selfcare import queries
from saldo.charging import repository as usage_records
from saldo.identity.pin import set_pin
from saldo.identity.schemas import Me
from saldo.kit.errors import InvalidInput, NotFound
from saldo.kit.quantities import Allowance
from saldo.kit.validators import RowId, check_instant, parse_cursor
from saldo.lines.eligibility import available_options, compatible_plans
from saldo.lines.service import add_option, change_plan, remove_option
from saldo.notifications import repository as notifications
from saldo.runtime import Runtime

router = APIRouter(prefix="/me", tags=["me"], route_class=ApiRoute)
SNAPSHOT: dict[int | str, dict[str, Any]] = {
    200: {"model": Snapshot, "description": "The balance snapshot"}
}
CREATED: dict[int | str, dict[str, Any]] = {201: SNAPSHOT[200]}


def _snapshot_response(session: Session, rt: Runtime, me: Me, status_code: int = 200) -> Response:
    snapshot = get_snapshot(session, msisdn=me.msisdn, now=rt.clock.now())
    return Response(
        snapshot.model_dump_json(), status_code=status_code, media_type="application/json"
    )


@router.get(
    "/balance",
    response_model=None,
    responses=SNAPSHOT | errors(401),
    openapi_extra={"security": [{"HTTPBearer": []}]},
)
async def balance(request: Request) -> Response:
    """Credit, plan, renewal and every allowance: the same JSON as `saldo balance --json`."""
    # the hottest route takes no dependency at all (each costs a resolution per request): the
    # bearer token is read here, the security scheme is declared for OpenAPI above
    rt = get_runtime(request)
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    bearer = token.strip() if scheme.lower() == "bearer" else None
    snapshot = await snapshot_as(rt, bearer, "api")
    return Response(snapshot.model_dump_json(), media_type="application/json")


def _unit(service: str) -> Literal["seconds", "messages", "bytes"]:
    return "bytes" if service == "data" else "seconds" if service == "voice" else "messages"


@router.get("/usage", response_model=UsagePage, responses=errors(401, 422))
def usage(
    rt: RuntimeDep,
    bearer: BearerDep,
    service: Literal["voice", "sms", "mms", "data"] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    cursor: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> UsagePage:
    """Usage records, newest first; default the last 30 days."""
    now = rt.clock.now()
    end = check_instant(until, field="until") if until else now + timedelta(seconds=1)
    start = check_instant(since, field="since") if since else end - timedelta(days=30)
    if start >= end:
        raise InvalidInput("since deve precedere until", "since must come before until")
    after = parse_cursor(cursor) if cursor else None
    with api_line(rt, bearer, read=True) as (session, me):
        rows = usage_records.usage(
            session,
            line_id=me.line_id,
            service=service,
            since=start,
            until=end,
            after=after,
            limit=limit + 1,
        )
    page = rows[:limit]
    return UsagePage(
        items=[
            UsageItem(
                service=r.service,
                zone=r.zone,
                started_at=r.started_at,
                quantity=r.quantity,
                unit=_unit(r.service),
                covered=r.covered,
                charge_cents=r.charge_cents,
                destination=r.destination,
            )
            for r in page
        ],
        next_cursor=usage_records.cursor_of(page[-1]) if len(rows) > limit else None,
    )


def _allowances(spec: Plan | Option) -> dict[str, AllowanceSpec]:
    def one(key: str, a: Allowance) -> AllowanceSpec:
        return AllowanceSpec(
            unit=KIND_BY_KEY[key].unit,
            unlimited=a.unlimited,
            amount=None if a.unlimited else a.amount,
        )

    return {key: one(key, a) for key, a in spec.allowances.items()}


@router.get("/plans", response_model=list[PlanItem], responses=errors(401))
def plans(rt: RuntimeDep, bearer: BearerDep) -> list[PlanItem]:
    """The plans this line may switch to (same billing; business plans for business lines)."""
    with api_line(rt, bearer, read=True) as (session, me):
        snapshot = get_snapshot(session, msisdn=me.msisdn, now=rt.clock.now())
        info = queries.line_info(session, me.line_id)
        _, document = get_catalog(session)
    return [
        PlanItem(
            code=p.code,
            name=p.name,
            description=p.description,
            fee_cents=p.fee,
            period=p.period,
            allowances=_allowances(p),
            current=p.code == snapshot.plan.code,
            pending=p.code == info.pending_plan_code,
        )
        for p in compatible_plans(
            document, billing=snapshot.billing, business=info.segment == "business"
        )
    ]


@router.post("/plan", response_model=None, responses=SNAPSHOT | errors(401, 404, 409, 422))
def plan_change(body: PlanChangeRequest, rt: RuntimeDep, bearer: BearerDep) -> Response:
    """Switch plan now (the fee is debited now) or at the next renewal (`at_renewal`)."""
    with api_line(rt, bearer) as (session, me):
        snapshot = get_snapshot(session, msisdn=me.msisdn, now=rt.clock.now())
        info = queries.line_info(session, me.line_id)
        _, document = get_catalog(session)
        allowed = compatible_plans(
            document, billing=snapshot.billing, business=info.segment == "business"
        )
        if body.plan_code not in {p.code for p in allowed}:
            raise UnknownPlan(body.plan_code)
        change_plan(
            session,
            msisdn=me.msisdn,
            plan_code=body.plan_code,
            at_renewal=body.at_renewal,
            clock=rt.clock,
            origin=API,
        )
        return _snapshot_response(session, rt, me)


def _option_item(spec: Option, *, active: bool, expires_at: datetime | None) -> OptionItem:
    return OptionItem(
        code=spec.code,
        name=spec.name,
        description=spec.description,
        fee_cents=spec.fee,
        period=spec.period,
        recurring=spec.recurring,
        allowances=_allowances(spec),
        active=active,
        expires_at=expires_at,
    )


@router.get("/options", response_model=Options, responses=errors(401))
def options(rt: RuntimeDep, bearer: BearerDep) -> Options:
    """Active options, and the ones available for the line's plan."""
    with api_line(rt, bearer, read=True) as (session, me):
        snapshot = get_snapshot(session, msisdn=me.msisdn, now=rt.clock.now())
        _, document = get_catalog(session)
    active_codes = {o.code: o for o in snapshot.options}
    active = [
        _option_item(spec, active=True, expires_at=active_codes[spec.code].expires_at)
        for spec in document.option
        if spec.code in active_codes
    ]
    available = [
        _option_item(spec, active=False, expires_at=None)
        for spec in available_options(document, plan_code=snapshot.plan.code, active=active_codes)
    ]
    return Options(active=active, available=available)


@router.post(
    "/options",
    status_code=status.HTTP_201_CREATED,
    response_model=None,
    responses=CREATED | errors(401, 404, 409, 422),
)
def option_add(body: OptionRequest, rt: RuntimeDep, bearer: BearerDep) -> Response:
    """Activate an option: its fee is debited now (prepaid)."""
    with api_line(rt, bearer) as (session, me):
        add_option(
            session, msisdn=me.msisdn, option_code=body.option_code, clock=rt.clock, origin=API
        )
        return _snapshot_response(session, rt, me, status_code=201)


@router.delete("/options/{code}", response_model=None, responses=SNAPSHOT | errors(401, 409))
def option_remove(code: str, rt: RuntimeDep, bearer: BearerDep) -> Response:
    """Deactivate an option now (no refund; its remaining allowances end)."""
    with api_line(rt, bearer) as (session, me):
        remove_option(session, msisdn=me.msisdn, option_code=code[:40], clock=rt.clock, origin=API)
        return _snapshot_response(session, rt, me)


@router.get("/messages", response_model=list[MessageOut], responses=errors(401))
def messages(rt: RuntimeDep, bearer: BearerDep) -> list[MessageOut]:
    """What the operator sent this line (alerts, renewals, top-up receipts), newest first."""
    with api_line(rt, bearer, read=True) as (session, me):
        rows = notifications.inbox(session, msisdn=me.msisdn)
    return [
        MessageOut(
            id=m.id, topic=m.topic, body=m.body, created_at=m.created_at, read=m.read_at is not None
        )
        for m in rows
    ]


@router.post(
    "/messages/{message_id}/read",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(401, 404),
)
def message_read(message_id: RowId, rt: RuntimeDep, bearer: BearerDep) -> Response:
    with api_line(rt, bearer) as (session, me):
        changed = notifications.mark_read(
            session, msisdn=me.msisdn, now=rt.clock.now(), message_id=message_id
        )
    if not changed:
        raise NotFound("messaggio non trovato o già letto", "message not found or already read")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/pin", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401, 422))
def pin(body: PinRequest, rt: RuntimeDep, bearer: BearerDep) -> Response:
    """Set or change the 4-digit PIN of the phone line 4242."""
    with api_line(rt, bearer) as (session, me):
        set_pin(session, msisdn=me.msisdn, pin=body.pin)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
