"""The courtesy PDF: its text in Italian formatting (read back with pypdf) and the FatturaPA
XML attached byte for byte."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from pypdf import PdfReader

from saldo.billing.credits import issue_credit_note
from saldo.billing.document import Document
from saldo.billing.invoices import find_invoice
from saldo.billing.pdf import render_pdf
from saldo.billing.runs import run_bills
from saldo.kit.clock import ROME
from saldo.runtime import Runtime
from tests.billing.factories import PIVA, load_billing_catalog, postpaid_line

RUN_AT = datetime(2026, 12, 1, 2, 0, tzinfo=ROME)


def _pdf(rt: Runtime, number: str) -> tuple[str, dict[str, list[bytes]], bytes, str]:
    with rt.read() as session:
        invoice = find_invoice(session, number)
        xml = invoice.xml.encode()
        pdf = render_pdf(Document.from_json(invoice.document), xml=xml, file_name=invoice.file_name)
        name = invoice.file_name
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages).replace("\xa0", " ")
    return text, dict(reader.attachments), xml, name


def test_the_pdf_shows_the_invoice_in_italian_and_carries_its_xml(
    rt: Runtime, tmp_path: Path
) -> None:
    load_billing_catalog(rt, tmp_path)
    postpaid_line(rt, "+393471000002", plan="UFFICIO", vat_number=PIVA)
    run_bills(rt, period="2026-11", now=RUN_AT)
    text, attachments, xml, name = _pdf(rt, "M/2026/000001")
    for expected in (
        "Fattura n. M/2026/000001",
        "Data 1 dicembre 2026",
        "periodo novembre 2026",
        "scadenza 21 dicembre 2026",
        "37,30 €",  # the total
        "19,99 €",
        "4,40 €",
        "12,91 €",
        "Tassa di concessione governativa",
        "Linea +393471000002",
        "Saldo Mobile S.p.A.",
        "Partita IVA IT09876540015",
        "Rossi Impianti S.r.l.",
        f"Partita IVA IT{PIVA}",
        "IT60X0542811101000000123456",
        "Riepilogo IVA",
        "22 %",
    ):
        assert expected in text, expected
    assert attachments == {name: [xml]}


def test_a_credit_note_pdf_names_the_invoice_it_corrects(rt: Runtime, tmp_path: Path) -> None:
    load_billing_catalog(rt, tmp_path)
    postpaid_line(rt, "+393471000001")
    run_bills(rt, period="2026-11", now=RUN_AT)
    with rt.transaction() as session:
        issue_credit_note(session, number="M/2026/000001", amount_cents=1050, reason="disservizio rete",
                          ref="r", now=RUN_AT)  # fmt: skip
    text, attachments, xml, name = _pdf(rt, "M/2026/000002")
    assert "Nota di credito n. M/2026/000002" in text
    assert "Rettifica la fattura n. M/2026/000001 del 1 dicembre 2026: disservizio rete" in text
    assert "12,81 €" in text  # 10.50 + 22 % VAT 2.31
    assert "Mario Rossi" in text and "Codice fiscale RSSMRA80A01H501U" in text
    assert attachments == {name: [xml]}
