"""The keyword engine: one inbound SMS in, at most one reply out, through the outbox.

Every channel that receives customer SMS (the SMPP bind, the HTTP gateway, ``saldo sms``) calls
:func:`handle_inbound` inside the transaction of that one message. The service is free: nothing
here touches a balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Protocol

from sqlalchemy.orm import Session

from saldo.balances.errors import UnknownLine
from saldo.balances.schemas import Snapshot
from saldo.balances.service import get_snapshot
from saldo.billing.invoices import last_invoice_of_line
from saldo.catalog.schemas import CatalogDocument
from saldo.catalog.service import get_catalog
from saldo.channels.sms import repository, texts
from saldo.channels.sms.complaints import open_complaint
from saldo.channels.sms.keywords import Command, parse
from saldo.config import SmsSettings
from saldo.kit.errors import InvalidInput
from saldo.kit.msisdn import normalize_msisdn
from saldo.kit.validators import is_digits
from saldo.notifications import service as outbox

REPLY_TOPIC = "sms_reply"


class SnapshotReply(Protocol):
    """Renders the answer to a command from the line's balance snapshot."""

    def __call__(self, snapshot: Snapshot, /) -> str: ...


SNAPSHOT_REPLIES: dict[Command, SnapshotReply] = {
    Command.SUMMARY: texts.summary,
    Command.DETAILS: texts.details,
    Command.OFFER: texts.offer,
    Command.OPTIONS: texts.options,
}


@dataclass(frozen=True, slots=True)
class Inbound:
    """A message a customer sent, as the channel received it."""

    sender: str
    """The sender's address; "+" and country code when the network gave an international one."""
    recipient: str
    text: str
    ref: str | None = None
    """Where it came from and its id there ("smpp:…", "http:…"): a redelivery is answered once."""


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str
    """replied | warned | silenced | ignored | duplicate"""
    command: Command
    reply: str | None = None
    recipient: str | None = None
    reply_key: str | None = None
    """The reply's outbox dedup key, by which the process that will send it can claim it."""


@lru_cache(maxsize=65536)
def _mobile(raw: str) -> str | None:
    # the same customers ask again and again: parse each number once per process
    try:
        return normalize_msisdn(raw)
    except InvalidInput:
        return None


def reply_address(sender: str) -> str | None:
    """Where to answer: E.164 for an Italian mobile, the number as given for any other, and
    None for an address no SMS can go back to (alphanumeric, empty)."""
    raw = sender.strip()
    mobile = _mobile(raw)
    if mobile is not None:
        return mobile
    digits = raw.removeprefix("+")
    return raw if is_digits(digits) and 3 <= len(digits) <= 15 else None


def _to_short_code(recipient: str, short_code: str) -> bool:
    """Whether the message was sent to our short code (an empty recipient means it was)."""
    digits = recipient.strip().removeprefix("+").removeprefix("00")
    return digits in ("", short_code, "39" + short_code)


def handle_inbound(
    session: Session,
    *,
    message: Inbound,
    now: datetime,
    settings: SmsSettings,
    catalog: CatalogDocument | None = None,
) -> Outcome:
    """Answer one inbound SMS: dedup, flood limit, keyword, reply enqueued in this transaction.

    ``catalog`` spares a busy caller reading the current catalogue for every message.
    """
    if catalog is None:
        _, catalog = get_catalog(session)
    short_code = catalog.channels.sms
    command = parse(message.text)
    address = reply_address(message.sender)
    wanted = address is not None and _to_short_code(message.recipient, short_code)
    inbound_id = repository.claim_inbound(
        session,
        ref=message.ref,
        sender=address or message.sender,
        recipient=message.recipient,
        text=message.text,
        command=command.value,
        outcome="replied" if wanted else "ignored",
        now=now,
    )
    if inbound_id is None:
        return Outcome("duplicate", command)
    if address is None or not wanted:
        return Outcome("ignored", command)
    requests = repository.count_request(
        session, sender=address, now=now, window=timedelta(seconds=settings.flood_window_seconds)
    )
    status = "replied"
    if requests > settings.flood_limit:
        if requests > settings.flood_limit + 1:
            repository.set_outcome(session, inbound_id=inbound_id, outcome="silenced")
            return Outcome("silenced", command)
        status = "warned"
        repository.set_outcome(session, inbound_id=inbound_id, outcome=status)
        body = texts.flood_warning(max(1, settings.flood_window_seconds // 60))
    elif command is Command.COMPLAINT and (msisdn := _mobile(address)) is not None:
        body = open_complaint(session, msisdn=msisdn, text=message.text, now=now, catalog=catalog)
    else:
        body = compose(session, command=command, address=address, now=now, catalog=catalog)
    outbox.enqueue(
        session,
        recipient=address,
        body=body,
        topic=REPLY_TOPIC,
        now=now,
        sender=short_code,
        dedup_key=(reply_key := f"sms-reply:{inbound_id}"),
    )
    return Outcome(status, command, body, address, reply_key)


def compose(
    session: Session,
    *,
    command: Command,
    address: str,
    now: datetime,
    catalog: CatalogDocument | None = None,
) -> str:
    """The reply text to ``command`` from ``address``; no writes."""
    if catalog is None:
        _, catalog = get_catalog(session)
    if command is Command.HELP:
        return texts.help_text(catalog.channels.sms)
    if command is Command.UNKNOWN:
        return texts.hint(catalog.channels.sms)
    if command is Command.COMPLAINT:  # from an address that is no Italian mobile
        return texts.not_customer(catalog.operator.name)
    msisdn = _mobile(address)
    if msisdn is None:
        return texts.not_customer(catalog.operator.name)
    try:
        snapshot = get_snapshot(session, msisdn=msisdn, now=now)
    except UnknownLine:
        return texts.not_customer(catalog.operator.name)
    if snapshot.status != "active":
        return texts.not_customer(catalog.operator.name)
    if command is Command.INVOICE:
        return texts.last_invoice(last_invoice_of_line(session, msisdn=msisdn))
    return SNAPSHOT_REPLIES[command](snapshot)
