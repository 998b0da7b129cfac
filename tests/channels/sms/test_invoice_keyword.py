"""SMS FATTURA: the amount, due date and state of the line's last invoice, in one GSM-7 SMS."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from saldo.billing.credits import pay_invoice
from saldo.billing.runs import run_bills
from saldo.channels.sms import texts
from saldo.kit.clock import ROME
from saldo.runtime import Runtime
from tests.billing.factories import PIVA, load_billing_catalog, postpaid_line
from tests.channels.sms.test_engine import sms
from tests.factories import make_line


def test_fattura_answers_with_the_last_invoice(rt: Runtime, tmp_path: Path) -> None:
    load_billing_catalog(rt, tmp_path)
    postpaid_line(rt, "+393471000002", plan="UFFICIO", vat_number=PIVA)
    prepaid = make_line(rt, plan="CASA_RIC", credit="20")
    assert sms(rt, "393471000002", "fattura").reply == "Nessuna fattura emessa per questa linea."
    run_bills(rt, period="2026-11", now=datetime(2026, 12, 1, 2, 0, tzinfo=ROME))
    reply = sms(rt, "393471000002", "Fattura").reply
    assert reply == "Ultima fattura M/2026/000001: 37,30 €, scadenza 21/12/2026, da pagare."
    assert texts.is_gsm7(reply) and texts.gsm7_length(reply) <= 160
    with rt.transaction() as session:
        pay_invoice(session, number="M/2026/000001", ref="CRO-1", now=rt.clock.now())
    assert sms(rt, "+393471000002", "FATTURA").reply.endswith("21/12/2026, pagata.")
    assert sms(rt, prepaid, "fattura").reply == "Nessuna fattura emessa per questa linea."
    assert sms(rt, "+393339999999", "fattura").reply == texts.not_customer("Saldo Mobile")
