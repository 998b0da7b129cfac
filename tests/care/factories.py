"""Test data for tickets: keyword-only helpers over the real services."""

from __future__ import annotations

from datetime import datetime

from saldo.care import service as care
from saldo.care.models import Ticket
from saldo.care.rules import ComplaintRules
from saldo.care.schemas import TicketRequest
from saldo.kit.origin import CLI
from saldo.runtime import Runtime

RULES = ComplaintRules()
IBAN_OK = "IT60X0542811101000000123456"


def open_ticket(
    rt: Runtime,
    msisdn: str,
    *,
    kind: str = "complaint",
    subject: str = "Addebito non riconosciuto",
    body: str = "Mi è stato addebitato un servizio che non ho chiesto.",
    **fields: object,
) -> Ticket:
    request = TicketRequest(kind=kind, subject=subject, body=body, channel="cli", **fields)  # type: ignore[arg-type]
    with rt.transaction() as session:
        return care.open_for_line(
            session, msisdn=msisdn, request=request, rules=RULES, now=rt.clock.now()
        )


def answer(
    rt: Runtime, code: str, *, at: datetime | None = None, resolution: str | None = None
) -> Ticket:
    if at is not None:
        rt.clock.set(at)  # type: ignore[attr-defined]
    with rt.transaction() as session:
        return care.answer_ticket(
            session,
            code=code,
            body="Abbiamo verificato e corretto.",
            actor="operator",
            origin=CLI,
            rules=RULES,
            now=rt.clock.now(),
            resolution=resolution,
        )
