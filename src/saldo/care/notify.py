"""What tickets tell customers: through the outbox, after commit (SMS, and the app's inbox)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from saldo.care.models import Ticket
from saldo.catalog.service import get_catalog
from saldo.kit.clock import to_rome
from saldo.kit.money import format_eur
from saldo.notifications.service import enqueue

WHAT = {"message": "messaggio", "complaint": "reclamo", "refund": "richiesta di rimborso"}


def _sender(session: Session) -> str:
    _, document = get_catalog(session)
    return document.channels.sms


def acknowledge(session: Session, *, ticket: Ticket, msisdn: str, now: datetime) -> None:
    """The SMS sent at once when a ticket is opened, with its code (once per ticket)."""
    what = WHAT[ticket.kind]
    body = f"Abbiamo ricevuto il tuo {what}: codice {ticket.code}."
    if ticket.kind == "refund":
        body = f"Abbiamo ricevuto la tua {what}: codice {ticket.code}."
    if ticket.deadline is not None:
        body += f" Ti risponderemo entro il {to_rome(ticket.deadline):%d/%m/%Y}."
    if ticket.callback:
        body += " Un operatore ti richiamerà."
    enqueue(
        session,
        recipient=msisdn,
        sender=_sender(session),
        body=body,
        topic="ticket",
        now=now,
        dedup_key=f"ticket-ack:{ticket.code}",
    )


def answer_text(ticket: Ticket) -> str:
    """The notice of an answer, with the indemnity paid and why."""
    text = f"La tua segnalazione {ticket.code} ha una risposta: leggila nell'app."
    if ticket.indemnity_cents:
        text += (
            f" Risposta in ritardo di {ticket.indemnity_days} giorni:"
            f" ti abbiamo riconosciuto un indennizzo di {format_eur(ticket.indemnity_cents)}."
        )
    return text


def deliver(
    session: Session,
    *,
    msisdns: Iterable[str],
    subject: str,
    body: str,
    topic: str,
    key: str,
    now: datetime,
) -> int:
    """A message in each line's in-app inbox, and an SMS saying it is there (once per key)."""
    sender = _sender(session)
    sent = 0
    for msisdn in msisdns:
        enqueue(
            session,
            recipient=msisdn,
            sender=sender,
            body=f"{subject}\n\n{body}",
            topic=topic,
            now=now,
            channel="inapp",
            dedup_key=f"{key}:inapp:{msisdn}",
        )
        enqueue(
            session,
            recipient=msisdn,
            sender=sender,
            body=f"Hai un nuovo messaggio nell'app: {subject}"[:160],
            topic="notice",
            now=now,
            dedup_key=f"{key}:sms:{msisdn}",
        )
        sent += 1
    return sent
