"""``saldo catalog``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from saldo.catalog.service import get_catalog, load_catalog
from saldo.cli.context import runtime
from saldo.cli.output import command, console, emit_json
from saldo.kit.money import format_eur

app = typer.Typer(help="Il catalogo: offerte, opzioni, tariffe.", no_args_is_help=True)


@app.command("load")
@command
def load(file: Annotated[Path, typer.Argument(help="catalogue TOML file")]) -> None:
    """Validate FILE and load it as a new catalogue version (refused whole if anything is wrong)."""
    rt = runtime()
    with rt.transaction() as session:
        result = load_catalog(session, path=file, clock=rt.clock)
    state = "nuova versione" if result.created else "già caricato, nessuna modifica"
    console.print(
        f"catalogo v{result.version_id}: {result.plans} offerte, {result.options} opzioni ({state})"
    )


@app.command("show")
@command
def show(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Show the current catalogue's plans and options."""
    with runtime().transaction() as session:
        version_id, document = get_catalog(session)
    if as_json:
        emit_json({"version": version_id, **document.model_dump(mode="json")})
        return
    console.print(f"[bold]{document.operator.name}[/] — catalogo v{version_id}")
    for plan in document.plan:
        console.print(
            f"  {plan.code:<14} {plan.name:<20} {plan.segment:<9} {plan.billing:<9} "
            f"{format_eur(plan.fee)}/{plan.period}"
        )
    for option in document.option:
        console.print(f"  {option.code:<14} {option.name:<20} opzione   {format_eur(option.fee)}")
