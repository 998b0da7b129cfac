"""The steps of a call or USSD session: the one entry the adapters (TwiML, FastAGI, USSD, the
terminal simulator) use. Each step runs in the caller's transaction; its reply is stored, so a
retried step returns the first reply and changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Literal, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from saldo.balances.service import get_snapshot
from saldo.catalog.schemas import CatalogDocument
from saldo.catalog.service import get_catalog
from saldo.channels.menus import screens, speech
from saldo.channels.menus.actions import CallContext, MenuActions
from saldo.channels.menus.definitions import MENUS, VOICE_MENUS, MenuName
from saldo.channels.menus.engine import Dialog, Engine, Turn
from saldo.channels.menus.models import MenuSession
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

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

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


class _Step:
    """The context of one step: catalogue, prompt context, actions bound to the dialog."""

    def __init__(
        self,
        session: Session,
        *,
        settings: Settings,
        now: datetime,
        channel: str,
        key: str,
        step: int,
        dialog: Dialog | None = None,
    ) -> None:
        _, document = get_catalog(session)
        self.dialog = dialog
        self.prompts = prompt_context(document, settings)
        self.prompts.load_snapshot = lambda: get_snapshot(session, msisdn=self._msisdn(), now=now)
        self.call = CallContext(session, now, settings, document, channel, key, step, self.prompts)
        self.ussd_code = document.channels.ussd

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


def _load(session: Session, channel: str, key: str) -> MenuSession | None:
    return session.scalar(
        select(MenuSession)
        .where(MenuSession.channel == channel, MenuSession.session_key == key)
        .with_for_update()
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
    is refused when there is none.
    """
    key = _check_key(call_id)
    row = _load(session, channel, key)
    if row is not None:
        return VoiceReply.from_json(row.reply)
    step = _Step(session, settings=settings, now=now, channel=channel, key=key, step=0)
    menu = menu_for(step.call.document, dialled) or fallback
    if menu not in VOICE_MENUS:
        raise InvalidInput(
            f"numero non servito dal risponditore vocale: {dialled!r}",
            f"not a voice line number: {dialled!r}",
        )
    engine = step.engine(menu)
    dialog = step.dialog = engine.open({"cli": cli.strip()[:32]})
    turn = engine.start(dialog)
    reply = step.voice(turn)
    session.add(
        MenuSession(
            channel=channel,
            session_key=key,
            menu=menu,
            step=0,
            msisdn=dialog.vars.get("msisdn"),
            dialog=dialog.to_json(),
            reply=reply.to_json(),
            created_at=now,
            updated_at=now,
        )
    )
    session.flush()
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
    row = _load(session, channel, key)
    if row is None:
        raise SessionNotFound(key)
    dialog = Dialog.from_json(row.dialog)
    if step != row.step or dialog.ended:
        return VoiceReply.from_json(row.reply)
    context = _Step(
        session, settings=settings, now=now, channel=channel, key=key, step=step + 1, dialog=dialog
    )
    turn = context.engine(row.menu).answer(dialog, (digits or "")[:32])
    reply = context.voice(turn)
    row.step = step + 1
    row.msisdn = dialog.vars.get("msisdn")
    row.dialog = dialog.to_json()
    row.reply = reply.to_json()
    row.updated_at = now
    session.flush()
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
    context = _Step(session, settings=settings, now=now, channel="ussd", key=key, step=0)
    if service_code.strip() != context.ussd_code:
        raise InvalidInput(
            f"codice USSD non servito: {service_code!r} (usa {context.ussd_code})",
            f"USSD code not served: {service_code!r} (use {context.ussd_code})",
        )
    row = _load(session, "ussd", key)
    if row is not None and json.loads(row.dialog)["vars"].get("cli") != msisdn:
        raise InvalidInput(
            "sessione USSD di un altro numero", "this USSD session belongs to another number"
        )
    if row is not None and len(inputs) <= row.step:
        return UssdReply(**json.loads(row.reply))
    engine = context.engine("ussd")
    turn: Turn | None = None
    if row is None:
        dialog = context.dialog = engine.open({"cli": msisdn})
        turn, done = engine.start(dialog), 0
    else:
        dialog = context.dialog = Dialog.from_json(row.dialog)
        done = row.step
    for given in inputs[done:]:
        if dialog.ended:
            break
        done += 1
        context.call.step = done
        turn = engine.answer(dialog, given)
    if turn is None:  # the session had ended: its last screen stands
        assert row is not None
        return UssdReply(**json.loads(row.reply))
    reply = UssdReply(screens.render(turn.prompts, context.prompts), end=turn.end is not None)
    if row is None:
        row = MenuSession(channel="ussd", session_key=key, menu="ussd", created_at=now)
        session.add(row)
    row.step = len(inputs)
    row.msisdn = dialog.vars.get("msisdn")
    row.dialog = dialog.to_json()
    row.reply = json.dumps(asdict(reply), ensure_ascii=False)
    row.updated_at = now
    session.flush()
    return reply


def error_reply(step: int = 0, lang: Literal["it", "en"] = "it") -> VoiceReply:
    """What a caller hears when a step fails: nothing was changed."""
    segments = speech.render(("error",), lang, PromptContext(operator=""))
    return VoiceReply(step=step, segments=segments, end="hangup", texts=["error"])
