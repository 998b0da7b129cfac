"""Demo only (``saldo serve --demo``, never otherwise): a phone simulator.

Send an SMS to 4155 and read the reply, dial 4242 or *133# on a keypad and see (and hear,
with the browser's speech synthesis) the prompts, read the login code SMS. The page plays
the network: it hands the SMS to the keyword engine (``channels.sms.engine``) and the call or
USSD session to the dialog engine (``channels.menus.service``), as the real adapters do.
The state of a call travels in the page's address, so a refresh replays the last turn.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from saldo.channels.http.deps import RuntimeDep, lang_of
from saldo.channels.http.render import page, redirect
from saldo.channels.http.security import (
    FORM_COOKIE,
    anonymous_form_token,
    check_anonymous_form,
    set_cookie,
)
from saldo.channels.menus.service import begin_call, continue_call, menu_for, ussd_request
from saldo.channels.selfcare import queries
from saldo.channels.selfcare.base import PageRoute
from saldo.channels.sms.engine import Inbound, handle_inbound
from saldo.kit.errors import SaldoError
from saldo.lines.models import Line
from saldo.notifications.models import OutboxMessage
from saldo.runtime import Runtime, retrying

router = APIRouter(prefix="/demo", include_in_schema=False, route_class=PageRoute)
KEYS = "123456789*0#"


def _is_ussd(rt: Runtime, dialled: str) -> bool:
    with rt.read() as session:
        return menu_for(queries.catalog(session), dialled) == "ussd"


def _screen(
    rt: Runtime, *, ussd: bool, phone: str, call: str, dialled: str, inputs: list[str]
) -> dict[str, object]:
    """The current turn of the call (or USSD session) in the address: replayed, not re-run."""
    if ussd:
        reply = retrying(
            rt,
            lambda s: ussd_request(
                s,
                settings=rt.settings,
                now=rt.clock.now(),
                session_id=call,
                service_code=dialled,
                phone_number=phone,
                inputs=inputs,
            ),
        )
        return {"kind": "ussd", "text": reply.text, "ended": reply.end}
    voice = retrying(
        rt,
        lambda s: continue_call(
            s,
            settings=rt.settings,
            now=rt.clock.now(),
            channel="cli",
            call_id=call,
            step=-1,  # any other step than the current one answers the current reply again
            digits=None,
        ),
    )
    return {
        "kind": "voice",
        "segments": voice.segments,
        "expect": voice.expect,
        "ended": voice.end is not None,
        "step": voice.step,
    }


@router.get("/phone")
def phone_page(
    request: Request,
    rt: RuntimeDep,
    phone: str = "",
    call: str = "",
    dialled: str = "",
    inputs: str = "",
    error: str = "",
) -> Response:
    with rt.read() as session:
        brand = queries.catalog(session).operator.name
        lines = list(session.scalars(select(Line.msisdn).order_by(Line.id).limit(20)))
        phone = phone if phone in lines else (lines[0] if lines else "")
        received = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == phone)
            .order_by(OutboxMessage.id.desc())
            .limit(8)
        ).all()
    screen = None
    if call and dialled:
        try:
            screen = _screen(
                rt,
                ussd=_is_ussd(rt, dialled),
                phone=phone,
                call=call,
                dialled=dialled,
                inputs=_inputs(inputs),
            )
        except SaldoError as exc:
            error = exc.message(lang_of(request))
    codes = [m for m in received if m.topic == "otp"]
    token, fresh = anonymous_form_token(request, rt.settings)
    response = page(
        request,
        "demo_phone.html",
        me=None,
        brand=brand,
        title="Simulatore telefono",
        phone=phone,
        lines=lines,
        received=received,
        login_code=codes[0] if codes else None,
        screen=screen,
        call=call,
        dialled=dialled,
        inputs=inputs,
        keys=KEYS,
        form_token=token,
        error=error[:300] or None,
    )
    if fresh:
        set_cookie(response, request, rt.settings, name=FORM_COOKIE, value=fresh)
    return response


def _inputs(text: str) -> list[str]:
    return [part for part in text.split(",") if part][:30]


def _step(
    request: Request,
    rt: Runtime,
    *,
    phone: str,
    call: str,
    dialled: str,
    inputs: str | None,
    key: str | None,
    voice: Callable[[Session], object],
) -> Response:
    """One step of a call (``voice`` in a unit of work) or of a USSD session (its screen
    after ``inputs`` and ``key``), then back to the phone; an error is shown on it.
    ``inputs`` None: the session starts (dialling)."""
    try:
        if _is_ussd(rt, dialled):
            if key:
                inputs = ",".join([*_inputs(inputs or ""), key])
            entered = _inputs(inputs or "")
            _screen(rt, ussd=True, phone=phone, call=call, dialled=dialled, inputs=entered)
        else:
            retrying(rt, voice)
    except SaldoError as exc:
        return _back(phone, error=exc.message(lang_of(request)))
    if inputs is None:
        return _back(phone, call=call, dialled=dialled)
    return _back(phone, call=call, dialled=dialled, inputs=inputs)


def _back(phone: str, **params: str) -> Response:
    return redirect("/demo/phone", phone=phone, **params)


@router.post("/phone/sms")
def send_sms(
    request: Request,
    rt: RuntimeDep,
    phone: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """An SMS from the phone to the short code: the keyword engine answers into the outbox."""
    check_anonymous_form(request, rt.settings, csrf)
    with rt.read() as session:
        short_code = queries.catalog(session).channels.sms
    message = Inbound(
        sender=phone, recipient=short_code, text=text[:160], ref=f"demo:{uuid.uuid4().hex}"
    )
    try:
        retrying(
            rt,
            lambda s: handle_inbound(
                s, message=message, now=rt.clock.now(), settings=rt.settings.sms
            ),
        )
    except SaldoError as exc:
        return _back(phone, error=exc.message(lang_of(request)))
    return _back(phone)


@router.post("/phone/dial")
def dial(
    request: Request,
    rt: RuntimeDep,
    phone: Annotated[str, Form()] = "",
    number: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Dial 4242 / 1928 (a call) or *133# (a USSD session) from the phone."""
    check_anonymous_form(request, rt.settings, csrf)
    call = f"demo-{uuid.uuid4().hex}"
    dialled = number.strip()[:16]
    return _step(
        request,
        rt,
        phone=phone,
        call=call,
        dialled=dialled,
        inputs=None,
        key=None,
        voice=lambda s: begin_call(
            s,
            settings=rt.settings,
            now=rt.clock.now(),
            channel="cli",
            call_id=call,
            dialled=dialled,
            cli=phone,
        ),
    )


