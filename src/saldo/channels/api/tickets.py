"""/api/v1/me/tickets: the signed-in customer's tickets (messages, complaints, refunds), their
thread, replies and attachments. Thin: every rule is in ``saldo.care``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, UploadFile, status
from fastapi.responses import Response
from pydantic import Field

from saldo.care import mine
from saldo.care import repository as repo
from saldo.care.attachments import MAX_BYTES, check_file
from saldo.care.checks import MAX_BODY
from saldo.care.rules import ComplaintRules
from saldo.care.schemas import MessageView, ThreadView, TicketCreated, TicketRequest, TicketView
from saldo.channels.api.base import ApiRoute, errors
from saldo.channels.api.schemas import _In
from saldo.channels.http.deps import BearerDep, RuntimeDep, api_line
from saldo.channels.http.render import attachment_response
from saldo.kit.validators import MAX_INT64, RowId

router = APIRouter(prefix="/me/tickets", tags=["tickets"], route_class=ApiRoute)
Code = Annotated[str, Field(max_length=20)]


class TicketIn(_In):
    kind: Literal["message", "complaint", "refund"]
    subject: str = Field(max_length=200)
    body: str = Field(max_length=MAX_BODY)
    msisdn: str | None = Field(default=None, max_length=40)
    invoice: str | None = Field(default=None, max_length=32)
    amount_cents: int | None = Field(default=None, ge=1, le=MAX_INT64)
    refund_to: Literal["credit", "iban"] | None = None
    iban: str | None = Field(default=None, max_length=50)
    iban_holder: str | None = Field(default=None, max_length=70, description="required with iban")


class ReplyIn(_In):
    body: str = Field(max_length=MAX_BODY)


@router.get("", response_model=list[TicketView], responses=errors(401, 422))
def tickets(
    rt: RuntimeDep,
    bearer: BearerDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[int | None, Query(ge=1, le=MAX_INT64)] = None,
) -> list[TicketView]:
    """The customer's tickets, newest first (``before``: ids below this one, to page)."""
    with api_line(rt, bearer, read=True) as (session, me):
        return mine.my_tickets(session, line_id=me.line_id, limit=limit, before_id=before)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=TicketCreated,
    responses=errors(401, 404, 422),
)
def open_ticket(body: TicketIn, rt: RuntimeDep, bearer: BearerDep) -> TicketCreated:
    """Open a ticket; it is acknowledged at once by SMS with its code. A complaint's
    ``deadline`` is the date its answer is due."""
    request = TicketRequest(channel="api", **body.model_dump())
    with api_line(rt, bearer) as (session, me):
        ticket = mine.open_mine(
            session, line_id=me.line_id, request=request, rules=_rules(rt), now=rt.clock.now()
        )
        return TicketCreated.model_validate(ticket, from_attributes=True)


@router.get("/{code}", response_model=ThreadView, responses=errors(401, 404))
def thread(code: Code, rt: RuntimeDep, bearer: BearerDep) -> ThreadView:
    """A ticket and its thread (another customer's ticket is not found)."""
    with api_line(rt, bearer, read=True) as (session, me):
        return mine.my_thread(session, line_id=me.line_id, code=code)


@router.post(
    "/{code}/messages",
    status_code=status.HTTP_201_CREATED,
    response_model=MessageView,
    responses=errors(401, 404, 409, 422),
)
def reply(code: Code, body: ReplyIn, rt: RuntimeDep, bearer: BearerDep) -> MessageView:
    """A reply in the thread: the ticket waits for an operator again."""
    with api_line(rt, bearer) as (session, me):
        return mine.reply_mine(
            session, line_id=me.line_id, code=code, body=body.body, now=rt.clock.now()
        )


@router.post(
    "/{code}/attachments",
    status_code=status.HTTP_201_CREATED,
    response_model=MessageView,
    responses=errors(401, 404, 409, 413, 422),
)
async def attach(
    code: Code,
    rt: RuntimeDep,
    bearer: BearerDep,
    file: Annotated[UploadFile, File(description="PDF, JPEG or PNG, at most 5 MB")],
    body: Annotated[str, Form(max_length=MAX_BODY)] = "Allegato",
) -> MessageView:
    """A file (multipart ``file``) with a short message; checked by its content."""
    data = await file.read(MAX_BYTES + 1)
    checked = check_file(file.filename or "allegato", data)
    with api_line(rt, bearer) as (session, me):
        return mine.reply_mine(
            session,
            line_id=me.line_id,
            code=code,
            body=body,
            now=rt.clock.now(),
            files=[checked],
        )


@router.get(
    "/{code}/attachments/{attachment_id}",
    response_class=Response,
    responses=errors(401, 404),
)
def download(code: Code, attachment_id: RowId, rt: RuntimeDep, bearer: BearerDep) -> Response:
    """An attachment's bytes, as the type its content was checked to be."""
    with api_line(rt, bearer, read=True) as (session, me):
        ticket = mine.my_ticket(session, line_id=me.line_id, code=code)
        found = repo.attachment(session, ticket_id=ticket.id, attachment_id=attachment_id)
        return attachment_response(found.data, found.content_type, found.filename)


def _rules(rt: RuntimeDep) -> ComplaintRules:
    return ComplaintRules.of(rt.settings.care)
