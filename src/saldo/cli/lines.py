"""``saldo line``, ``saldo plan``, ``saldo option``, ``saldo topup``, ``saldo balance``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer
from rich.table import Table

from saldo.balances.schemas import Snapshot
from saldo.balances.service import get_snapshot
from saldo.cli.context import runtime
from saldo.cli.output import command, console, emit_json
from saldo.kit.clock import to_rome
from saldo.kit.money import format_eur, parse_eur
from saldo.kit.msisdn import normalize_msisdn
from saldo.kit.origin import CLI
from saldo.kit.quantities import format_data, whole_minutes
from saldo.kit.validators import check_text
from saldo.lines import service as lines
from saldo.payments.service import top_up
from saldo.runtime import retrying

line_app = typer.Typer(help="Linee (SIM).", no_args_is_help=True)
plan_app = typer.Typer(help="Cambio offerta.", no_args_is_help=True)
option_app = typer.Typer(help="Opzioni.", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="machine-readable output")]


@line_app.command("add")
@command
def add(
    msisdn: str,
    plan: Annotated[str, typer.Option("--plan", help="plan code")],
    credit: Annotated[str, typer.Option(help="initial credit in euro")] = "0",
    name: Annotated[str | None, typer.Option(help="customer name (at most 200 characters)")] = None,
    tax_code: Annotated[str | None, typer.Option("--tax-code", help="codice fiscale")] = None,
    business: Annotated[str | None, typer.Option("--business", help="partita IVA")] = None,
    postpaid: Annotated[bool, typer.Option("--postpaid")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Add a line; the credit is loaded first, then the plan's fee is debited."""
    rt = runtime()
    cents = parse_eur(credit, field="--credit")
    if name is not None:
        check_text(name, field="--name", max_length=200)
    with rt.transaction() as session:
        line = lines.add_line(
            session,
            msisdn=msisdn,
            plan_code=plan,
            credit_cents=cents,
            name=name,
            tax_code=tax_code,
            vat_number=business,
            postpaid=postpaid,
            clock=rt.clock,
            origin=CLI,
        )
        snapshot = get_snapshot(session, msisdn=line.msisdn, now=rt.clock.now())
    _show(snapshot, as_json)


@plan_app.command("change")
@command
def change(
    msisdn: str,
    code: str,
    at_renewal: Annotated[bool, typer.Option("--at-renewal")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Change plan now (the new fee is debited) or at the next renewal."""
    rt = runtime()
    with rt.transaction() as session:
        line = lines.change_plan(
            session,
            msisdn=msisdn,
            plan_code=code,
            at_renewal=at_renewal,
            clock=rt.clock,
            origin=CLI,
        )
        snapshot = get_snapshot(session, msisdn=line.msisdn, now=rt.clock.now())
    if at_renewal and not as_json:
        console.print(f"{code} sarà attiva dal prossimo rinnovo.")
    _show(snapshot, as_json)


@option_app.command("add")
@command
def option_add(msisdn: str, code: str, as_json: JsonFlag = False) -> None:
    """Activate an option (its fee is debited now)."""
    _option(lines.add_option, msisdn, code, as_json)


@option_app.command("remove")
@command
def option_remove(msisdn: str, code: str, as_json: JsonFlag = False) -> None:
    """Deactivate an option now (no refund; its allowances end)."""
    _option(lines.remove_option, msisdn, code, as_json)


def _option(action: Callable[..., object], msisdn: str, code: str, as_json: bool) -> None:
    rt = runtime()
    with rt.transaction() as session:
        action(session, msisdn=msisdn, option_code=code, clock=rt.clock, origin=CLI)
        snapshot = get_snapshot(session, msisdn=normalize_msisdn(msisdn), now=rt.clock.now())
    _show(snapshot, as_json)


@command
def topup(
    msisdn: str,
    amount: Annotated[str, typer.Argument(help="euro, e.g. 10 or 12.50")],
    ref: Annotated[
        str | None,
        typer.Option(
            help="payment reference (at most 100 characters): the same twice applies once"
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Top up a prepaid line (idempotent by --ref)."""
    rt = runtime()
    cents = parse_eur(amount)
    if ref is not None:
        check_text(ref, field="--ref", max_length=100)
    result = retrying(
        rt,
        lambda s: top_up(s, msisdn=msisdn, amount_cents=cents, ref=ref, clock=rt.clock, origin=CLI),
    )
    if as_json:
        emit_json(
            {
                "ref": result.ref,
                "msisdn": result.msisdn,
                "amount_cents": result.amount_cents,
                "credit_cents": result.credit_cents,
                "replayed": result.replayed,
                "plan_resumed": result.plan_resumed,
            }
        )
        return
    note = " (già applicata: nessun addebito nuovo)" if result.replayed else ""
    console.print(
        f"ricarica {result.ref}: {format_eur(result.amount_cents)}, "
        f"credito {format_eur(result.credit_cents)}{note}"
    )
    if result.plan_resumed:
        console.print("offerta riattivata")


@command
def balance(msisdn: str, as_json: JsonFlag = False) -> None:
    """The balance snapshot every channel shows."""
    rt = runtime()
    with rt.transaction() as session:
        snapshot = get_snapshot(session, msisdn=normalize_msisdn(msisdn), now=rt.clock.now())
    _show(snapshot, as_json)


def _show(snapshot: Snapshot, as_json: bool) -> None:
    if as_json:
        emit_json(snapshot.model_dump(mode="json"))
        return
    plan = snapshot.plan
    renews = to_rome(plan.renews_at).strftime("%d/%m/%Y %H:%M") if plan.renews_at else "—"
    console.print(f"[bold]{snapshot.msisdn}[/] ({snapshot.billing}, {snapshot.status})")
    if snapshot.billing == "prepaid":
        console.print(f"credito residuo: [bold]{format_eur(snapshot.credit_cents)}[/]")
    state = "attiva" if plan.status == "active" else "[red]sospesa[/]"
    console.print(
        f"offerta {plan.name} ({plan.code}) {state}, {format_eur(plan.fee_cents)}, rinnovo {renews}"
    )
    table = Table("servizio", "zona", "fonte", "restano", "di", "scadenza")
    for a in snapshot.allowances:
        table.add_row(
            a.service,
            a.zone,
            a.source_code or a.source,
            "illimitati" if a.unlimited else _units(a.unit, a.remaining or 0),
            "" if a.unlimited else _units(a.unit, a.total or 0),
            to_rome(a.expires_at).strftime("%d/%m %H:%M") if a.expires_at else "",
        )
    console.print(table)


def _units(unit: str, n: int) -> str:
    if unit == "bytes":
        return format_data(n)
    if unit == "seconds":
        return f"{whole_minutes(n)} min"
    return str(n)