@router.post("/phone/key")
def press(
    request: Request,
    rt: RuntimeDep,
    phone: Annotated[str, Form()] = "",
    call: Annotated[str, Form()] = "",
    dialled: Annotated[str, Form()] = "",
    inputs: Annotated[str, Form()] = "",
    step: Annotated[int, Form()] = 0,
    key: Annotated[str, Form()] = "",
    digits: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """A key (or digits then send) during the call or the USSD session."""
    check_anonymous_form(request, rt.settings, csrf)
    given = (key or digits).strip()[:32]
    if not given or any(c not in KEYS for c in given):
        return _back(phone, call=call, dialled=dialled, inputs=inputs)
    return _step(
        request,
        rt,
        phone=phone,
        call=call,
        dialled=dialled,
        inputs=inputs,
        key=given,
        voice=lambda s: continue_call(
            s,
            settings=rt.settings,
            now=rt.clock.now(),
            channel="cli",
            call_id=call,
            step=step,
            digits=given,
        ),
    )


@router.get("/mail")
def mail_page(request: Request, rt: RuntimeDep, to: str = "") -> Response:
    """The e-mails in the outbox, newest first, as a mailbox (the demo has no SMTP server)."""
    address = to.strip().lower()[:254]
    with rt.read() as session:
        brand = queries.catalog(session).operator.name
        query = select(OutboxMessage).where(OutboxMessage.channel == "email")
        if address:
            query = query.where(OutboxMessage.recipient == address)
        mails = session.scalars(query.order_by(OutboxMessage.id.desc()).limit(50)).all()
    return page(
        request, "demo_mail.html", me=None, brand=brand, title="Posta demo", mails=mails, to=address
    )
