"""The actions the menus name: identify the caller, check a number and PIN, send the details
by SMS, care hours. They run inside the step's transaction and never charge anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from saldo.care.rules import ComplaintRules
from saldo.care.schemas import TicketRequest
from saldo.care.service import open_for_line
from saldo.catalog.schemas import CatalogDocument
from saldo.channels.menus.definitions import PIN_ATTEMPTS
from saldo.channels.menus.engine import INVALID, Action, Dialog
from saldo.channels.menus.speech import PromptContext
from saldo.channels.sms import texts
from saldo.config import Settings
from saldo.identity.pin import check_pin
from saldo.kit.clock import to_rome
from saldo.kit.errors import InvalidInput
from saldo.kit.msisdn import normalize_msisdn
from saldo.lines.models import Line
from saldo.notifications.service import enqueue


@dataclass
class CallContext:
    """What a step of a call or USSD session runs with."""

    session: Session
    now: datetime
    settings: Settings
    document: CatalogDocument
    channel: str
    session_key: str
    step: int
    """Index of the turn being produced: an SMS sent in it is keyed by it."""
    prompts: PromptContext


def care_is_open(now: datetime, opens: str, closes: str) -> bool:
    """Whether care answers now (Rome time). Equal hours: always; closes before opens: overnight."""
    at = to_rome(now).time()
    start, end = time.fromisoformat(opens), time.fromisoformat(closes)
    if start == end:
        return True
    if start < end:
        return start <= at < end
    return at >= start or at < end


class MenuActions:
    def __init__(self, call: CallContext) -> None:
        self.call = call

    def mapping(self) -> dict[str, Action]:
        return {
            "identify_caller": self.identify_caller,
            "take_number": self.take_number,
            "check_pin": self.check_pin,
            "line_segment": self.line_segment,
            "send_details": self.send_details,
            "care_hours": self.care_hours,
            "open_complaint": self.open_complaint,
        }

    def _active_line(self, msisdn: str) -> bool:
        status = self.call.session.scalar(select(Line.status).where(Line.msisdn == msisdn))
        return status == "active"

    def identify_caller(self, dialog: Dialog, _given: str | None) -> str:
        """The calling number (CLI), when it is shown and is one of our active lines."""
        try:
            msisdn = normalize_msisdn(dialog.vars.get("cli", ""))
        except InvalidInput:
            return "unknown"
        if not self._active_line(msisdn):
            return "unknown"
        dialog.vars["msisdn"] = msisdn
        return "known"

    def take_number(self, dialog: Dialog, given: str | None) -> str:
        try:
            dialog.vars["candidate"] = normalize_msisdn(given or "")
        except InvalidInput:
            return INVALID
        return "ok"

    def check_pin(self, dialog: Dialog, given: str | None) -> str:
        """The PIN of the number just entered; never tells which of the two was wrong."""
        pin = given or ""
        if len(pin) != 4:
            return INVALID
        candidate = dialog.vars.pop("candidate", "")
        call = self.call
        outcome = check_pin(
            call.session,
            msisdn=candidate,
            pin=pin,
            now=call.now,
            channel=call.channel,
            session_key=call.session_key,
        )
        if outcome == "locked":
            return "locked"
        if outcome == "ok":
            dialog.vars["msisdn"] = candidate
            dialog.vars.pop("pin_attempts", None)
            return "ok"
        attempts = int(dialog.vars.get("pin_attempts", "0")) + 1
        dialog.vars["pin_attempts"] = str(attempts)
        return "exhausted" if attempts >= PIN_ATTEMPTS else "wrong"

    def line_segment(self, _dialog: Dialog, _given: str | None) -> str:
        return self.call.prompts.snapshot.segment

    def send_details(self, _dialog: Dialog, _given: str | None) -> str:
        """The DETTAGLIO text to the line, through the outbox: sent after commit, once a step."""
        snap = self.call.prompts.snapshot
        call = self.call
        enqueue(
            call.session,
            recipient=snap.msisdn,
            body=texts.details(snap),
            topic="details",
            now=call.now,
            sender=call.document.channels.sms,
            dedup_key=f"menus:{call.channel}:{call.session_key}:{call.step}",
        )
        return "sent"

    def care_hours(self, _dialog: Dialog, _given: str | None) -> str:
        care = self.call.settings.care
        return "open" if care_is_open(self.call.now, care.opens, care.closes) else "closed"

    def open_complaint(self, dialog: Dialog, _given: str | None) -> str:
        """A complaint for the caller's line asking for a call back (one per call: pressing
        again, or a replayed step, says the same code)."""
        call = self.call
        code = dialog.vars.get("complaint")
        if code is None:
            number = call.document.channels.ivr
            request = TicketRequest(
                kind="complaint",
                subject="Reclamo telefonico",
                body=f"Reclamo aperto chiamando il {number}: il cliente chiede di essere "
                "richiamato da un operatore.",
                channel=call.channel,
                callback=True,
            )
            ticket = open_for_line(
                call.session,
                msisdn=dialog.vars["msisdn"],
                request=request,
                rules=ComplaintRules.of(call.settings.care),
                now=call.now,
            )
            code = dialog.vars["complaint"] = ticket.code
        call.prompts.ticket_code = code
        return "opened"
