"""``saldo usage import``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

from saldo.charging.cdr import import_usage
from saldo.cli.context import runtime
from saldo.cli.output import command, console, emit_json
from saldo.kit.errors import InvalidInput
from saldo.kit.money import format_eur

usage_app = typer.Typer(help="Traffico (CDR).", no_args_is_help=True)


@usage_app.command("import")
@command
def import_(
    file: Annotated[
        Path,
        typer.Argument(help="CSV: event_id,msisdn,service,zone,started_at,quantity,destination"),
    ],
    rejects: Annotated[Path | None, typer.Option(help="write refused lines here")] = None,
    batch_size: Annotated[int, typer.Option(min=1, max=100_000)] = 25_000,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Rate a CDR file; malformed lines go to --rejects, the rest loads. Safe to run again."""
    rt = runtime()
    size = file.stat().st_size if file.exists() else 0
    try:
        reject_stream = rejects.open("w", newline="", encoding="utf-8") if rejects else None
    except OSError as exc:
        raise InvalidInput(
            f"--rejects: impossibile scrivere {rejects}: {exc.strerror}",
            f"--rejects: cannot write {rejects}: {exc.strerror}",
        ) from None
    show = sys.stderr.isatty() and not as_json
    try:
        with Progress(
            TextColumn("[bold]import[/]"),
            BarColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            disable=not show,
            console=console,
        ) as bar:
            task = bar.add_task("import", total=size)
            summary = import_usage(
                rt.sessions,
                path=file,
                clock=rt.clock,
                rejects=reject_stream,
                batch_size=batch_size,
                progress=(lambda n: bar.advance(task, n)) if show else None,
            )
    finally:
        if reject_stream is not None:
            reject_stream.close()
    data = {
        "rated": summary.rated,
        "duplicates": summary.duplicates,
        "rejected": summary.rejected,
        "credit_charged_cents": summary.credit_charged_cents,
        "unpaid_cents": summary.unpaid_cents,
    }
    if as_json:
        emit_json(data)
        return
    console.print(
        f"tariffati {summary.rated}, duplicati {summary.duplicates}, scartati {summary.rejected}, "
        f"credito addebitato {format_eur(summary.credit_charged_cents)}, "
        f"non coperto {format_eur(summary.unpaid_cents)}"
    )
