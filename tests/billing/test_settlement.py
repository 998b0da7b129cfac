"""After the invoice: credit notes capped by what remains, payments once per reference,
overdue invoices and their one reminder, the worker's monthly run."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select

from saldo.billing.credits import issue_credit_note, pay_invoice
from saldo.billing.errors import AlreadyPaid, CreditTooLarge, PaymentRefReused
from saldo.billing.invoices import find_invoice, invoice_json
from saldo.billing.models import Invoice
from saldo.billing.runs import run_bills
from saldo.billing.xml import validate_xml
from saldo.kit.clock import ROME
from saldo.notifications.models import OutboxMessage
from saldo.runtime import Runtime
from saldo.worker import run_once
from tests.billing.factories import PIVA, load_billing_catalog, postpaid_line

RUN_AT = datetime(2026, 12, 1, 2, 0, tzinfo=ROME)
FIRST = "M/2026/000001"


@pytest.fixture
def invoiced(rt: Runtime, tmp_path: Path) -> Runtime:
    """One business invoice: 19.99 net, VAT 4.40, TCG 12.91, total 37.30."""
    load_billing_catalog(rt, tmp_path)
    postpaid_line(rt, "+393471000002", plan="UFFICIO", vat_number=PIVA, email="conti@rossi.it")
    run_bills(rt, period="2026-11", now=RUN_AT)
    return rt


def _credit(rt: Runtime, cents: int, ref: str | None = None) -> tuple[dict, bool]:  # type: ignore[type-arg]
    with rt.transaction() as session:
        result = issue_credit_note(
            session,
            number=FIRST,
            amount_cents=cents,
            reason="rimborso disservizio",
            ref=ref,
            now=RUN_AT,
        )
        return invoice_json(result.note), result.replayed


def _status(rt: Runtime, number: str = FIRST) -> str:
    with rt.read() as session:
        return find_invoice(session, number).status


def test_a_credit_note_is_a_valid_td04_naming_the_invoice_and_is_capped(invoiced: Runtime) -> None:
    note, replayed = _credit(invoiced, 1000, ref="T-1")
    assert not replayed and note["kind"] == "credit_note" and note["number"] == "M/2026/000002"
    assert (note["net_cents"], note["vat_cents"], note["total_cents"]) == (1000, 220, 1220)
    assert _credit(invoiced, 1000, ref="T-1") == ({**note}, True)  # same ref: one note
    with invoiced.read() as session:
        xml = find_invoice(session, note["number"]).xml.encode()
    validate_xml(xml)
    root = etree.fromstring(xml)
    assert root.findtext(".//TipoDocumento") == "TD04"
    assert root.findtext(".//DatiFattureCollegate/IdDocumento") == FIRST
    assert root.findtext(".//DatiFattureCollegate/Data") == "2026-12-01"
    assert root.find(".//DatiPagamento") is None  # the customer owes nothing on a credit note
    with pytest.raises(CreditTooLarge) as refused:
        _credit(invoiced, 1000, ref="T-2")  # 9.99 left of 19.99
    assert "9,99" in refused.value.message_it
    assert _status(invoiced) == "issued"
    _credit(invoiced, 999, ref="T-3")
    assert _status(invoiced) == "credited"
    with pytest.raises(CreditTooLarge):
        _credit(invoiced, 1, ref="T-4")


def test_a_payment_reference_pays_once_and_a_paid_invoice_is_not_paid_again(
    invoiced: Runtime,
) -> None:
    with invoiced.transaction() as session:
        first = pay_invoice(session, number=FIRST, ref="CRO-1", now=RUN_AT)
        assert (first.invoice.status, first.replayed) == ("paid", False)
    with invoiced.transaction() as session:
        assert pay_invoice(session, number=FIRST, ref="CRO-1", now=RUN_AT).replayed
    with invoiced.transaction() as session, pytest.raises(AlreadyPaid):
        pay_invoice(session, number=FIRST, ref="CRO-2", now=RUN_AT)
    postpaid_line(invoiced, "+393471000003", plan="UFFICIO", vat_number="00743110157")
    run_bills(invoiced, period="2026-11", now=RUN_AT)
    with invoiced.transaction() as session, pytest.raises(PaymentRefReused):
        pay_invoice(session, number="M/2026/000002", ref="CRO-1", now=RUN_AT)
    assert _status(invoiced, "M/2026/000002") == "issued"


def test_unpaid_invoices_go_overdue_and_get_one_reminder_seven_days_after(
    invoiced: Runtime,
) -> None:
    clock = invoiced.clock
    clock.set(datetime(2026, 12, 21, 12, 0, tzinfo=ROME))  # the due date itself
    assert run_once(invoiced)["overdue"] == 0
    clock.set(datetime(2026, 12, 22, 0, 30, tzinfo=ROME))
    assert run_once(invoiced)["overdue"] == 1
    assert _status(invoiced) == "overdue"
    clock.set(datetime(2026, 12, 27, 9, 0, tzinfo=ROME))
    assert run_once(invoiced)["reminded"] == 0
    clock.set(datetime(2026, 12, 28, 9, 0, tzinfo=ROME))
    assert run_once(invoiced)["reminded"] == 1
    assert run_once(invoiced)["reminded"] == 0
    with invoiced.read() as session:
        sent = session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "invoice")).all()
    assert sorted((m.channel, m.recipient) for m in sent) == [
        ("email", "conti@rossi.it"),
        ("sms", "+393471000002"),
    ]
    assert "fattura M/2026/000001 di 37,30 €, scaduta il 21 dicembre 2026" in sent[0].body
    with invoiced.transaction() as session:
        assert (
            pay_invoice(session, number=FIRST, ref="late", now=clock.now()).invoice.status == "paid"
        )


def test_the_worker_invoices_the_month_before_once(rt: Runtime, tmp_path: Path) -> None:
    load_billing_catalog(rt, tmp_path)
    postpaid_line(rt, "+393471000001")
    assert run_once(rt)["invoiced"] == 0  # 26 November: October has nothing
    rt.clock.set(datetime(2026, 12, 1, 0, 5, tzinfo=ROME))
    assert run_once(rt)["invoiced"] == 1
    assert run_once(rt)["invoiced"] == 0
    with rt.read() as session:
        [invoice] = session.scalars(select(Invoice)).all()
        assert (invoice.period, invoice.issued_on.isoformat()) == ("2026-11", "2026-12-01")
