"""``saldo ticket``, ``saldo care message``, ``saldo refunds``: tickets for scripts and
back-office jobs."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from saldo.care import notify
from saldo.care import repository as repo
from saldo.care import service as care
from saldo.care.checks import clean_text
from saldo.care.errors import CustomerNotFound
from saldo.care.refunds import Debtor, export_refunds
from saldo.care.rules import ComplaintRules
from saldo.care.schemas import TicketRequest, view
from saldo.cli.context import runtime
from saldo.cli.output import command, console, emit_json
from saldo.kit.clock import to_rome
from saldo.kit.errors import InvalidInput
from saldo.kit.fiscal import normalize_vat_number
from saldo.kit.money import format_eur, parse_eur
from saldo.kit.msisdn import normalize_msisdn
from saldo.kit.origin import CLI
from saldo.lines.models import Line

ticket_app = typer.Typer(help="Segnalazioni: messaggi, reclami, rimborsi.", no_args_is_help=True)
care_app = typer.Typer(help="Assistenza clienti.", no_args_is_help=True)
refunds_app = typer.Typer(help="Rimborsi su IBAN (bonifici SEPA).", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="machine-readable output")]
Text = Annotated[str, typer.Option()]


def _show(data: dict[str, Any], as_json: bool) -> None:
    if as_json:
        emit_json(data)
        return
    console.print(f"{data['code']}  {data['kind']}  {data['status']}")
    if data.get("deadline"):
        deadline = to_rome(datetime.fromisoformat(data["deadline"]))
        console.print(f"scadenza: {deadline:%d/%m/%Y %H:%M}")
    if data.get("indemnity_cents"):
        console.print(
            f"indennizzo: {format_eur(data['indemnity_cents'])}"
            f" ({data['indemnity_days']} giorni di ritardo)"
        )


@ticket_app.command("open")
@command
def open_(
    msisdn: str,
    kind: Annotated[str, typer.Option("--kind", help="complaint | refund | message")],
    subject: Text,
    body: Text,
    amount: Annotated[str | None, typer.Option(help="refund: amount in euro")] = None,
    refund_to: Annotated[str | None, typer.Option("--refund-to", help="credit | iban")] = None,
    iban: Annotated[str | None, typer.Option()] = None,
    holder: Annotated[str | None, typer.Option(help="the IBAN's holder")] = None,
    invoice: Annotated[str | None, typer.Option(help="the invoice it is about")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Open a ticket for the line's customer; it is acknowledged by SMS with its code."""
    rt = runtime()
    request = TicketRequest(
        kind=kind,
        subject=subject,
        body=body,
        channel="cli",
        actor="operator",
        invoice=invoice,
        amount_cents=parse_eur(amount, field="--amount") if amount is not None else None,
        refund_to=refund_to,
        iban=iban,
        iban_holder=holder,
    )
    number = normalize_msisdn(msisdn)
    with rt.transaction() as session:
        ticket = care.open_for_line(
            session, msisdn=number, request=request, rules=_rules(), now=rt.clock.now()
        )
        data = view(ticket, msisdn=number).model_dump(
            mode="json", include={"id", "code", "kind", "status", "deadline"}
        )
    _show(data, as_json)


@ticket_app.command("answer")
@command
def answer(
    code: str,
    body: Text,
    resolution: Annotated[str | None, typer.Option(help="accepted | rejected")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Answer a ticket; a complaint answered late pays its indemnity (once)."""
    rt = runtime()
    with rt.transaction() as session:
        ticket = care.answer_ticket(
            session,
            code=code,
            body=body,
            actor="operator",
            origin=CLI,
            rules=_rules(),
            now=rt.clock.now(),
            resolution=resolution,
        )
        data = _data(session, ticket)
    _show(data, as_json)


@ticket_app.command("show")
@command
def show(code: str, as_json: JsonFlag = False) -> None:
    """A ticket and its state."""
    rt = runtime()
    with rt.read() as session:
        data = _data(session, repo.ticket_by_code(session, code))
    _show(data, as_json)


@ticket_app.command("close")
@command
def close(code: str, as_json: JsonFlag = False) -> None:
    """Close a ticket."""
    rt = runtime()
    with rt.transaction() as session:
        data = _data(
            session, care.close_ticket(session, code=code, actor="operator", now=rt.clock.now())
        )
    _show(data, as_json)


@care_app.command("message")
@command
def message(
    to: Annotated[str, typer.Option("--to", help="MSISDN or partita IVA")],
    subject: Text,
    body: Text,
) -> None:
    """A message from the operator in the customer's in-app inbox, with an SMS notice."""
    rt = runtime()
    title = clean_text(subject, field="--subject", max_length=200)
    text = clean_text(body, field="--body", max_length=5000)
    now = rt.clock.now()
    with rt.transaction() as session:
        customer_id = _customer_for(session, to)
        numbers = [line.msisdn for line in repo.lines_of(session, customer_id)]
        if not numbers:
            raise CustomerNotFound(to)
        sent = notify.deliver(
            session,
            msisdns=numbers,
            subject=title,
            body=text,
            topic="care",
            key=f"care-message:{customer_id}:{now.isoformat()}",
            now=now,
        )
    console.print(f"Messaggio inviato a {sent} linee.")


@refunds_app.command("export")
@command
def export(output: Annotated[Path, typer.Option("--output", help="the pain.001 file")]) -> None:
    """Write the approved IBAN refunds not yet exported to a SEPA pain.001 file (each refund
    is in one file only)."""
    rt = runtime()
    debtor = Debtor.of(rt.settings.care)
    folder = output.resolve().parent
    if not folder.is_dir():
        raise InvalidInput(f"cartella inesistente: {folder}", f"no such folder: {folder}")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".refunds-", suffix=".xml")
    try:
        with rt.transaction() as session:
            batch = export_refunds(session, debtor=debtor, now=rt.clock.now())
            if batch is None:
                console.print("Nessun rimborso da esportare.")
                return
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(batch.xml)
                out.flush()
                os.fsync(out.fileno())
            fd = -1
            count, total = batch.count, batch.total_cents
        os.replace(tmp, output)  # after the commit: the file holds what the database says
    finally:
        if fd >= 0:
            os.close(fd)
        if os.path.exists(tmp):
            os.unlink(tmp)
    console.print(f"{count} rimborsi, {format_eur(total)}: {output}")


def _customer_for(session: Any, to: str) -> int:
    raw = to.strip()
    if raw.upper().removeprefix("IT").isdigit() and len(raw.upper().removeprefix("IT")) == 11:
        return repo.customer_by_vat(session, normalize_vat_number(raw)).id
    customer, _line = repo.customer_of_line(session, normalize_msisdn(raw))
    return customer.id


def _data(session: Any, ticket: Any) -> dict[str, Any]:
    line = session.get(Line, ticket.line_id) if ticket.line_id else None
    return view(ticket, msisdn=line.msisdn if line else None).model_dump(mode="json")


def _rules() -> ComplaintRules:
    return ComplaintRules.of(runtime().settings.care)
