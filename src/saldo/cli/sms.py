"""``saldo smpp`` (the SMS channel's process) and ``saldo sms`` (its engine, by hand)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
from typing import Annotated

import typer

from saldo.channels.sms import segments
from saldo.channels.sms.engine import Inbound, handle_inbound
from saldo.channels.sms.gateway import outbound_transport
from saldo.channels.sms.service import SmppChannel
from saldo.cli.context import runtime
from saldo.cli.output import command, console, emit_json
from saldo.runtime import retrying


@command
def smpp() -> None:
    """Bind to the SMSC as a transceiver: answer SMS to the short code, send the outbox's SMS.

    SALDO_SMPP_HOST, _PORT, _SYSTEM_ID, _PASSWORD (and _SYSTEM_TYPE, _SOURCE_TON/_NPI,
    _THROUGHPUT, _WINDOW) say where and how. Stop with Ctrl-C: it unbinds cleanly.
    """
    rt = runtime()
    channel = SmppChannel(rt, http=outbound_transport(rt.settings.gateway))

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, lambda: asyncio.ensure_future(channel.stop()))
        await channel.run()

    s = rt.settings.smpp
    console.print(f"saldo smpp: bind a {s.host}:{s.port} come {s.system_id}", highlight=False)
    # a long-lived process: what exists at start-up is never garbage, and collecting young
    # objects less often spares the per-message path (SQLAlchemy makes many short-lived ones)
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    asyncio.run(main())


@command
def sms(
    sender: Annotated[str, typer.Argument(metavar="FROM", help="the sender's number")],
    text: Annotated[str, typer.Argument(metavar="TEXT", help="the message, e.g. SALDO")],
    to: Annotated[
        str | None, typer.Option("--to", help="short code (default: the catalogue's)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Run the keyword engine on one SMS and print the reply (no transport: it stays in the
    outbox, where ``saldo outbox list`` and the phone simulator show it)."""
    rt = runtime()
    message = Inbound(sender=sender, recipient=to or "", text=text)
    outcome = retrying(
        rt,
        lambda session: handle_inbound(
            session, message=message, now=rt.clock.now(), settings=rt.settings.sms
        ),
    )
    if as_json:
        emit_json(
            {
                "status": outcome.status,
                "command": outcome.command.value,
                "to": outcome.recipient,
                "reply": outcome.reply,
                "parts": segments.count(outcome.reply) if outcome.reply else 0,
            }
        )
        return
    if outcome.reply is None:
        reason = {
            "silenced": "troppe richieste da questo numero",
            "ignored": "destinatario non è il numero breve, o mittente senza risposta",
        }.get(outcome.status, outcome.status)
        console.print(f"(nessuna risposta: {reason})", highlight=False)
        return
    console.print(outcome.reply, highlight=False, markup=False, soft_wrap=True)
