"""The company's lines, their options one by one and in bulk."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, status
from fastapi.responses import JSONResponse

from saldo.accounts import bulk
from saldo.accounts import lines as company_lines
from saldo.accounts.lines import LineItem
from saldo.channels.api.base import ApiRoute, errors
from saldo.channels.business.deps import api_scope, client_of, lang_of, signed_in
from saldo.channels.business.schemas import BulkIn, LineOut, OptionIn
from saldo.channels.http.deps import BearerDep, RuntimeDep

router = APIRouter(tags=["business"], route_class=ApiRoute)


def line_json(item: LineItem) -> dict[str, Any]:
    """The item as ``LineOut`` documents it, built once (no second validation of 50 snapshots)."""
    return {
        "msisdn": item.msisdn,
        "label": item.label,
        "user_email": item.user_email,
        "balance": item.balance.model_dump(mode="json"),
        "spent_cents_this_month": item.spent_cents_this_month,
    }


def line_out(item: LineItem) -> LineOut:
    return LineOut.model_validate(line_json(item))


@router.get("/lines", response_model=list[LineOut], responses=errors(401, 422))
def list_lines(
    rt: RuntimeDep,
    bearer: BearerDep,
    q: Annotated[str | None, Query(max_length=100, description="number or label")] = None,
    status_: Annotated[str | None, Query(alias="status", max_length=16)] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> JSONResponse:
    """The lines the user may see (an employee: their own), with each one's balance (exactly
    ``saldo balance MSISDN --json``) and spending this month; the count in ``X-Total-Count``."""
    with signed_in(rt, bearer, "api", read=True) as (session, scope):
        total, items = company_lines.list_lines(
            session,
            scope=scope,
            now=rt.clock.now(),
            q=q,
            status=status_,
            offset=offset,
            limit=limit,
        )
    return JSONResponse([line_json(i) for i in items], headers={"X-Total-Count": str(total)})


@router.get("/lines/{msisdn}", response_model=LineOut, responses=errors(401, 404))
def get_line(msisdn: str, rt: RuntimeDep, bearer: BearerDep) -> LineOut:
    """One line; a line of another company, or not the employee's own, is 404."""
    with signed_in(rt, bearer, "api", read=True) as (session, scope):
        return line_out(
            company_lines.get_line(session, scope=scope, msisdn=msisdn, now=rt.clock.now())
        )


def _option(
    rt: RuntimeDep, bearer: str, request: Request, msisdn: str, code: str, action: str
) -> LineOut:
    with signed_in(rt, bearer, "api") as (session, scope):
        company_lines.change_option(
            session,
            scope=scope,
            msisdn=msisdn,
            code=code,
            action="add" if action == "add" else "remove",
            clock=rt.clock,
            client=client_of(request, rt),
        )
    with signed_in(rt, bearer, "api", read=True) as (session, scope):
        return line_out(
            company_lines.get_line(session, scope=scope, msisdn=msisdn, now=rt.clock.now())
        )


@router.post(
    "/lines/{msisdn}/options",
    status_code=status.HTTP_201_CREATED,
    response_model=LineOut,
    responses=errors(401, 402, 403, 404, 409, 422),
)
def add_option(
    msisdn: str, body: OptionIn, request: Request, rt: RuntimeDep, bearer: BearerDep
) -> LineOut:
    """Activate an option on a line: the same checks, prices and errors as ``saldo option
    add``; answers the line after."""
    return _option(rt, bearer, request, msisdn, body.code, "add")


@router.delete(
    "/lines/{msisdn}/options/{code}",
    response_model=LineOut,
    responses=errors(401, 403, 404, 409),
)
def remove_option(
    msisdn: str, code: str, request: Request, rt: RuntimeDep, bearer: BearerDep
) -> LineOut:
    """Deactivate an option now (as ``saldo option remove``); answers the line after."""
    return _option(rt, bearer, request, msisdn, code, "remove")


@router.post("/options/bulk", responses=errors(401, 403, 409, 422))
def options_bulk(
    body: BulkIn,
    request: Request,
    rt: RuntimeDep,
    bearer: BearerDep,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> JSONResponse:
    """One option added to or removed from many lines, each line on its own: ``{"results":
    [{"msisdn", "ok", "error"?}]}`` in the order asked. With an ``Idempotency-Key`` a repeat
    gets the first answer and changes nothing."""
    scope = api_scope(rt, bearer)
    answer = bulk.run_bulk(
        rt.transaction,
        scope=scope,
        order=bulk.BulkOrder(body.code, body.action, body.lines),
        key=idempotency_key,
        clock=rt.clock,
        client=client_of(request, rt),
        lang=lang_of(request),
    )
    return JSONResponse(answer)
