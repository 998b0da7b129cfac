"""The inbox of what the operator sent (alerts, renewals, receipts), and the service PIN."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from saldo.channels.http.deps import RuntimeDep, lang_of, page_line
from saldo.channels.http.render import page, redirect
from saldo.channels.selfcare import queries
from saldo.channels.selfcare.base import PageRoute, check_form, chrome
from saldo.identity.pin import set_pin
from saldo.kit.errors import InvalidInput, NotFound, SaldoError
from saldo.kit.validators import RowId
from saldo.notifications import repository as notifications

router = APIRouter(include_in_schema=False, route_class=PageRoute)

TOPICS = {
    "threshold": "Soglia",
    "renewal": "Rinnovo",
    "topup": "Ricarica",
    "sms_reply": "Risposta SMS",
    "details": "Dettaglio",
    "ticket": "Segnalazione",
    "care": "Assistenza",
}


@router.get("/messages")
def inbox(request: Request, rt: RuntimeDep) -> Response:
    with page_line(rt, request, read=True) as (session, me):
        items = notifications.inbox(session, msisdn=me.msisdn)
        layout = chrome(session, me)
    return page(
        request,
        "messages.html",
        me=me,
        nav="messages",
        title="Messaggi",
        items=items,
        topics=TOPICS,
        **layout,
    )


@router.post("/messages/read")
def read_all(request: Request, rt: RuntimeDep, csrf: Annotated[str, Form()] = "") -> Response:
    with page_line(rt, request) as (session, me):
        check_form(request, me, csrf)
        notifications.mark_read(session, msisdn=me.msisdn, now=rt.clock.now(), message_id=None)
    return redirect("/messages", done="read")


@router.post("/messages/{message_id}/read")
def read_one(
    request: Request, rt: RuntimeDep, message_id: RowId, csrf: Annotated[str, Form()] = ""
) -> Response:
    with page_line(rt, request) as (session, me):
        check_form(request, me, csrf)
        changed = notifications.mark_read(
            session, msisdn=me.msisdn, now=rt.clock.now(), message_id=message_id
        )
    if not changed:
        raise NotFound("messaggio non trovato o già letto", "message not found or already read")
    return redirect("/messages")


@router.get("/pin")
def pin_page(request: Request, rt: RuntimeDep) -> Response:
    with page_line(rt, request, read=True) as (session, me):
        info = queries.line_info(session, me.line_id)
        layout = chrome(session, me)
    return page(request, "pin.html", me=me, nav="pin", title="PIN", has_pin=info.has_pin, **layout)


@router.post("/pin")
def pin_save(
    request: Request,
    rt: RuntimeDep,
    pin: Annotated[str, Form()] = "",
    pin_again: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    try:
        with page_line(rt, request) as (session, me):
            check_form(request, me, csrf)
            if pin != pin_again:
                raise InvalidInput(
                    "i due PIN non coincidono: riscrivili", "the two PINs differ: type them again"
                )
            set_pin(session, msisdn=me.msisdn, pin=pin[:8])
    except SaldoError as exc:
        if exc.kind != "invalid" or exc.code == "csrf_rejected":
            raise
        with page_line(rt, request, read=True) as (session, me):
            info = queries.line_info(session, me.line_id)
            layout = chrome(session, me)
        return page(
            request,
            "pin.html",
            me=me,
            nav="pin",
            title="PIN",
            has_pin=info.has_pin,
            status=422,
            error=exc.message(lang_of(request)),
            **layout,
        )
    return redirect("/pin", done="pin")
