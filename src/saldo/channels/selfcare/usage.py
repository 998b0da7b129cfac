"""Usage: the history with filters, a chart of daily data use, CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from saldo.channels.http.deps import RuntimeDep, page_line
from saldo.channels.http.i18n import usage_quantity
from saldo.channels.http.render import page
from saldo.channels.selfcare.base import PageRoute, chrome
from saldo.channels.selfcare.charts import daily_chart
from saldo.charging import repository as usage_records
from saldo.charging.rating import SERVICES
from saldo.kit.clock import iso
from saldo.kit.errors import InvalidInput
from saldo.kit.money import format_eur_plain
from saldo.kit.validators import parse_cursor, parse_int

router = APIRouter(include_in_schema=False, route_class=PageRoute)
PERIODS = (7, 30, 90)
PAGE = 50
CSV_LIMIT = 10_000


def _filters(service: str, period: str) -> tuple[str | None, int]:
    if service and service not in SERVICES:
        raise InvalidInput(
            "servizio non valido: scegli voce, SMS, MMS o dati",
            "invalid service: choose voice, SMS, MMS or data",
        )
    days = parse_int(period, field="period", maximum=max(PERIODS), default=30)
    if days not in PERIODS:
        raise InvalidInput(
            "periodo non valido: 7, 30 o 90 giorni", "invalid period: 7, 30 or 90 days"
        )
    return service or None, days


def _window(now: datetime, days: int) -> tuple[datetime, datetime]:
    return now - timedelta(days=days), now + timedelta(seconds=1)


@router.get("/usage")
def usage_page(
    request: Request, rt: RuntimeDep, service: str = "", period: str = "30", before: str = ""
) -> Response:
    chosen, days = _filters(service, period)
    since, until = _window(rt.clock.now(), days)
    cursor = parse_cursor(before, field="before") if before else None
    with page_line(rt, request, read=True) as (session, me):
        rows = usage_records.usage(
            session,
            line_id=me.line_id,
            service=chosen,
            since=since,
            until=until,
            after=cursor,
            limit=PAGE + 1,
        )
        daily = usage_records.daily_data(session, line_id=me.line_id, since=since, until=until)
        layout = chrome(session, me)
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    chart = daily_chart(daily)
    return page(
        request,
        "usage.html",
        me=me,
        nav="usage",
        title="Consumi",
        rows=rows,
        more=more,
        next_before=usage_records.cursor_of(rows[-1]) if more else None,
        service=chosen or "",
        period=days,
        periods=PERIODS,
        chart=chart,
        total_data=sum(used for _, used in daily),
        usage_quantity=usage_quantity,
        **layout,
    )


@router.get("/usage.csv")
def usage_csv(request: Request, rt: RuntimeDep, service: str = "", period: str = "30") -> Response:
    chosen, days = _filters(service, period)
    since, until = _window(rt.clock.now(), days)
    with page_line(rt, request, read=True) as (session, me):
        rows = usage_records.usage(
            session,
            line_id=me.line_id,
            service=chosen,
            since=since,
            until=until,
            limit=CSV_LIMIT,
        )

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(
            [
                "started_at",
                "service",
                "zone",
                "quantity",
                "unit",
                "covered",
                "charge_eur",
                "destination",
            ]
        )
        for r in rows:
            writer.writerow(
                [
                    iso(r.started_at),
                    r.service,
                    r.zone,
                    r.quantity,
                    {"data": "bytes", "voice": "seconds"}.get(r.service, "messages"),
                    r.covered,
                    format_eur_plain(r.charge_cents),
                    _cell(r.destination or ""),
                ]
            )
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        if not rows:
            yield buffer.getvalue()

    name = f"consumi-{me.msisdn.lstrip('+')}-{days}g.csv"
    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


def _cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
