"""``saldo db``, ``saldo worker``, ``saldo outbox``."""

from __future__ import annotations

import math
from typing import Annotated

import typer

from saldo import migrate
from saldo.cli.context import runtime
from saldo.cli.output import command, console, emit_json
from saldo.config import get_settings
from saldo.db import make_engine
from saldo.kit.clock import FixedClock, iso, parse_instant
from saldo.kit.msisdn import normalize_msisdn
from saldo.notifications.service import list_messages

db_app = typer.Typer(help="Database.", no_args_is_help=True)
outbox_app = typer.Typer(help="Messaggi in uscita.", no_args_is_help=True)


@db_app.command("upgrade")
@command
def upgrade() -> None:
    """Create or migrate the database to the newest schema."""
    engine = make_engine(get_settings().database_url)
    applied = migrate.upgrade(engine)
    console.print(
        f"schema {migrate.current(engine)}" + (" (aggiornato)" if applied else " (già aggiornato)")
    )


@outbox_app.command("list")
@command
def outbox_list(
    to: Annotated[str | None, typer.Option("--to")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Messages in the outbox, newest first (--to: a number or an e-mail address)."""
    with runtime().transaction() as session:
        recipient = None
        if to:  # an e-mail address as stored (lower-cased), or a mobile number
            recipient = to.strip().lower() if "@" in to else normalize_msisdn(to)
        rows = list_messages(session, recipient=recipient, limit=limit)
        data = [
            {
                "id": m.id,
                "channel": m.channel,
                "from": m.sender,
                "to": m.recipient,
                "topic": m.topic,
                "status": m.status,
                "subject": m.subject,
                "body": m.body,
                "created_at": iso(m.created_at),
                "sent_at": iso(m.sent_at),
            }
            for m in rows
        ]
    if as_json:
        emit_json(data)
        return
    for m in data:
        console.print(
            f"#{m['id']} {m['created_at']} {m['to']} [{m['status']}] {m['topic']}: {m['body']}",
            highlight=False,
            markup=False,
        )


@command
def worker(
    once: Annotated[bool, typer.Option("--once", help="one pass, then exit")] = False,
    now: Annotated[
        str | None, typer.Option("--now", help="process what is due up to this instant")
    ] = None,
    interval: Annotated[
        float, typer.Option(min=0.01, max=86_400, help="seconds between passes")
    ] = 5.0,
    sms_gateway: Annotated[
        bool,
        typer.Option(
            "--sms-gateway",
            help="send due SMS through SALDO_GATEWAY_OUTBOUND_URL (deployments without saldo smpp)",
        ),
    ] = False,
) -> None:
    """Renewals, expiry, reservation clean-up, renewal warnings, outbox delivery."""
    from saldo.channels.sms.gateway import outbound_transport
    from saldo.kit.errors import InvalidInput
    from saldo.worker import run_forever, run_once

    rt = runtime()
    transport = outbound_transport(rt.settings.gateway) if sms_gateway else None
    if sms_gateway and transport is None:
        raise InvalidInput(
            "--sms-gateway: imposta SALDO_GATEWAY_OUTBOUND_URL",
            "--sms-gateway: set SALDO_GATEWAY_OUTBOUND_URL",
        )
    if not math.isfinite(interval):  # click's range check lets "nan" through
        raise InvalidInput(
            "--interval: atteso un numero di secondi", "--interval: expected seconds"
        )
    if now is not None:
        rt.clock = FixedClock(parse_instant(now))
    if once or now is not None:
        report = run_once(rt, transport=transport)
        console.print(", ".join(f"{k}: {v}" for k, v in report.items()))
        return
    run_forever(rt, interval=interval, transport=transport)
