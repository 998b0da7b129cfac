"""The steps of a call or USSD session: the one entry the adapters (TwiML, FastAGI, USSD, the
terminal simulator) use. Each step runs in the caller's transaction; its reply is stored, so a
retried step returns the first reply and changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, cast

from sqlalchemy.orm import Session

from saldo.balances.service import get_snapshot
from saldo.billing.invoices import last_invoice_of_line
from saldo.catalog.schemas import CatalogDocument
from saldo.channels.menus import screens, speech
from saldo.channels.menus.actions import CallContext, MenuActions
from saldo.channels.menus.definitions import MENUS, VOICE_MENUS, MenuName
from saldo.channels.menus.engine import Dialog, Engine, Turn
from saldo.channels.menus.repository import (
    current_catalog,
    insert_session,
    load_session,
    save_session,
)
from saldo.channels.menus.speech import PromptContext, Segment
from saldo.config import Settings
from saldo.kit.errors import InvalidInput, NotFound
from saldo.kit.msisdn import normalize_msisdn

Channel = Literal["twilio", "agi", "cli", "ussd"]
KEY_LENGTH = 64


class SessionNotFound(NotFound):
    code = "menu_session_not_found"

    def __init__(self, key: str) -> None:
        super().__init__(f"chiamata sconosciuta: {key}", f"unknown call: {key}")


@dataclass(frozen=True, slots=True)
class VoiceReply:
    """One turn of a call: what to say, then the input to gather or how the call ends."""

    step: int
    segments: list[Segment]
    expect: Literal["key", "digits"] | None = None
    max_digits: int = 1
    end: Literal["hangup", "transfer"] | None = None
    transfer_number: str | None = None
    texts: list[str] = field(default_factory=list)
    """The prompt ids said (for logs and tests)."""

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "step": self.step,
            "segments": self.segments,
            "expect": self.expect,
            "max_digits": self.max_digits,
            "end": self.end,
            "transfer_number": self.transfer_number,
            "texts": self.texts,
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> VoiceReply:
        data = json.loads(text)
        data["segments"] = [(lang, said) for lang, said in data["segments"]]
        return cls(**data)


@dataclass(frozen=True, slots=True)
class UssdReply:
    text: str
    end: bool

    def render(self) -> str:
        """The gateway's convention: "CON " continues the session, "END " closes it."""
        return ("END " if self.end else "CON ") + self.text

    def to_json(self) -> str:
        return json.dumps({"text": self.text, "end": self.end}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> UssdReply:
        return cls(**json.loads(text))


def _check_key(key: str) -> str:
    if not key or len(key) > KEY_LENGTH or not key.isprintable():
        raise InvalidInput(
            "identificativo di chiamata o sessione non valido",
            "invalid call or session id",
        )
    return key


def prompt_context(document: CatalogDocument, settings: Settings) -> PromptContext:
    """The settings prompts are made of (no line yet)."""
    return PromptContext(
        operator=document.operator.name,
        care_opens=settings.care.opens,
        care_closes=settings.care.closes,
        ivr_number=document.channels.ivr,
    )


def menu_for(document: CatalogDocument, dialled: str) -> MenuName | None:
    """The menu of a dialled number: a short code of the catalogue, with or without +39."""
    number = dialled.strip().replace(" ", "")
    digits = number.lstrip("+")
    if number == document.channels.ussd:
        return "ussd"
    for menu, code in (
        ("ivr", document.channels.ivr),
        ("ivr_business", document.channels.ivr_business),
    ):
        if digits in (code, f"39{code}", f"0039{code}"):
            return cast(MenuName, menu)
    return None


class _Step:
    """One step: catalogue, prompt context and actions bound to the dialog being run."""

    def __init__(
        self, session: Session, *, settings: Settings, now: datetime, channel: str, key: str
    ) -> None:
        self.document = current_catalog(session)
        self.dialog: Dialog | None = None
        self.prompts = prompt_context(self.document, settings)
        self.prompts.load_snapshot = lambda: get_snapshot(session, msisdn=self._msisdn(), now=now)
        self.prompts.load_invoice = lambda: last_invoice_of_line(session, msisdn=self._msisdn())
        self.call = CallContext(
            session, now, settings, self.document, channel, key, 0, self.prompts
        )

    def _msisdn(self) -> str:
        msisdn = self.dialog.vars.get("msisdn") if self.dialog else None
        if not msisdn:
            raise LookupError("no line identified yet")
        return msisdn

    def engine(self, menu: str) -> Engine:
        return Engine(MENUS[menu], MenuActions(self.call).mapping())

    def voice(self, turn: Turn) -> VoiceReply:
        segments = speech.render(turn.prompts, "en" if turn.lang == "en" else "it", self.prompts)
        care = self.call.settings.care
        number = {"care": care.destination, "business_care": care.business_destination}
        return VoiceReply(
            step=self.call.step,
            segments=segments,
            expect=turn.expect,
            max_digits=turn.max_digits,
            end=turn.end,
            transfer_number=number.get(turn.transfer_to or ""),
            texts=list(turn.prompts),
        )


def begin_call(
    session: Session,
    *,
    settings: Settings,
    now: datetime,
    channel: Channel,
    call_id: str,
    dialled: str,
    cli: str,
    fallback: MenuName | None = None,
) -> VoiceReply:
    """The first turn of a call: greeting, identification by calling number, credit, menu.

    ``dialled`` picks the menu (4242 or 1928); a number that is neither gets ``fallback``, or
    is refused when there is none. The same call id again gets the call's current reply.
    """
    key = _check_key(call_id)
    row = load_session(session, channel, key)
    if row is not None:
        return VoiceReply.from_json(row.reply)
    step = _Step(session, settings=settings, now=now, channel=channel, key=key)
    menu = menu_for(step.document, dialled) or fallback
    if menu not in VOICE_MENUS:
        raise InvalidInput(
            f"numero non servito dal risponditore vocale: {dialled!r}",
            f"not a voice line number: {dialled!r}",
        )
    engine = step.engine(menu)
    dialog = step.dialog = engine.open({"cli": cli.strip()[:32]})
    reply = step.voice(engine.start(dialog))
    insert_session(
        session,
        channel=channel,
        key=key,
        menu=menu,
        step=0,
        msisdn=dialog.vars.get("msisdn"),
        dialog=dialog.to_json(),
        reply=reply.to_json(),
        now=now,
    )
    return reply


def continue_call(
    session: Session,
    *,
    settings: Settings,
    now: datetime,
    channel: Channel,
    call_id: str,
    step: int,
    digits: str | None,
) -> VoiceReply:
    """The caller's answer to turn ``step``; any other step gets the last reply again."""
    key = _check_key(call_id)
    row = load_session(session, channel, key)
    if row is None:
        raise SessionNotFound(key)
    dialog = Dialog.from_json(row.dialog)
    if step != row.step or dialog.ended:
        return VoiceReply.from_json(row.reply)
    context = _Step(session, settings=settings, now=now, channel=channel, key=key)
    context.dialog = dialog
    context.call.step = step + 1
    reply = context.voice(context.engine(row.menu).answer(dialog, (digits or "")[:32]))
    save_session(
        session,
        session_id=row.id,
        step=step + 1,
        msisdn=dialog.vars.get("msisdn"),
        dialog=dialog.to_json(),
        reply=reply.to_json(),
        now=now,
    )
    return reply


def ussd_request(
    session: Session,
    *,
    settings: Settings,
    now: datetime,
    session_id: str,
    service_code: str,
    phone_number: str,
    inputs: list[str],
) -> UssdReply:
    """A USSD request with every input of the session so far; new inputs are answered in order."""
    key = _check_key(session_id)
    msisdn = normalize_msisdn(phone_number)
    context = _Step(session, settings=settings, now=now, channel="ussd", key=key)
    code = context.document.channels.ussd
    if service_code.strip() != code:
        raise InvalidInput(
            f"codice USSD non servito: {service_code!r} (usa {code})",
            f"USSD code not served: {service_code!r} (use {code})",
        )
    row = load_session(session, "ussd", key)
    dialog = context.dialog = Dialog.from_json(row.dialog) if row else None
    if dialog is not None and dialog.vars.get("cli") != msisdn:
        raise InvalidInput(
            "sessione USSD di un altro numero", "this USSD session belongs to another number"
        )
    if row is not None and len(inputs) <= row.step:
        return UssdReply.from_json(row.reply)
    engine = context.engine("ussd")
    turn: Turn | None = None
    if dialog is None:
        dialog = context.dialog = engine.open({"cli": msisdn})
        turn = engine.start(dialog)
    done = row.step if row else 0
    for given in inputs[done:]:
        if dialog.ended:
            break
        done += 1
        context.call.step = done
        turn = engine.answer(dialog, given)
    if turn is None:  # the session had ended: its last screen stands
        assert row is not None
        return UssdReply.from_json(row.reply)
    reply = UssdReply(screens.render(turn.prompts, context.prompts), end=turn.end is not None)
    step, line, state = len(inputs), dialog.vars.get("msisdn"), dialog.to_json()
    if row is None:
        insert_session(
            session, channel="ussd", key=key, menu="ussd", step=step, msisdn=line,
            dialog=state, reply=reply.to_json(), now=now,
        )  # fmt: skip
    else:
        save_session(
            session, session_id=row.id, step=step, msisdn=line, dialog=state,
            reply=reply.to_json(), now=now,
        )  # fmt: skip
    return reply


def error_reply(step: int = 0, lang: Literal["it", "en"] = "it") -> VoiceReply:
    """What a caller hears when a step fails: nothing was changed."""
    segments = speech.render(("error",), lang, PromptContext(operator=""))
    return VoiceReply(step=step, segments=segments, end="hangup", texts=["error"])
