"""What an inbound deliver_sm means: a customer's message or a delivery receipt.

Dispatch is by kind through ``HANDLERS``; each handler runs inside the one transaction of
that deliver_sm and says what it left in the outbox: a reply it claimed for this process to
send at once (while bound), or one left pending for the pump.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from aiosmpplib import TON, DeliverSm
from sqlalchemy.orm import Session

from saldo.catalog.schemas import CatalogDocument
from saldo.channels.sms import repository
from saldo.channels.sms.engine import Inbound, handle_inbound
from saldo.channels.sms.repository import Claimed
from saldo.config import SmsSettings

MESSAGE_STATE_TLV = 0x0427
# SMPP 3.4 §5.2.28 message_state values and the receipt text's "stat:" words.
TLV_STATES = {2: "DELIVRD", 3: "EXPIRED", 4: "DELETED", 5: "UNDELIV", 6: "ACCEPTD", 8: "REJECTD"}
FAILED_STATES = {"EXPIRED", "DELETED", "UNDELIV", "REJECTD", "UNKNOWN"}
DELIVERED_STATES = {"DELIVRD", "DELIVERED"}


class Kind(StrEnum):
    MESSAGE = "message"
    RECEIPT = "receipt"


@dataclass(frozen=True, slots=True)
class Context:
    """What a handler needs besides the session and the PDU."""

    now: datetime
    sms: SmsSettings
    catalog: CatalogDocument | None
    mo_id_tag: int
    claim: bool = False
    """Claim replies for this process (it is bound and will send them right after commit)."""


@dataclass(slots=True)
class Handled:
    claimed: list[Claimed] = field(default_factory=list)
    pending: bool = False
    """A reply waits in the outbox for the pump."""


class DeliverHandler(Protocol):
    def __call__(self, session: Session, message: DeliverSm, context: Context, /) -> Handled:
        """Handle one deliver_sm in the caller's transaction."""
        ...


def kind_of(message: DeliverSm) -> Kind:
    return Kind.RECEIPT if message.is_receipt() else Kind.MESSAGE


def _tlv(message: DeliverSm, tag: int) -> object | None:
    for param in message.optional_params or []:
        if param.tag == tag:
            value: object = param.value
            return value
    return None


def to_inbound(message: DeliverSm, *, mo_id_tag: int) -> Inbound:
    """A customer's deliver_sm as the keyword engine sees it."""
    sender = message.source.number
    if message.source.ton == TON.INTERNATIONAL and not sender.startswith("+"):
        sender = "+" + sender
    smsc_id = _tlv(message, mo_id_tag)
    return Inbound(
        sender=sender,
        recipient=message.destination.number,
        text=message.short_message or message.message_payload,
        ref=f"smpp:{smsc_id}" if smsc_id not in (None, "") else None,
    )


def handle_message(session: Session, message: DeliverSm, context: Context, /) -> Handled:
    outcome = handle_inbound(
        session,
        message=to_inbound(message, mo_id_tag=context.mo_id_tag),
        now=context.now,
        settings=context.sms,
        catalog=context.catalog,
    )
    if outcome.reply_key is None:
        return Handled()
    if context.claim:
        claimed = repository.claim_reply(session, dedup_key=outcome.reply_key)
        if claimed is not None:
            return Handled([claimed])
    return Handled(pending=True)


def receipt_state(message: DeliverSm) -> tuple[str, str]:
    """(SMSC message id, state word) of a delivery receipt; either may be empty."""
    receipt = message.parse_receipt()
    smsc_id = str(receipt.get("id") or _tlv(message, 0x001E) or "")
    state = str(receipt.get("stat") or "").upper()
    tlv_state = _tlv(message, MESSAGE_STATE_TLV)
    if isinstance(tlv_state, int) and tlv_state in TLV_STATES:
        state = TLV_STATES[tlv_state]
    return smsc_id, state


def handle_receipt(session: Session, message: DeliverSm, context: Context, /) -> Handled:
    smsc_id, state = receipt_state(message)
    if not smsc_id or state not in FAILED_STATES | DELIVERED_STATES:
        return Handled()  # intermediate (ENROUTE, ACCEPTD) or unreadable: nothing final
    repository.record_receipt(
        session,
        smsc_message_id=smsc_id,
        state=state,
        delivered=state in DELIVERED_STATES,
        now=context.now,
    )
    return Handled()


HANDLERS: dict[Kind, DeliverHandler] = {
    Kind.MESSAGE: handle_message,
    Kind.RECEIPT: handle_receipt,
}
