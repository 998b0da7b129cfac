"""``saldo catalog``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from saldo.catalog.service import activate_version, get_catalog, list_versions, load_catalog
from saldo.cli.context import runtime
from saldo.cli.output import command, console, emit_json
from saldo.kit.clock import iso
from saldo.kit.money import format_eur
from saldo.kit.validators import parse_id

app = typer.Typer(help="Il catalogo: offerte, opzioni, tariffe.", no_args_is_help=True)


@app.command("load")
@command
def load(file: Annotated[Path, typer.Argument(help="catalogue TOML file")]) -> None:
    """Validate FILE and load it as a new, active catalogue version (refused whole if anything is
    wrong). A file equal to a version already loaded makes that version active again."""
    rt = runtime()
    with rt.transaction() as session:
        result = load_catalog(session, path=file, clock=rt.clock)
    if result.created:
        state = "nuova versione, attiva"
    elif result.activated:
        state = "già caricato: versione riattivata"
    else:
        state = "già caricato e attivo, nessuna modifica"
    console.print(
        f"catalogo v{result.version_id}: {result.plans} offerte, {result.options} opzioni ({state})"
    )


@app.command("versions")
@command
def versions(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every catalogue version loaded, oldest first; the active one is marked."""
    with runtime().transaction() as session:
        rows = list_versions(session)
    data = [
        {
            "id": v.id,
            "loaded_at": iso(v.loaded_at),
            "checksum": v.checksum,
            "source": v.source,
            "active": v.active,
        }
        for v in rows
    ]
    if as_json:
        emit_json(data)
        return
    for v in data:
        mark = "*" if v["active"] else " "
        console.print(
            f"{mark} v{v['id']:<4} {v['loaded_at']}  {str(v['checksum'])[:12]}  {v['source']}",
            highlight=False,
            markup=False,
        )


@app.command("activate")
@command
def activate(
    version: Annotated[str, typer.Argument(help="version id (saldo catalog versions)")],
) -> None:
    """Make VERSION the active catalogue: new lines and renewals use it (idempotent)."""
    version_id = parse_id(version, field="VERSION")
    with runtime().transaction() as session:
        result = activate_version(session, version_id=version_id)
    if result.changed:
        console.print(f"catalogo v{version_id} attivo (prima v{result.previous_id})")
    else:
        console.print(f"catalogo v{version_id} già attivo, nessuna modifica")


@app.command("show")
@command
def show(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Show the active catalogue's plans and options."""
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
