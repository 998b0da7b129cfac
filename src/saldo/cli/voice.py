"""``saldo call`` (the terminal phone), ``saldo agi`` (FastAGI server), ``saldo ivr prompts``."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from saldo.catalog.service import get_catalog
from saldo.channels.menus.agi.server import AgiServer
from saldo.channels.menus.audio import PromptAudio, default_directory, render_static
from saldo.channels.menus.definitions import MenuName
from saldo.channels.menus.service import (
    VoiceReply,
    begin_call,
    continue_call,
    menu_for,
    prompt_context,
    ussd_request,
)
from saldo.channels.menus.speech import merged
from saldo.cli.context import runtime
from saldo.cli.output import command, console, err_console
from saldo.config import Settings
from saldo.runtime import Runtime, retrying

ivr_app = typer.Typer(help="Risponditore vocale (IVR).", no_args_is_help=True)
VOICES = {"it": "it", "en": "en-gb"}


def _prompts_dir(settings: Settings, given: Path | None) -> Path:
    if given is not None:
        return given
    return Path(settings.ivr.prompts_dir) if settings.ivr.prompts_dir else default_directory()


class _Keys:
    """The caller's keys: from --keys in order, else typed at the terminal."""

    def __init__(self, given: str | None) -> None:
        self.queue = None if given is None else [k.strip() for k in given.split(",")]

    def next(self, hint: str) -> str | None:
        """The next input ("" = nothing pressed), or None when the caller hangs up."""
        if self.queue is not None:
            if not self.queue:
                console.print("[dim](tasti finiti: riaggancio)[/]")
                return None
            keys = self.queue.pop(0)
            console.print(f"[bold]> {keys or '(nessun tasto)'}[/]", highlight=False)
            return keys
        try:
            return str(typer.prompt(f"> {hint}", default="", show_default=False))
        except (EOFError, typer.Abort):
            return None


class _Speaker:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled and shutil.which("espeak-ng") is not None
        if enabled and not self.enabled:
            err_console.print("espeak-ng non installato: --speak ignorato")

    def say(self, lang: str, text: str) -> None:
        if self.enabled:
            subprocess.run(
                ["espeak-ng", "-v", VOICES.get(lang, "it"), text], check=False, capture_output=True
            )


def _show(reply: VoiceReply, speaker: _Speaker) -> None:
    for lang, text in merged(reply.segments):
        console.print(f"[cyan]\\[{lang}][/] {text}", highlight=False)
        speaker.say(lang, text)
    if reply.end == "transfer":
        console.print(f"[bold]→ trasferimento a {reply.transfer_number}[/]", highlight=False)
    elif reply.end == "hangup":
        console.print("[dim](fine della chiamata)[/]")


def _answer(rt: Runtime, call_id: str, step: int, given: str) -> Callable[[Session], VoiceReply]:
    def work(session: Session) -> VoiceReply:
        return continue_call(
            session,
            settings=rt.settings,
            now=rt.clock.now(),
            channel="cli",
            call_id=call_id,
            step=step,
            digits=given,
        )

    return work


def _voice(rt: Runtime, number: str, cli: str, keys: _Keys, speaker: _Speaker) -> None:
    call_id = f"cli-{uuid.uuid4().hex}"
    console.print(f"[bold]☎ {number}[/] da {cli or 'numero nascosto'}", highlight=False)
    reply = retrying(
        rt,
        lambda s: begin_call(
            s,
            settings=rt.settings,
            now=rt.clock.now(),
            channel="cli",
            call_id=call_id,
            dialled=number,
            cli=cli,
        ),
    )
    while True:
        _show(reply, speaker)
        if reply.end is not None:
            return
        hint = "un tasto" if reply.expect == "key" else "cifre, poi invio"
        given = keys.next(hint)
        if given is None:
            return
        reply = retrying(rt, _answer(rt, call_id, reply.step, given))


def _ussd(rt: Runtime, code: str, cli: str, keys: _Keys) -> None:
    session_id = f"cli-{uuid.uuid4().hex}"
    inputs: list[str] = []
    while True:
        reply = retrying(
            rt,
            lambda s: ussd_request(
                s,
                settings=rt.settings,
                now=rt.clock.now(),
                session_id=session_id,
                service_code=code,
                phone_number=cli,
                inputs=list(inputs),
            ),
        )
        console.print(reply.render(), highlight=False)
        if reply.end:
            return
        given = keys.next("scelta")
        if given is None:
            return
        inputs.append(given)


@command
def call(
    number: Annotated[str, typer.Argument(help="4242, 1928 or the USSD code *133#")],
    from_: Annotated[
        str, typer.Option("--from", help="calling number; leave out for a withheld number")
    ] = "",
    keys: Annotated[
        str | None,
        typer.Option(help='inputs in order, comma-separated: "1,2"; "3471234567,1234"; "" none'),
    ] = None,
    speak: Annotated[bool, typer.Option("--speak", help="say the prompts with espeak-ng")] = False,
) -> None:
    """Call the voice line (or dial the USSD code) from the terminal."""
    rt = runtime()
    with rt.transaction() as session:
        _, document = get_catalog(session)
    menu: MenuName | None = menu_for(document, number)
    if menu == "ussd":
        _ussd(rt, number, from_, _Keys(keys))
        return
    _voice(rt, number, from_, _Keys(keys), _Speaker(speak))


@ivr_app.command("prompts")
@command
def prompts(
    directory: Annotated[Path | None, typer.Option("--dir", help="where to write")] = None,
) -> None:
    """Render the static voice prompts to 8 kHz WAV with espeak-ng (for Asterisk)."""
    rt = runtime()
    audio = PromptAudio(_prompts_dir(rt.settings, directory))
    audio.check_tools()
    with rt.transaction() as session:
        _, document = get_catalog(session)
    new, old = render_static(audio, prompt_context(document, rt.settings))
    console.print(f"{new} prompt generati, {old} già presenti in {audio.directory}")


@command
def agi(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 4573,
    directory: Annotated[Path | None, typer.Option("--prompts-dir")] = None,
) -> None:
    """FastAGI server for Asterisk: the same menus, with prompts as audio."""
    rt = runtime()
    audio = PromptAudio(_prompts_dir(rt.settings, directory))
    audio.check_tools()
    with rt.transaction() as session:
        _, document = get_catalog(session)
    new, _old = render_static(audio, prompt_context(document, rt.settings))
    server = AgiServer((host, port), rt, audio)
    bound = server.server_address[1]
    console.print(f"FastAGI su {host}:{bound} ({new} prompt generati in {audio.directory})")
    console.file.flush()  # the banner names the port: whoever started us may be waiting for it
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
