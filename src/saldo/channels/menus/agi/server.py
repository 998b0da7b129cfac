"""The FastAGI server: Asterisk connects per call (``AGI(agi://saldo:4573/4242)``) and this runs
the same menus as the TwiML webhooks, playing prompts as audio and reading keys with GET DATA.

Dialplan, for instance::

    exten => 4242,1,AGI(agi://127.0.0.1:4573/4242)
    exten => 1928,1,AGI(agi://127.0.0.1:4573/1928)
"""

from __future__ import annotations

import socketserver
from typing import cast

import structlog
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from saldo.channels.menus.agi.channel import ALL_KEYS, AgiChannel, AgiCommandFailed, AgiHangup
from saldo.channels.menus.agi.protocol import ProtocolError
from saldo.channels.menus.audio import PromptAudio
from saldo.channels.menus.service import VoiceReply, begin_call, continue_call, error_reply
from saldo.kit.errors import SaldoError
from saldo.kit.validators import is_digits
from saldo.runtime import Runtime, retrying

log = structlog.get_logger("saldo.menus.agi")

KEY_TIMEOUT_MS = 6000
DIGITS_TIMEOUT_MS = 10000
SOCKET_TIMEOUT_SECONDS = 300.0
_HIDDEN = {"", "unknown", "anonymous", "private", "restricted"}


def caller_number(env: dict[str, str]) -> str:
    """The calling number, or "" when it is withheld (presentation restricted) or unknown."""
    number = env.get("agi_callerid", "").strip()
    presentation = env.get("agi_callingpres", "0")
    if is_digits(presentation) and int(presentation) & 0x60 == 0x20:
        return ""
    return "" if number.lower() in _HIDDEN else number


def dialled_number(env: dict[str, str]) -> str:
    """The number the caller dialled: the FastAGI script (``agi://host/4242``), else the
    extension, else the DNID."""
    script = env.get("agi_network_script", "").split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    for candidate in (script, env.get("agi_extension", ""), env.get("agi_dnid", "")):
        if is_digits(candidate.lstrip("+")):
            return candidate
    return ""


class AgiServer(socketserver.ThreadingTCPServer):
    """One thread per call; stops with ``shutdown()``."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], rt: Runtime, audio: PromptAudio) -> None:
        self.rt = rt
        self.audio = audio
        super().__init__(address, _Handler)


class _Handler(socketserver.StreamRequestHandler):
    timeout = SOCKET_TIMEOUT_SECONDS  # a silent peer never holds a thread for ever

    def handle(self) -> None:
        server = cast(AgiServer, self.server)
        channel = AgiChannel(self.rfile, self.wfile)  # type: ignore[arg-type]
        try:
            run_call(server.rt, server.audio, channel)
        except AgiHangup as exc:
            log.info("agi_hangup", reason=str(exc))
        except (ProtocolError, AgiCommandFailed, OSError, SaldoError) as exc:
            log.warning("agi_call_failed", error=str(exc))


def _play(channel: AgiChannel, audio: PromptAudio, reply: VoiceReply) -> str | None:
    """Say the turn; the caller's input when the turn waits for one ("" after a timeout)."""
    files = [audio.render(lang, text)[0] for lang, text in reply.segments]
    if reply.expect is None:
        for base in files:
            channel.stream_file(base)
        return None
    escape = ALL_KEYS if reply.expect == "key" else ""
    for base in files[:-1]:
        key = channel.stream_file(base, escape)
        if key is not None:
            return key
    timeout = KEY_TIMEOUT_MS if reply.expect == "key" else DIGITS_TIMEOUT_MS
    return channel.get_data(files[-1], timeout, reply.max_digits)


def run_call(rt: Runtime, audio: PromptAudio, channel: AgiChannel) -> None:
    """One call, from the environment block to the hangup."""
    env = channel.read_environment()
    call_id, dialled, cli = env.get("agi_uniqueid", ""), dialled_number(env), caller_number(env)
    log.info("agi_call", call=call_id, dialled=dialled, identified=bool(cli))
    channel.answer()

    def first(session: Session) -> VoiceReply:
        return begin_call(
            session,
            settings=rt.settings,
            now=rt.clock.now(),
            channel="agi",
            call_id=call_id,
            dialled=dialled,
            cli=cli,
        )

    try:
        reply = retrying(rt, first)
        while True:
            digits = _play(channel, audio, reply)
            if reply.end is not None:
                break
            step = reply.step

            def answer(
                session: Session, step: int = step, digits: str | None = digits
            ) -> VoiceReply:
                return continue_call(
                    session,
                    settings=rt.settings,
                    now=rt.clock.now(),
                    channel="agi",
                    call_id=call_id,
                    step=step,
                    digits=digits,
                )

            reply = retrying(rt, answer)
    except (SaldoError, SQLAlchemyError) as exc:
        log.warning("agi_step_failed", call=call_id, error=getattr(exc, "code", repr(exc)))
        reply = error_reply()
        _play(channel, audio, reply)
    if reply.end == "transfer" and reply.transfer_number:
        channel.dial(rt.settings.ivr.agi_dial.format(number=reply.transfer_number))
    channel.hangup()
