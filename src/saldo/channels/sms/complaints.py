"""``RECLAMO <testo>``: a complaint opened by SMS; the reply carries its code."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from saldo.care.rules import ComplaintRules
from saldo.care.schemas import TicketRequest
from saldo.care.service import open_for_line
from saldo.catalog.schemas import CatalogDocument
from saldo.channels.sms import texts
from saldo.channels.sms.keywords import argument
from saldo.config import get_settings
from saldo.kit.clock import to_rome
from saldo.kit.errors import InvalidInput, NotFound

SUBJECT_LENGTH = 60


def open_complaint(
    session: Session, *, msisdn: str, text: str, now: datetime, catalog: CatalogDocument
) -> str:
    """Open the complaint of ``msisdn`` and answer with its code (or say how to write one)."""
    reason = argument(text)
    if not reason:
        return texts.complaint_hint(catalog.channels.sms)
    subject = reason if len(reason) <= SUBJECT_LENGTH else reason[: SUBJECT_LENGTH - 1] + "…"
    request = TicketRequest(
        kind="complaint",
        subject=" ".join(subject.split()),
        body=reason,
        channel="sms",
        acknowledge=False,
    )
    try:
        ticket = open_for_line(
            session,
            msisdn=msisdn,
            request=request,
            rules=ComplaintRules.of(get_settings().care),
            now=now,
        )
    except NotFound:
        return texts.not_customer(catalog.operator.name)
    except InvalidInput:
        return texts.complaint_hint(catalog.channels.sms)
    assert ticket.deadline is not None
    return texts.complaint_opened(ticket.code, f"{to_rome(ticket.deadline):%d/%m/%Y}")
