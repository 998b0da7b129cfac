"""The voice line's postpaid branch: after credit and plan, the last invoice's amount and due
date, as SMS FATTURA gives them; prepaid lines hear nothing of invoices."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from saldo.billing.credits import pay_invoice
from saldo.billing.runs import run_bills
from saldo.channels.menus.service import begin_call
from saldo.kit.clock import ROME
from saldo.runtime import Runtime
from tests.billing.factories import PIVA, load_billing_catalog, postpaid_line
from tests.factories import make_line


def _welcome(rt: Runtime, cli: str, call: str, dialled: str = "4242") -> str:
    with rt.transaction() as session:
        reply = begin_call(
            session, settings=rt.settings, now=rt.clock.now(), channel="cli",
            call_id=call, dialled=dialled, cli=cli,
        )  # fmt: skip
    return " ".join(text for _lang, text in reply.segments)


def test_the_postpaid_branch_says_the_last_invoice(rt: Runtime, tmp_path: Path) -> None:
    load_billing_catalog(rt, tmp_path)
    postpaid_line(rt, "+393471000002", plan="UFFICIO", vat_number=PIVA)
    prepaid = make_line(rt, plan="CASA_RIC", credit="20")
    assert "Non ci sono ancora fatture emesse." in _welcome(rt, "+393471000002", "c1")
    run_bills(rt, period="2026-11", now=datetime(2026, 12, 1, 2, 0, tzinfo=ROME))
    said = _welcome(rt, "+393471000002", "c2")
    assert (
        "La tua ultima fattura, di trentasette euro e trenta centesimi, scade il ventuno dicembre."
        in said
    )
    business = _welcome(rt, "+393471000002", "c3", dialled="1928")
    assert "La tua ultima fattura, di trentasette euro e trenta centesimi" in business
    with rt.transaction() as session:
        pay_invoice(session, number="M/2026/000001", ref="CRO-1", now=rt.clock.now())
    assert "è pagata." in _welcome(rt, "+393471000002", "c4")
    assert "fattur" not in _welcome(rt, prepaid, "c5")
