"""CSV exports: spending per line and month, itemised traffic (streamed)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from itertools import chain
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.orm import Session

from saldo.accounts import exports
from saldo.accounts.spending import spending
from saldo.accounts.traffic import traffic
from saldo.channels.api.base import ApiRoute, errors
from saldo.channels.business.deps import client_of, signed_in
from saldo.channels.http.deps import BearerDep, RuntimeDep
from saldo.kit.clock import ROME, as_utc, to_rome
from saldo.kit.money import format_eur_plain
from saldo.runtime import Runtime

router = APIRouter(tags=["business"], route_class=ApiRoute)
CSV = "text/csv; charset=utf-8"


def _csv(rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """CSV text in chunks of about 64 KB."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
        if buffer.tell() > 65536:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def spending_csv_text(rt: Runtime, session: Session, scope: exports.Scope) -> str:
    data = spending(session, scope=scope, now=rt.clock.now())
    header = [
        "month",
        "msisdn",
        "fees_eur",
        "options_eur",
        "out_of_bundle_eur",
        "topups_eur",
        "spent_eur",
    ]
    rows: list[list[str]] = [header]
    for msisdn, months in data.lines.items():
        for start, m in zip(data.months, months, strict=True):
            rows.append(
                [start.strftime("%Y-%m"), msisdn]
                + [
                    format_eur_plain(c)
                    for c in (m.fees, m.options, m.out_of_bundle, m.topups, m.spent)
                ]
            )
    return "".join(_csv(rows))


@router.get("/spending.csv", responses=errors(401, 403), response_class=Response)
def spending_csv(request: Request, rt: RuntimeDep, bearer: BearerDep) -> Response:
    """Spending per line and month (the current month and the 12 before): plan fees, option
    fees, out-of-bundle traffic, top-ups and what was spent (fees + options + traffic), in
    euro. Postpaid amounts are net of VAT."""
    with signed_in(rt, bearer, "api") as (session, scope):
        text = spending_csv_text(rt, session, scope)
        exports.record_export(
            session, scope=scope, kind="spending", now=rt.clock.now(), client=client_of(request, rt)
        )
    return Response(text, media_type=CSV, headers=_attachment("spesa.csv"))


def _day(text: str | None, default: date, field: str) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise exports.InvalidFields([(field, "data AAAA-MM-GG", "date YYYY-MM-DD")]) from None


def _start(day: date) -> datetime:
    return as_utc(datetime(day.year, day.month, day.day, tzinfo=ROME))


@router.get("/traffic.csv", responses=errors(401, 403, 422), response_class=StreamingResponse)
def traffic_csv(
    request: Request,
    rt: RuntimeDep,
    bearer: BearerDep,
    from_: Annotated[
        str | None, Query(alias="from", max_length=10, description="first day, YYYY-MM-DD")
    ] = None,
    to: Annotated[
        str | None, Query(max_length=10, description="last day (included), YYYY-MM-DD")
    ] = None,
) -> StreamingResponse:
    """Itemised traffic of the company's lines, days ``from`` to ``to`` (Italy, both included,
    at most 90 days; default the last 90), the called numbers masked (last three digits
    ``***``). Streamed: rows are read in chunks."""
    today = to_rome(rt.clock.now()).date()
    last = _day(to, today, "to")
    first = _day(from_, last - timedelta(days=89), "from")
    start, end = _start(first), _start(last + timedelta(days=1))
    with signed_in(rt, bearer, "api") as (session, scope):
        exports.check_traffic(scope=scope, start=start, end=end)
        exports.record_export(
            session, scope=scope, kind="traffic", now=rt.clock.now(), client=client_of(request, rt),
            details={"from": first.isoformat(), "to": last.isoformat()},
        )  # fmt: skip

    def rows() -> Iterator[str]:
        header = [
            "msisdn",
            "started_at",
            "service",
            "zone",
            "destination",
            "quantity",
            "covered",
            "charge_eur",
        ]
        with rt.read() as session:
            records = traffic(session, scope=scope, start=start, end=end)
            yield from _csv(
                chain(
                    [header],
                    (
                        [
                            r.msisdn,
                            to_rome(r.started_at).isoformat(),
                            r.service,
                            r.zone,
                            r.destination,
                            r.quantity,
                            r.covered,
                            format_eur_plain(r.charge_cents),
                        ]
                        for r in records
                    ),
                )
            )

    return StreamingResponse(rows(), media_type=CSV, headers=_attachment("traffico.csv"))
