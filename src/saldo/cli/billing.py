"""``saldo customer update``, ``saldo bill run``, ``saldo invoice …``."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from saldo.billing.accounts import account_of_customer
from saldo.billing.credits import issue_credit_note, pay_invoice
from saldo.billing.document import Document
from saldo.billing.invoices import (
    accounts_for,
    find_invoice,
    invoice_json,
    list_invoices,
    running_invoice,
)
from saldo.billing.models import Invoice
from saldo.billing.pdf import courtesy_copies, pdf_name, render_pdf
from saldo.billing.periods import parse_period
from saldo.billing.runs import run_bills
from saldo.billing.sepa import set_mandate
from saldo.cli.context import runtime
from saldo.cli.output import command, console, emit_json, err_console
from saldo.customers.service import (
    CustomerChanges,
    customer_json,
    find_customer,
    update_customer,
)
from saldo.kit.clock import FixedClock
from saldo.kit.errors import InvalidInput
from saldo.kit.money import format_eur, parse_eur
from saldo.kit.validators import check_text, parse_date, parse_id, parse_instant
from saldo.runtime import Runtime, retrying

customer_app = typer.Typer(help="Clienti: dati per la fattura.", no_args_is_help=True)
bill_app = typer.Typer(help="Emissione delle fatture.", no_args_is_help=True)
invoice_app = typer.Typer(help="Fatture e note di credito.", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="machine-readable output")]
Text = Annotated[str | None, typer.Option()]


@customer_app.command("update")
@command
def customer_update(
    key: Annotated[str, typer.Argument(metavar="CODICE_FISCALE|PARTITA_IVA")],
    name: Text = None,
    address: Text = None,
    zip: Annotated[str | None, typer.Option("--zip", help="CAP, five digits")] = None,
    city: Text = None,
    province: Annotated[str | None, typer.Option(help="two letters, e.g. MI")] = None,
    country: Annotated[str | None, typer.Option(help="ISO code, e.g. IT")] = None,
    email: Text = None,
    pec: Annotated[str | None, typer.Option(help="PEC address for e-invoices")] = None,
    sdi_code: Annotated[str | None, typer.Option("--sdi-code", help="7-character SdI code")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Change a customer's invoice data (all given fields or, on a bad one, none)."""
    rt = runtime()
    changes = CustomerChanges(name, address, zip, city, province, country, email, pec, sdi_code)
    with rt.transaction() as session:
        customer = update_customer(session, customer=find_customer(session, key), changes=changes)
        data = customer_json(customer)
    if as_json:
        emit_json(data)
        return
    console.print(f"cliente {data['vat_number'] or data['tax_code']} aggiornato")


@customer_app.command("mandate")
@command
def customer_mandate(
    key: Annotated[str, typer.Argument(metavar="CODICE_FISCALE|PARTITA_IVA")],
    iban: Annotated[str, typer.Option("--iban", help="the account to debit")],
    mandate_id: Annotated[str, typer.Option("--mandate-id", help="mandate reference")],
    signed_on: Annotated[str, typer.Option("--signed-on", help="YYYY-MM-DD")],
) -> None:
    """Record a SEPA direct debit mandate: the customer's next invoices are paid by MP19."""
    rt = runtime()
    day = parse_date(signed_on, field="--signed-on")
    with rt.transaction() as session:
        customer = find_customer(session, key)
        account = account_of_customer(session, customer_id=customer.id, now=rt.clock.now())
        set_mandate(session, account=account, iban=iban, mandate_id=mandate_id, signed_on=day)
        shown = account.mandate_iban
    console.print(f"mandato {mandate_id.strip()} registrato, IBAN {shown}")


