"""The shapes of tickets that cross a boundary (JSON API, CLI --json)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel

from saldo.care.models import Ticket


@dataclass(frozen=True, slots=True)
class TicketRequest:
    """What a customer (or an operator on their behalf) asks, before it is checked."""

    kind: str
    subject: str
    body: str
    channel: str
    actor: str = "customer"
    msisdn: str | None = None
    invoice: str | None = None
    topup_id: int | None = None
    amount_cents: int | None = None
    refund_to: str | None = None
    iban: str | None = None
    iban_holder: str | None = None
    callback: bool = False
    acknowledge: bool = True
    """Send the SMS with the code (not when the channel's own reply carries it: SMS)."""


class TicketCreated(BaseModel):
    """The answer to opening a ticket: ``{"id", "code", "kind", "status", "deadline"}``."""

    id: int
    code: str
    kind: str
    status: str
    deadline: datetime | None


class TicketView(TicketCreated):
    subject: str
    msisdn: str | None
    invoice: str | None
    channel: str
    callback: bool
    resolution: str | None
    indemnity_cents: int
    indemnity_days: int
    amount_cents: int | None
    refund_to: str | None
    refund_status: str | None
    iban: str | None
    created_at: datetime
    updated_at: datetime
    answered_at: datetime | None
    closed_at: datetime | None


class MessageView(BaseModel):
    id: int
    author: str
    body: str
    created_at: datetime
    attachments: list[AttachmentView]


class AttachmentView(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int


class ThreadView(BaseModel):
    ticket: TicketView
    messages: list[MessageView]


def created(ticket: Ticket) -> TicketCreated:
    return TicketCreated(
        id=ticket.id,
        code=ticket.code,
        kind=ticket.kind,
        status=ticket.status,
        deadline=ticket.deadline,
    )


def masked_iban(iban: str | None) -> str | None:
    """An IBAN as shown back: country and check digits, then only its last four characters."""
    return None if iban is None else f"{iban[:4]}…{iban[-4:]}"


def view(ticket: Ticket, *, msisdn: str | None) -> TicketView:
    return TicketView(
        **created(ticket).model_dump(),
        subject=ticket.subject,
        msisdn=msisdn,
        invoice=ticket.invoice_number,
        channel=ticket.channel,
        callback=ticket.callback,
        resolution=ticket.resolution,
        indemnity_cents=ticket.indemnity_cents,
        indemnity_days=ticket.indemnity_days,
        amount_cents=ticket.amount_cents,
        refund_to=ticket.refund_to,
        refund_status=ticket.refund_status,
        iban=masked_iban(ticket.iban),
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        answered_at=ticket.answered_at,
        closed_at=ticket.closed_at,
    )


MessageView.model_rebuild()
