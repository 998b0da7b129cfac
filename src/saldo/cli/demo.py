"""``saldo demo``: demo data and what to try."""

from __future__ import annotations

from typing import Annotated

import typer

from saldo.cli.context import runtime
from saldo.cli.output import command, console
from saldo.demo.seed import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, LINES, seed

app = typer.Typer(help="Demo.", no_args_is_help=True)


@app.command("seed")
@command
def seed_cmd() -> None:
    """Add the demo customers and their usage (lines already there are left alone)."""
    rt = runtime()
    with rt.transaction() as session:
        added = seed(session, clock=rt.clock)
    console.print(f"demo: {added} linee aggiunte, {len(LINES) - added} già presenti")


@app.command("hints")
def hints(port: Annotated[int, typer.Option()] = 8000) -> None:
    """What to try once the server is up."""
    base = f"http://127.0.0.1:{port}"
    console.print(
        f"""
[bold]Saldo è pronto[/] su {base}
  app e area clienti  {base}/
  simulatore telefono {base}/demo/phone   (SMS a 4155, chiamata 4242, *133#)
  area business       {base}/business   ({DEMO_ADMIN_EMAIL} / {DEMO_ADMIN_PASSWORD})
  posta demo          {base}/demo/mail
  API e documentazione {base}/docs
  stato               {base}/healthz

Linee demo: {", ".join(m for m, *_ in LINES)}
Da un altro terminale (con .venv/bin nel PATH):
  saldo balance +393471234567
  saldo topup +393339876543 10 --ref demo-1
  saldo sms +393471234567 SALDO
  saldo call 4242 --from +393471234567 --keys 1
  saldo worker --once
""",
        highlight=False,
    )