@bill_app.command("run")
@command
def bill_run(
    period: Annotated[str, typer.Option("--period", help="YYYY-MM, the month to invoice")],
    now: Annotated[str | None, typer.Option("--now", help="the run's instant (ISO 8601)")] = None,
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="folder for the courtesy PDFs of the run")
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=64, help="processes rendering the PDFs")
    ] = max(1, os.cpu_count() or 1),
    as_json: JsonFlag = False,
) -> None:
    """Issue one invoice per billing account with uninvoiced charges of the month."""
    rt = runtime()
    month = parse_period(period)
    if now is not None:
        rt.clock = FixedClock(parse_instant(now, field="--now"))
    show = sys.stderr.isatty() and not as_json
    with Progress(
        TextColumn("[bold]fatture[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        disable=not show,
        console=err_console,
    ) as bar:
        task = bar.add_task("run", total=None)
        report = run_bills(
            rt,
            period=month,
            now=rt.clock.now(),
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    data = {
        "period": report.period,
        "accounts": report.accounts,
        "issued": report.issued,
        "skipped": report.skipped,
        "errors": [{"account": a, "error": e} for a, e in report.errors],
        "sepa_batch": report.sepa_batch,
    }
    if pdf is not None:
        try:
            data["pdfs"] = courtesy_copies(rt, numbers=report.issued, folder=pdf, workers=workers)
        except OSError as exc:
            raise InvalidInput(
                f"--pdf: impossibile scrivere in {pdf}: {exc.strerror}",
                f"--pdf: cannot write into {pdf}: {exc.strerror}",
            ) from None
    if as_json:
        emit_json(data)
    else:
        console.print(
            f"periodo {month}: emesse {len(report.issued)} fatture, "
            f"già emesse {report.skipped}, errori {len(report.errors)}"
        )
        for account, error in report.errors:
            err_console.print(f"conto {account}: {error}", highlight=False, markup=False)
    if report.errors:
        raise typer.Exit(1)


@invoice_app.command("current")
@command
def invoice_current(
    key: Annotated[str, typer.Argument(metavar="MSISDN|PARTITA_IVA|CODICE_FISCALE")],
    as_json: JsonFlag = False,
) -> None:
    """The invoice being issued: this month's charges so far."""
    rt = runtime()
    with rt.read() as session:
        _, accounts = accounts_for(session, key)
        data = running_invoice(session, account_ids=accounts, now=rt.clock.now())
    if as_json:
        emit_json(data)
        return
    console.print(f"fattura in emissione {data['period']}")
    table = Table("voce", "imponibile", "IVA %")
    for charge in data["charges"]:
        rate = charge["natura"] or f"{charge['vat_rate_bp'] / 100:g}"
        table.add_row(charge["description"], format_eur(charge["net_cents"]), rate)
    console.print(table)
    console.print(f"totale [bold]{format_eur(data['total_cents'])}[/]")


@invoice_app.command("list")
@command
def invoice_list(
    customer: Annotated[str | None, typer.Option("--customer", help="customer id")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Invoices and credit notes, newest first."""
    rt = runtime()
    ids = None if customer is None else [parse_id(customer, field="--customer")]
    with rt.read() as session:
        data = [invoice_json(i) for i in list_invoices(session, customer_ids=ids)]
    if as_json:
        emit_json(data)
        return
    table = Table("numero", "data", "scadenza", "cliente", "totale", "stato")
    for item in data:
        who = item["customer"].get("vat_number") or item["customer"].get("tax_code")
        table.add_row(
            item["number"], item["date"], item["due_date"], who,
            format_eur(item["total_cents"]), item["status"],
        )  # fmt: skip
    console.print(table)


@invoice_app.command("show")
@command
def invoice_show(number: str, as_json: JsonFlag = False) -> None:
    """One invoice or credit note."""
    rt = runtime()
    with rt.read() as session:
        data = invoice_json(find_invoice(session, number))
    if as_json:
        emit_json(data)
        return
    console.print(f"[bold]{data['number']}[/] del {data['date']}, scadenza {data['due_date']}")
    for line in data["lines"]:
        console.print(f"  {line['description']}: {format_eur(line['net_cents'])}")
    console.print(f"totale {format_eur(data['total_cents'])} ({data['status']})")


def _write(output: Path | None, default_name: str, data: bytes) -> None:
    target = output or Path(default_name)
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise InvalidInput(
            f"--output: impossibile scrivere {target}: {exc.strerror}",
            f"--output: cannot write {target}: {exc.strerror}",
        ) from None
    console.print(str(target))


Output = Annotated[Path | None, typer.Option("--output", help="file to write")]


@invoice_app.command("xml")
@command
def invoice_xml(number: str, output: Output = None) -> None:
    """Write the FatturaPA XML (default name IT<VAT>_<progressive>.xml)."""
    rt = runtime()
    with rt.read() as session:
        invoice = find_invoice(session, number)
        name, xml = invoice.file_name, invoice.xml.encode("utf-8")
    _write(output, name, xml)


@invoice_app.command("credit-note")
@command
def invoice_credit_note(
    number: str,
    amount: Annotated[str, typer.Option("--amount", help="taxable euro to credit, e.g. 10.50")],
    reason: Annotated[str, typer.Option("--reason", help="why (at most 200 characters)")],
    ref: Annotated[
        str | None, typer.Option("--ref", help="idempotency key: the same twice issues one")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Issue a TD04 credit note on an invoice (VAT added at the invoice's rate)."""
    rt = runtime()
    cents = parse_eur(amount, field="--amount")
    why = _filled(reason, field="--reason", max_length=200)
    key = None if ref is None else _filled(ref, field="--ref", max_length=80)

    def credit(session: Session) -> tuple[Invoice, bool]:
        note = issue_credit_note(
            session, number=number, amount_cents=cents, reason=why, ref=key, now=rt.clock.now()
        )
        return note.note, note.replayed

    data = _replayable(rt, credit)
    if as_json:
        emit_json(data)
        return
    note = " (già emessa)" if data["replayed"] else ""
    console.print(f"nota di credito {data['number']}: {format_eur(data['total_cents'])}{note}")


def _filled(text: str, *, field: str, max_length: int) -> str:
    """A text option that fits its column and is not blank, stripped."""
    check_text(text, field=field, max_length=max_length)
    if not text.strip():
        raise InvalidInput(f"{field}: non può essere vuoto", f"{field}: must not be empty")
    return text.strip()


def _replayable(rt: Runtime, work: Callable[[Session], tuple[Invoice, bool]]) -> dict[str, Any]:
    """Run ``work`` in a transaction of its own; the document it answers as JSON, with
    ``replayed`` when it was there already."""

    def as_json(session: Session) -> dict[str, Any]:
        invoice, replayed = work(session)
        return {**invoice_json(invoice), "replayed": replayed}

    try:
        return retrying(rt, as_json)
    except IntegrityError:  # the same key at the same moment from another process: replay it
        return retrying(rt, as_json)


@invoice_app.command("pay")
@command
def invoice_pay(
    number: str,
    ref: Annotated[str, typer.Option("--ref", help="payment id (e.g. the bank transfer's CRO)")],
    as_json: JsonFlag = False,
) -> None:
    """Record the payment of an invoice (the same --ref twice pays once)."""
    rt = runtime()
    payment = _filled(ref, field="--ref", max_length=100)

    def pay(session: Session) -> tuple[Invoice, bool]:
        paid = pay_invoice(session, number=number, ref=payment, now=rt.clock.now())
        return paid.invoice, paid.replayed

    data = _replayable(rt, pay)
    if as_json:
        emit_json(data)
        return
    note = " (già registrato)" if data["replayed"] else ""
    console.print(f"fattura {data['number']} pagata{note}")


@invoice_app.command("pdf")
@command
def invoice_pdf(number: str, output: Output = None) -> None:
    """Write the courtesy PDF, the FatturaPA XML attached (default name <number>.pdf)."""
    rt = runtime()
    with rt.read() as session:
        invoice = find_invoice(session, number)
        doc, xml, name = Document.from_json(invoice.document), invoice.xml, invoice.file_name
    pdf = render_pdf(doc, xml=xml.encode("utf-8"), file_name=name)
    _write(output, pdf_name(invoice.number), pdf)
