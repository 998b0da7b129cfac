"""HTTP webhooks: Twilio-compatible TwiML for the voice lines, and the USSD gateway endpoint."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import parse_qsl

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from saldo.channels.http.gateway import check_gateway
from saldo.channels.menus.screens import fit
from saldo.channels.menus.service import (
    VoiceReply,
    begin_call,
    continue_call,
    error_reply,
    ussd_request,
)
from saldo.channels.menus.twilio import signature_valid, twiml
from saldo.kit.errors import SaldoError
from saldo.kit.validators import is_digits
from saldo.runtime import Runtime, retrying

log = structlog.get_logger("saldo.menus")


router = APIRouter(prefix="/channels", tags=["voice and USSD"])
T = TypeVar("T")

STEPS_AT_ONCE = 4
_USSD_TEXT = re.compile(r"^[0-9*#]{0,160}$")
_XML = "application/xml"


def _runtime(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


class _Gone(Exception):
    """The client hung up before its request body arrived: nobody to answer."""


async def _form(request: Request) -> dict[str, str] | None:
    """The urlencoded body (the gateways' format); None when it is not one. Its size was
    bounded before the route (``channels.http.limits``): read, it is then checked, then used."""
    try:
        body = await request.body()
    except ClientDisconnect:
        raise _Gone() from None
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False))
    except (UnicodeDecodeError, ValueError):
        return None


def _requested_url(request: Request, public_url: str) -> str:
    """The URL Twilio signed: as requested, or under the configured public base URL."""
    if not public_url:
        return str(request.url)
    query = f"?{request.url.query}" if request.url.query else ""
    return public_url.rstrip("/") + request.url.path + query


def _action_url(request: Request, public_url: str, step: int) -> str:
    path = request.url_for("twilio_gather").path
    base = public_url.rstrip("/") if public_url else str(request.base_url).rstrip("/")
    return f"{base}{path}?step={step}"


def _plain(status: int, it: str, en: str) -> Response:
    return PlainTextResponse(f"{it}\n{en}\n", status_code=status)


def _gate(request: Request) -> asyncio.Semaphore:
    """How many steps run at once in this app: SQLite has one writer, and Python threads
    beyond a few only fight over the GIL. Waiting here is cheaper than SQLite's busy back-off
    (it sleeps up to 100 ms between tries) and than a crowd of threads taking turns."""
    state = request.app.state
    gate: asyncio.Semaphore | None = getattr(state, "menus_gate", None)
    if gate is None:
        sqlite = _runtime(request).engine.dialect.name == "sqlite"
        gate = state.menus_gate = asyncio.Semaphore(1 if sqlite else STEPS_AT_ONCE)
    return gate


async def _run(request: Request, work: Callable[[Session], T]) -> T:
    async with _gate(request):
        return await run_in_threadpool(retrying, _runtime(request), work)


async def _twilio(request: Request, step: int | None) -> Response:
    rt = _runtime(request)
    public_url = rt.settings.twilio.public_url
    params = await _form(request)
    token = rt.settings.twilio.auth_token.get_secret_value()
    signature = request.headers.get("x-twilio-signature")
    if params is None or not signature_valid(
        token, _requested_url(request, public_url), params, signature
    ):
        log.warning("twilio_signature_refused", path=request.url.path, configured=bool(token))
        return _plain(403, "firma Twilio non valida", "invalid Twilio signature")
    call_sid = params.get("CallSid", "")
    now = rt.clock.now()

    def first(session: Session) -> VoiceReply:
        return begin_call(
            session,
            settings=rt.settings,
            now=now,
            channel="twilio",
            call_id=call_sid,
            dialled=request.query_params.get("line") or params.get("To", ""),
            cli=params.get("From", ""),
            fallback="ivr",
        )

    def answer(session: Session) -> VoiceReply:
        assert step is not None
        return continue_call(
            session,
            settings=rt.settings,
            now=now,
            channel="twilio",
            call_id=call_sid,
            step=step,
            digits=params.get("Digits"),
        )

    try:
        reply = await _run(request, first if step is None else answer)
    except SaldoError as exc:
        if exc.kind == "invalid":
            return _plain(400, exc.message_it, exc.message_en)
        log.warning("voice_step_failed", call=call_sid, code=exc.code)
        reply = error_reply()
    except SQLAlchemyError as exc:  # the database is unreachable: the caller still hears why
        log.error("voice_step_database_error", call=call_sid, error=str(exc).splitlines()[0])
        reply = error_reply()
    body = twiml(reply, action_url=_action_url(request, public_url, reply.step))
    return Response(body, media_type=_XML)


@router.post("/ivr/twilio/voice", name="twilio_voice")
async def twilio_voice(request: Request) -> Response:
    """A call starts (4242, or 1928 when ``To`` is that number or ``?line=1928``)."""
    try:
        return await _twilio(request, None)
    except _Gone:
        return Response(status_code=400)


@router.post("/ivr/twilio/gather", name="twilio_gather")
async def twilio_gather(request: Request) -> Response:
    """The caller's keys (``Digits``) in answer to the turn ``?step=N``; none on timeout."""
    raw = request.query_params.get("step", "")
    if not is_digits(raw) or len(raw) > 6:
        return _plain(400, "parametro step mancante o non valido", "missing or invalid step")
    try:
        return await _twilio(request, int(raw))
    except _Gone:
        return Response(status_code=400)


@router.post("/ussd", name="ussd")
async def ussd(request: Request) -> Response:
    """The USSD gateway: ``sessionId``, ``serviceCode``, ``phoneNumber``, ``text`` (the inputs
    so far joined by ``*``); the answer starts ``CON`` (more to come) or ``END``."""
    rt = _runtime(request)
    if check_gateway(request, rt.settings.gateway) != "ok":
        return PlainTextResponse(
            "END credenziali non valide / invalid credentials",
            status_code=401,
            headers={"WWW-Authenticate": 'Basic realm="saldo-ussd"'},
        )
    try:
        params = await _form(request)
    except _Gone:
        return Response(status_code=400)
    missing = [k for k in ("sessionId", "serviceCode", "phoneNumber") if not (params or {}).get(k)]
    if params is None or missing:
        return PlainTextResponse(
            f"END Richiesta non valida: mancano {', '.join(missing) or 'i parametri'}.",
            status_code=400,
        )
    text = params.get("text", "")
    if not _USSD_TEXT.match(text):
        return PlainTextResponse("END Scelta non valida. Usa solo i tasti numerici.")
    now = rt.clock.now()

    def work(session: Session) -> str:
        return ussd_request(
            session,
            settings=rt.settings,
            now=now,
            session_id=params["sessionId"],
            service_code=params["serviceCode"],
            phone_number=params["phoneNumber"],
            inputs=text.split("*") if text else [],
        ).render()

    try:
        return PlainTextResponse(await _run(request, work))
    except SaldoError as exc:
        log.info("ussd_refused", code=exc.code, session=params["sessionId"][:64])
        return PlainTextResponse(f"END {fit(exc.message_it)}")
    except SQLAlchemyError as exc:
        log.error("ussd_database_error", error=str(exc).splitlines()[0])
        return PlainTextResponse("END Servizio momentaneamente non disponibile. Riprova più tardi.")
