"""The keyword engine behind HTTP, for operators whose SMS reach Saldo through a gateway
(Kannel, Jasmin, a cloud SMS provider) rather than an SMPP bind.

``POST /channels/sms/inbound`` takes ``from``, ``to``, ``text`` and ``id`` as a form or as JSON,
with HTTP Basic auth (``SALDO_GATEWAY_USER`` / ``SALDO_GATEWAY_PASSWORD``). The reply goes to
the outbox in the same transaction; after commit it is handed to the outbound HTTP transport
(``SALDO_GATEWAY_OUTBOUND_URL``) when one is configured, else ``saldo smpp`` sends it.
``POST /channels/sms/receipt`` takes a gateway's delivery report (``id``, ``status``).
"""

from __future__ import annotations

import json
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Request
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from saldo.channels.http.gateway import check_gateway
from saldo.channels.sms.engine import Inbound, Outcome, handle_inbound
from saldo.channels.sms.gateway import outbound_transport
from saldo.kit.errors import InvalidInput, Unavailable
from saldo.notifications import service as outbox
from saldo.notifications.delivery import deliver
from saldo.runtime import Runtime, retrying

router = APIRouter(prefix="/channels/sms", tags=["SMS gateway"])
basic = HTTPBasic(auto_error=False, realm="saldo-sms")
DELIVERED = {"delivered", "delivrd", "1"}
FAILED = {"failed", "undeliv", "undelivered", "rejectd", "rejected", "expired", "2", "16"}


def _runtime(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


RuntimeDep = Annotated[Runtime, Depends(_runtime)]


def gateway_auth(
    request: Request,
    rt: RuntimeDep,
    _documented: Annotated[HTTPBasicCredentials | None, Depends(basic)],
) -> None:
    """HTTP Basic with the gateway's user and password (``channels.http.gateway``), before
    the body is read; refused while no password is set. ``_documented`` only declares the
    scheme in the OpenAPI document."""
    verdict = check_gateway(request, rt.settings.gateway)
    if verdict == "unconfigured":
        raise Unavailable(
            "gateway SMS non configurato: imposta SALDO_GATEWAY_PASSWORD",
            "SMS gateway not configured: set SALDO_GATEWAY_PASSWORD",
        )
    if verdict != "ok":
        raise HTTPException(
            status_code=401,
            detail="credenziali del gateway errate / wrong gateway credentials",
            headers={"WWW-Authenticate": 'Basic realm="saldo-sms"'},
        )


GatewayAuth = Annotated[None, Depends(gateway_auth)]


class Accepted(BaseModel):
    status: str
    """replied | warned | silenced | ignored | duplicate (inbound); delivered | failed |
    ignored | unknown_message (receipt)."""


async def _fields(request: Request) -> dict[str, str]:
    """The body as fields; its size was bounded before the route (``channels.http.limits``)."""
    body = await request.body()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInput("il corpo non è UTF-8", "the body is not UTF-8") from None
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            data = json.loads(text or "null")
        except ValueError:
            raise InvalidInput("JSON non valido", "invalid JSON") from None
        if not isinstance(data, dict):
            raise InvalidInput("atteso un oggetto JSON", "a JSON object was expected")
        return {str(k): "" if v is None else str(v) for k, v in data.items()}
    return dict(parse_qsl(text, keep_blank_values=True))


def _required(fields: dict[str, str], name: str, *, limit: int, blank: bool = False) -> str:
    value = fields.get(name)
    if value is None or (not blank and not value.strip()):
        raise InvalidInput(f"campo '{name}' mancante", f"missing field '{name}'")
    if len(value) > limit:
        raise InvalidInput(
            f"campo '{name}' troppo lungo (massimo {limit})",
            f"field '{name}' too long (at most {limit})",
        )
    return value


@router.post("/inbound", response_model=Accepted)
async def inbound(
    request: Request, rt: RuntimeDep, background: BackgroundTasks, _: GatewayAuth
) -> Accepted:
    """An SMS a customer sent to the short code, relayed by the operator's gateway."""
    fields = await _fields(request)
    message = Inbound(
        sender=_required(fields, "from", limit=32),
        recipient=fields.get("to", "")[:32],
        text=_required(fields, "text", limit=2000, blank=True),
        ref=f"http:{_required(fields, 'id', limit=100)}" if fields.get("id") else None,
    )

    def work(session: Session) -> Outcome:
        return handle_inbound(
            session, message=message, now=rt.clock.now(), settings=rt.settings.sms
        )

    outcome = await run_in_threadpool(retrying, rt, work)
    transport = outbound_transport(rt.settings.gateway)
    if outcome.reply is not None and transport is not None:
        background.add_task(deliver, rt, transport, channel="sms")
    return Accepted(status=outcome.status)


@router.post("/receipt", response_model=Accepted)
async def receipt(request: Request, rt: RuntimeDep, _: GatewayAuth) -> Accepted:
    """A gateway's delivery report for a message Saldo sent through it."""
    fields = await _fields(request)
    external_id = _required(fields, "id", limit=100)
    state = _required(fields, "status", limit=32).strip().lower()
    if state not in DELIVERED | FAILED:
        return Accepted(status="ignored")  # not final yet (queued, accepted by the SMSC…)

    def work(session: Session) -> bool:
        return outbox.mark_delivery(session, external_id=external_id, delivered=state in DELIVERED)

    found = await run_in_threadpool(retrying, rt, work)
    if not found:
        return Accepted(status="unknown_message")
    return Accepted(status="delivered" if state in DELIVERED else "failed")
