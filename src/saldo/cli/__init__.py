"""``saldo``: one CLI, split in command groups; each process role is one of its commands."""

from __future__ import annotations

import typer

from saldo.cli import billing, care, catalog, demo, lines, ops, serve, usage, voice
from saldo.cli import sms as sms_commands

app = typer.Typer(
    name="saldo",
    help="Saldo: credito residuo e consumi, esatti su ogni canale.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(ops.db_app, name="db")
app.add_typer(catalog.app, name="catalog")
app.add_typer(lines.line_app, name="line")
app.add_typer(lines.plan_app, name="plan")
app.add_typer(lines.option_app, name="option")
app.add_typer(usage.usage_app, name="usage")
app.add_typer(demo.app, name="demo")
app.add_typer(ops.outbox_app, name="outbox")
app.add_typer(billing.customer_app, name="customer")
app.add_typer(billing.bill_app, name="bill")
app.add_typer(billing.invoice_app, name="invoice")
app.command("topup")(lines.topup)
app.command("balance")(lines.balance)
app.command("worker")(ops.worker)
app.command("serve")(serve.serve)
app.command("smpp")(sms_commands.smpp)
app.command("sms")(sms_commands.sms)
app.add_typer(voice.ivr_app, name="ivr")
app.add_typer(care.ticket_app, name="ticket")
app.add_typer(care.care_app, name="care")
app.add_typer(care.refunds_app, name="refunds")
app.command("call")(voice.call)
app.command("agi")(voice.agi)


def main() -> None:
    app()
