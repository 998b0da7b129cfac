"""The monthly bill run on a real database: the TCG per line and month, invoices numbered
without gaps, idempotent, resumable, an account without data reported and skipped."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from saldo.billing import runs
from saldo.billing.accounts import record_monthly_tcg
from saldo.billing.invoices import accounts_for, find_invoice, invoice_json, running_invoice
from saldo.billing.models import BillableCharge, Invoice
from saldo.billing.runs import run_bills
from saldo.billing.xml import validate_xml
from saldo.kit.clock import ROME
from saldo.runtime import Runtime
from tests.billing.factories import CF, PIVA, charges, load_billing_catalog, postpaid_line
from tests.factories import make_line

RUN_AT = datetime(2026, 12, 1, 2, 0, tzinfo=ROME)
NS = {"p": "http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2"}


@pytest.fixture
def billing_rt(rt: Runtime, tmp_path: Path) -> Runtime:
    load_billing_catalog(rt, tmp_path)
    return rt


def _invoices(rt: Runtime) -> list[Invoice]:
    with rt.read() as session:
        rows = list(session.scalars(select(Invoice).order_by(Invoice.id)))
        session.expunge_all()
        return rows


def test_a_postpaid_line_owes_the_tcg_of_its_month_private_and_business(
    billing_rt: Runtime,
) -> None:
    postpaid_line(billing_rt, "+393471000001")
    postpaid_line(billing_rt, "+393471000002", plan="UFFICIO", vat_number=PIVA)
    prepaid = make_line(billing_rt, plan="CASA_RIC", credit="50")
    [private] = [c for c in charges(billing_rt, "+393471000001", tcg=True) if c.kind == "tcg"]
    [business] = [c for c in charges(billing_rt, "+393471000002", tcg=True) if c.kind == "tcg"]
    assert (private.net_cents, private.vat_rate_bp) == (516, 0)
    assert (business.net_cents, business.vat_rate_bp) == (1291, 0)
    assert private.reference.endswith(":2026-11")
    assert charges(billing_rt, prepaid, tcg=True) == []
    with billing_rt.transaction() as session:
        assert record_monthly_tcg(session, period="2026-11") == 2  # already charged: no new row
        record_monthly_tcg(session, period="2026-12")
    december = [c for c in charges(billing_rt, "+393471000001", tcg=True) if c.kind == "tcg"]
    assert [c.reference.rsplit(":", 1)[1] for c in december] == ["2026-11", "2026-12"]
    assert december[1].occurred_at == datetime(2026, 12, 1, tzinfo=ROME)


def test_the_running_invoice_shows_charges_so_far(billing_rt: Runtime) -> None:
    postpaid_line(billing_rt, "+393471000001")
    with billing_rt.read() as session:
        _, accounts = accounts_for(session, CF)
        by_msisdn = accounts_for(session, "3471000001")[1]
        current = running_invoice(session, account_ids=accounts, now=billing_rt.clock.now())
    assert by_msisdn == accounts
    # CASA 19.99 VAT included -> 16.39 net; VAT on the sum 3.61; TCG 5.16 outside VAT
    assert {k: v for k, v in current.items() if k != "charges"} == {
        "period": "2026-11",
        "net_cents": 1639,
        "vat_cents": 361,
        "exempt_cents": 516,
        "total_cents": 2516,
    }
    assert [(c["kind"], c["net_cents"], c["natura"]) for c in current["charges"]] == [
        ("plan_fee", 1639, None),
        ("tcg", 516, "N1"),
    ]


def test_the_bill_run_issues_one_numbered_valid_invoice_per_account_once(
    billing_rt: Runtime,
) -> None:
    postpaid_line(billing_rt, "+393471000001")
    postpaid_line(
        billing_rt, "+393471000002", plan="UFFICIO", vat_number=PIVA, pec="fatture@pec.rossi.it"
    )
    report = run_bills(billing_rt, period="2026-11", now=RUN_AT)
    assert (report.issued, report.errors) == (["M/2026/000001", "M/2026/000002"], [])
    again = run_bills(billing_rt, period="2026-11", now=RUN_AT)
    assert (again.issued, again.accounts) == ([], 0)
    private, business = _invoices(billing_rt)
    data = invoice_json(private)
    assert {k: data[k] for k in ("number", "date", "due_date", "kind", "status")} == {
        "number": "M/2026/000001",
        "date": "2026-12-01",
        "due_date": "2026-12-21",
        "kind": "invoice",
        "status": "issued",
    }
    assert data["customer"] == {"id": private.customer_id, "name": "Mario Rossi", "tax_code": CF}
    assert (data["net_cents"], data["vat_cents"], data["exempt_cents"]) == (1639, 361, 516)
    assert (data["stamp_cents"], data["total_cents"]) == (0, 2516)
    # business prices exclude VAT: 19.99 net, VAT 4.40 (4.3978), TCG 12.91
    assert (business.net_cents, business.vat_cents, business.exempt_cents) == (1999, 440, 1291)
    assert business.total_cents == 1999 + 440 + 1291
    assert invoice_json(business)["customer"]["vat_number"] == PIVA
    for invoice in (private, business):
        validate_xml(invoice.xml.encode())
        assert invoice.file_name.startswith("IT09876540015_") and invoice.file_name.endswith(".xml")
    with billing_rt.read() as session:
        assert (
            session.scalar(select(BillableCharge.id).where(BillableCharge.invoice_id.is_(None)))
            is None
        )
    root = etree.fromstring(business.xml.encode())
    assert root.findtext(".//DatiTrasmissione/CodiceDestinatario") == "0000000"
    assert root.findtext(".//DatiTrasmissione/PECDestinatario") == "fatture@pec.rossi.it"
    assert root.findtext(".//CessionarioCommittente//IdFiscaleIVA/IdCodice") == PIVA
    assert root.findtext(".//ImportoTotaleDocumento") == "37.30"
    riepilogo = [
        (
            r.findtext("AliquotaIVA"),
            r.findtext("Natura"),
            r.findtext("ImponibileImporto"),
            r.findtext("Imposta"),
        )
        for r in root.iterfind(".//DatiRiepilogo")
    ]
    assert riepilogo == [("22.00", None, "19.99", "4.40"), ("0.00", "N1", "12.91", "0.00")]
    assert root.findtext(".//ModalitaPagamento") == "MP05"
    assert root.findtext(".//DataScadenzaPagamento") == "2026-12-21"
    private_root = etree.fromstring(private.xml.encode())
    assert private_root.findtext(".//CessionarioCommittente//CodiceFiscale") == CF
    assert private_root.find(".//PECDestinatario") is None


def test_an_sdi_code_is_the_recipient_code(billing_rt: Runtime) -> None:
    postpaid_line(billing_rt, "+393471000002", plan="UFFICIO", vat_number=PIVA, sdi_code="kr4y2tz")
    run_bills(billing_rt, period="2026-11", now=RUN_AT)
    [invoice] = _invoices(billing_rt)
    root = etree.fromstring(invoice.xml.encode())
    assert root.findtext(".//CodiceDestinatario") == "KR4Y2TZ"


def test_an_account_without_address_is_reported_and_the_run_goes_on(billing_rt: Runtime) -> None:
    postpaid_line(billing_rt, "+393471000001", address=False)
    postpaid_line(billing_rt, "+393471000002", plan="UFFICIO", vat_number=PIVA)
    report = run_bills(billing_rt, period="2026-11", now=RUN_AT)
    assert report.issued == ["M/2026/000001"]
    [(account, message)] = report.errors
    assert "indirizzo" in message and "CAP" in message and CF in message
    with billing_rt.read() as session:
        assert find_invoice(session, "M/2026/000001").customer_id != account


def test_a_run_stopped_half_way_resumes_without_issuing_twice(
    billing_rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(5):
        postpaid_line(billing_rt, f"+39347100000{i}")
    monkeypatch.setattr(runs, "BATCH", 2)
    real = runs.invoice_account
    calls = []

    def crashing(session: Session, **kwargs: object) -> Invoice | None:
        calls.append(kwargs["account_id"])
        if len(calls) == 4:  # in the middle of the second batch
            raise KeyboardInterrupt
        return real(session, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runs, "invoice_account", crashing)
    with pytest.raises(KeyboardInterrupt):
        run_bills(billing_rt, period="2026-11", now=RUN_AT)
    assert [i.number for i in _invoices(billing_rt)] == ["M/2026/000001", "M/2026/000002"]
    monkeypatch.setattr(runs, "invoice_account", real)
    report = run_bills(billing_rt, period="2026-11", now=RUN_AT)
    assert report.issued == ["M/2026/000003", "M/2026/000004", "M/2026/000005"]
    numbers = [i.number for i in _invoices(billing_rt)]
    assert numbers == [f"M/2026/{n:06d}" for n in range(1, 6)]
    assert len({i.account_id for i in _invoices(billing_rt)}) == 5


def test_charges_of_another_month_wait_for_their_run(billing_rt: Runtime) -> None:
    postpaid_line(billing_rt, "+393471000001")
    report = run_bills(billing_rt, period="2026-10", now=RUN_AT)
    assert (report.accounts, report.issued) == (0, [])
