"""The app's invoice pages: the running invoice, the issued invoices with their state, PDF and
XML downloads, "Paga ora" by card (once), a prepaid line told it gets no invoices."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from pypdf import PdfReader

from saldo.billing.runs import run_bills
from saldo.billing.xml import validate_xml
from saldo.kit.clock import ROME
from saldo.runtime import Runtime
from tests.billing.factories import PIVA, load_billing_catalog, postpaid_line
from tests.channels.web.support import Web, form_token, text_of
from tests.factories import make_line


def test_invoices_page_downloads_and_pay_now(web: Web, rt: Runtime, tmp_path: Path) -> None:
    load_billing_catalog(rt, tmp_path)
    postpaid_line(rt, "+393471000001")
    postpaid_line(rt, "+393471000002", plan="UFFICIO", vat_number=PIVA)
    browser = web.browser_login("+393471000001")
    page = text_of(browser.get("/invoices").text)
    assert "Fattura in emissione" in page and "25,16 €" in page
    assert "Nessuna fattura emessa finora." in page
    run_bills(rt, period="2026-11", now=datetime(2026, 12, 1, 2, 0, tzinfo=ROME))
    listing = browser.get("/invoices")
    assert "M/2026/000001" in listing.text and "Da pagare" in text_of(listing.text)
    assert "M/2026/000002" not in listing.text  # the business customer's
    xml = browser.get("/invoices/M-2026-000001/xml")
    validate_xml(xml.content)
    pdf = PdfReader(io.BytesIO(browser.get("/invoices/M-2026-000001/pdf").content))
    assert "Fattura n. M/2026/000001" in pdf.pages[0].extract_text()
    assert browser.get("/invoices/M-2026-000002/pdf").status_code == 404
    form = browser.get("/invoices/M-2026-000001/pay")
    assert "Paga 25,16" in text_of(form.text)
    token = form_token(form.text)
    card = {"card_expiry": "08/29", "card_cvc": "123", "csrf": token}
    declined = browser.post(
        "/invoices/M-2026-000001/pay", data={**card, "card_number": "4000000000000002"}
    )
    assert declined.status_code == 402 and "rifiutat" in text_of(declined.text).lower()
    paid = browser.post(
        "/invoices/M-2026-000001/pay", data={**card, "card_number": "4242424242424242"}
    )
    assert paid.status_code == 303 and paid.headers["location"] == "/invoices?done=invoice_paid"
    after = text_of(browser.get("/invoices?done=invoice_paid").text)
    assert "Fattura pagata: grazie!" in after and "Pagata" in after and "Paga ora" not in after
    again = browser.post(
        "/invoices/M-2026-000001/pay", data={**card, "card_number": "4242424242424242"}
    )
    assert again.status_code == 303 and again.headers["location"] == "/invoices"
    browser.get("/lang/en?next=/invoices")
    english = text_of(browser.get("/invoices").text)
    assert "Invoice being issued" in english and "Paid" in english
    prepaid = web.browser_login(make_line(rt, plan="CASA_RIC", credit="20"))
    assert "non riceve fatture" in text_of(prepaid.get("/invoices").text)


def test_the_invoice_data_page_validates_and_saves_all_or_nothing(
    web: Web, rt: Runtime, tmp_path: Path
) -> None:
    load_billing_catalog(rt, tmp_path)
    postpaid_line(rt, "+393471000001", address=False)
    browser = web.browser_login("+393471000001")
    form = browser.get("/profile")
    assert form.status_code == 200 and "Dati per la fattura" in form.text
    token = form_token(form.text)
    data = {
        "address": "Via Verdi 3",
        "zip": "2012",
        "city": "Torino",
        "province": "TO",
        "csrf": token,
    }
    refused = browser.post("/profile", data=data)
    assert refused.status_code == 422 and "CAP" in text_of(refused.text)
    assert 'value="Via Verdi 3"' in refused.text  # what was typed stays in the form
    assert 'value=""' in browser.get("/profile").text.split('id="address"')[1][:80]  # nothing saved
    saved = browser.post("/profile", data={**data, "zip": "10121", "pec": "mario@pec.example.it"})
    assert saved.status_code == 303 and saved.headers["location"] == "/profile?done=profile"
    page = browser.get("/profile?done=profile").text
    assert "Dati per la fattura salvati." in text_of(page) and 'value="10121"' in page
    with rt.read() as session:
        from sqlalchemy import select

        from saldo.customers.models import Customer

        customer = session.scalars(
            select(Customer).where(Customer.tax_code == "RSSMRA80A01H501U")
        ).one()
        assert (customer.address, customer.zip, customer.city, customer.province, customer.pec) == (
            "Via Verdi 3",
            "10121",
            "Torino",
            "TO",
            "mario@pec.example.it",
        )
