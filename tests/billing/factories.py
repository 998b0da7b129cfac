"""Test data for billable charges: a catalogue with postpaid plans and their prepaid twins."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from saldo.billing.models import BillableCharge
from saldo.catalog.service import load_catalog
from saldo.customers.models import Customer
from saldo.customers.service import CustomerChanges, update_customer
from saldo.kit.origin import CLI
from saldo.lines.models import Line
from saldo.lines.service import add_line
from saldo.runtime import Runtime
from tests.factories import DEMO_CATALOG

# (code, segment, billing): each postpaid plan has a prepaid twin priced alike
PLANS = (
    ("CASA", "consumer", "postpaid"),
    ("CASA_RIC", "consumer", "prepaid"),
    ("UFFICIO", "business", "postpaid"),
    ("UFFICIO_RIC", "business", "prepaid"),
)
TWINS = {"CASA": "CASA_RIC", "UFFICIO": "UFFICIO_RIC"}
OPTIONS = ("MONDO_100", "PIU_GIGA", "ESTERO_SMS")


def _plan(code: str, segment: str, billing: str) -> str:
    return f"""
[[plan]]
code = "{code}"
name = "{code.title()}"
segment = "{segment}"
billing = "{billing}"
fee = "19.99"
period = "1m"
[plan.allowances]
voice = "300min"
sms = "50"
data = "2GB"
data_eu = "1GB"
[plan.rates.national]
voice = {{ per_minute = "0.29", connect_fee = "0.15", increment = 1 }}
sms = {{ each = "0.19" }}
data = {{ per_mb = "0.49", increment_kb = 100 }}
[plan.rates.international]
voice = {{ per_minute = "0.59", connect_fee = "0.19", increment = 60 }}
sms = {{ each = "0.33" }}
[plan.rates.world]
voice = {{ per_minute = "2.50", connect_fee = "0.00", increment = 60 }}
sms = {{ each = "0.71" }}
data = {{ per_mb = "1.03", increment_kb = 100 }}
"""


_OPTIONS = """
[[option]]
code = "PIU_GIGA"
name = "Piu Giga"
fee = "2.49"
period = "until_renewal"
plans = ["CASA", "CASA_RIC", "UFFICIO", "UFFICIO_RIC"]
[option.allowances]
data = "1GB"

[[option]]
code = "ESTERO_SMS"
name = "Estero SMS"
fee = "3.33"
period = "4w"
recurring = true
[option.allowances]
sms = "20"
"""


def load_billing_catalog(rt: Runtime, directory: Path) -> None:
    """The demo catalogue plus ``PLANS`` and two options, as the current version."""
    text = DEMO_CATALOG.read_text(encoding="utf-8")
    plans = "".join(_plan(*p) for p in PLANS)
    marker = "# --- options"
    path = directory / "billing-catalog.toml"
    path.write_text(text.replace(marker, plans + "\n" + marker) + _OPTIONS, encoding="utf-8")
    with rt.transaction() as session:
        load_catalog(session, path=path, clock=rt.clock)


def charges(rt: Runtime, msisdn: str, *, tcg: bool = False) -> list[BillableCharge]:
    """The line's billable charges, in the order they were written (the monthly TCG only when
    asked for)."""
    query = (
        select(BillableCharge)
        .join(Line, Line.id == BillableCharge.line_id)
        .where(Line.msisdn == msisdn)
        .order_by(BillableCharge.id)
    )
    if not tcg:
        query = query.where(BillableCharge.kind != "tcg")
    with rt.read() as session:
        rows = session.scalars(query).all()
        session.expunge_all()
        return list(rows)


def all_charges(rt: Runtime) -> int:
    """Every charge but the monthly TCG."""
    with rt.read() as session:
        query = select(BillableCharge.id).where(BillableCharge.kind != "tcg")
        return len(session.scalars(query).all())


CF = "RSSMRA80A01H501U"
PIVA = "01234560017"


def postpaid_line(
    rt: Runtime,
    msisdn: str,
    *,
    plan: str = "CASA",
    tax_code: str | None = CF,
    vat_number: str | None = None,
    address: bool = True,
    **data: str,
) -> int:
    """A postpaid line of a new customer with (``address``) the data an invoice needs;
    returns the customer's id."""
    with rt.transaction() as session:
        line = add_line(
            session,
            msisdn=msisdn,
            plan_code=plan,
            name="Mario Rossi" if vat_number is None else "Rossi Impianti S.r.l.",
            tax_code=None if vat_number else tax_code,
            vat_number=vat_number,
            postpaid=True,
            clock=rt.clock,
            origin=CLI,
        )
        customer = session.get_one(Customer, line.customer_id)
        fields = {"address": "Via Roma 1", "zip": "20121", "city": "Milano", "province": "MI"}
        changes = {**(fields if address else {}), "country": "IT", **data}
        update_customer(session, customer=customer, changes=CustomerChanges(**changes))
        return customer.id
