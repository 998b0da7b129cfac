"""The customer's tickets in the app: the list, a new ticket (message, complaint, refund) and
a ticket's thread with replies and attachments. Thin: every rule is in ``saldo.care``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from saldo.care import mine
from saldo.care import repository as repo
from saldo.care.attachments import MAX_BYTES, CheckedFile, check_file
from saldo.care.rules import ComplaintRules
from saldo.care.schemas import TicketRequest
from saldo.channels.http.deps import RuntimeDep, lang_of, page_line
from saldo.channels.http.render import attachment_response, page, redirect
from saldo.channels.selfcare.base import PageRoute, check_form, chrome
from saldo.kit.errors import SaldoError
from saldo.kit.money import parse_eur
from saldo.kit.validators import RowId
from saldo.runtime import Runtime

router = APIRouter(include_in_schema=False, route_class=PageRoute)
KINDS = {"message": "Messaggio", "complaint": "Reclamo", "refund": "Rimborso"}
STATUSES = {
    "open": "Aperta",
    "waiting_customer": "In attesa di una tua risposta",
    "answered": "Risposta data",
    "closed": "Chiusa",
}
Field = Annotated[str, Form(max_length=6000)]
Upload = Annotated[UploadFile | None, File()]


@router.get("/tickets")
def tickets(request: Request, rt: RuntimeDep) -> Response:
    with page_line(rt, request, read=True) as (session, me):
        items = mine.my_tickets(session, line_id=me.line_id)
        layout = chrome(session, me)
    return page(
        request,
        "tickets.html",
        me=me,
        nav="tickets",
        title="Segnalazioni",
        items=items,
        kinds=KINDS,
        statuses=STATUSES,
        **layout,
    )


@router.get("/tickets/new")
def new_ticket(request: Request, rt: RuntimeDep) -> Response:
    return _form(request, rt, {"kind": request.query_params.get("kind", "message")})


@router.post("/tickets/new")
async def create(
    request: Request,
    rt: RuntimeDep,
    kind: Field = "",
    subject: Field = "",
    body: Field = "",
    invoice: Field = "",
    amount: Field = "",
    refund_to: Field = "",
    iban: Field = "",
    iban_holder: Field = "",
    csrf: Field = "",
    file: Upload = None,
) -> Response:
    fields = {
        "kind": kind,
        "subject": subject,
        "body": body,
        "invoice": invoice,
        "amount": amount,
        "refund_to": refund_to,
        "iban": iban,
        "iban_holder": iban_holder,
    }
    try:
        files = await _files(file)
        with page_line(rt, request) as (session, me):
            check_form(request, me, csrf)
            refund = kind == "refund"
            request_ = TicketRequest(
                kind=kind,
                subject=subject,
                body=body,
                channel="web",
                invoice=invoice or None,
                amount_cents=parse_eur(amount, field="importo") if refund else None,
                refund_to=refund_to if refund else None,
                iban=iban if refund and refund_to == "iban" else None,
                iban_holder=iban_holder if refund and refund_to == "iban" else None,
            )
            ticket = mine.open_mine(
                session,
                line_id=me.line_id,
                request=request_,
                rules=_rules(rt),
                now=rt.clock.now(),
                files=files,
            )
            code = ticket.code
    except SaldoError as exc:
        if exc.kind != "invalid" or exc.code == "csrf_rejected":
            raise
        return _form(request, rt, fields, error=exc.message(lang_of(request)))
    return redirect(f"/tickets/{code}", done="ticket")


@router.get("/tickets/{code}")
def thread(request: Request, rt: RuntimeDep, code: str) -> Response:
    return _thread(request, rt, code[:20])


@router.post("/tickets/{code}/reply")
async def reply(
    request: Request,
    rt: RuntimeDep,
    code: str,
    body: Field = "",
    csrf: Field = "",
    file: Upload = None,
) -> Response:
    try:
        files = await _files(file)
        with page_line(rt, request) as (session, me):
            check_form(request, me, csrf)
            mine.reply_mine(
                session,
                line_id=me.line_id,
                code=code[:20],
                body=body or ("Allegato" if files else ""),
                now=rt.clock.now(),
                files=files,
            )
    except SaldoError as exc:
        if exc.kind != "invalid" or exc.code == "csrf_rejected":
            raise
        return _thread(request, rt, code[:20], error=exc.message(lang_of(request)), draft=body)
    return redirect(f"/tickets/{code[:20]}", done="reply")


@router.get("/tickets/{code}/attachments/{attachment_id}")
def download(request: Request, rt: RuntimeDep, code: str, attachment_id: RowId) -> Response:
    with page_line(rt, request, read=True) as (session, me):
        ticket = mine.my_ticket(session, line_id=me.line_id, code=code[:20])
        found = repo.attachment(session, ticket_id=ticket.id, attachment_id=attachment_id)
        return attachment_response(found.data, found.content_type, found.filename)


def _thread(
    request: Request, rt: Runtime, code: str, *, error: str | None = None, draft: str = ""
) -> Response:
    with page_line(rt, request, read=True) as (session, me):
        found = mine.my_thread(session, line_id=me.line_id, code=code)
        layout = chrome(session, me)
    return page(
        request,
        "ticket.html",
        me=me,
        nav="tickets",
        title=found.ticket.code,
        t=found.ticket,
        messages=found.messages,
        kinds=KINDS,
        statuses=STATUSES,
        error=error,
        draft=draft,
        status=422 if error else 200,
        **layout,
    )


def _form(
    request: Request, rt: Runtime, fields: dict[str, Any], error: str | None = None
) -> Response:
    with page_line(rt, request, read=True) as (session, me):
        layout = chrome(session, me)
    return page(
        request,
        "ticket_new.html",
        me=me,
        nav="tickets",
        title="Nuova segnalazione",
        f=fields,
        kinds=KINDS,
        error=error,
        status=422 if error else 200,
        **layout,
    )


async def _files(upload: UploadFile | None) -> list[CheckedFile]:
    """The attached file, if one was chosen (a form without one sends an empty part)."""
    if upload is None or not upload.filename:
        return []
    return [check_file(upload.filename, await upload.read(MAX_BYTES + 1))]


def _rules(rt: Runtime) -> ComplaintRules:
    return ComplaintRules.of(rt.settings.care)
