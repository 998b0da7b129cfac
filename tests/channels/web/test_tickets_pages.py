"""The app's ticket pages: a customer opens a complaint in Chromium and sees its code; the
forms need the session's CSRF token; another customer's ticket is not found; a refused form
keeps what was typed and creates nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from saldo.care.models import Ticket, TicketAttachment
from tests.care.factories import open_ticket
from tests.channels.web.support import Web, form_token, text_of
from tests.channels.web.test_browser import (  # one browser for this file
    chromium,
    login,
    no_sideways_scroll,
    open_page,
    shot,
)
from tests.factories import make_line

__all__ = ["chromium", "open_page"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _count(web: Web, model: Any = Ticket) -> int:
    with web.rt.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.slow
def test_a_customer_opens_a_complaint_and_sees_its_code(
    web: Web, open_page: Any, request: pytest.FixtureRequest, tmp_path: Any
) -> None:
    msisdn = make_line(web.rt)
    page = open_page("phone")
    login(page, web, msisdn)
    page.get_by_role("link", name="Segnalazioni").click()
    page.get_by_role("link", name="Nuova segnalazione").click()
    page.get_by_label("Tipo").select_option("complaint")
    page.get_by_label("Oggetto").fill("Addebito non richiesto")
    page.get_by_label("Descrivi il problema").fill("Mi avete addebitato un abbonamento.")
    bill = tmp_path / "bolletta.pdf"
    bill.write_bytes(PDF)
    page.get_by_label("Allegato (PDF, JPEG o PNG, al massimo 5 MB)").set_input_files(str(bill))
    no_sideways_scroll(page)
    page.get_by_role("button", name="Invia").click()
    code = page.get_by_test_id("ticket-code").inner_text()
    assert re.fullmatch(r"RC-2026-\d{6}", code)
    assert "ti abbiamo mandato un SMS con il codice" in page.get_by_role("status").inner_text()
    assert "Risposta entro il 26/12/2026" in page.content()
    page.get_by_role("link", name="bolletta.pdf").wait_for()
    shot(page, request, "ticket-thread")
    with web.rt.read() as session:
        ticket = session.scalars(select(Ticket)).one()
    assert (ticket.code, ticket.kind, ticket.channel) == (code, "complaint", "web")
    page.get_by_role("link", name="Tutte le segnalazioni").click()
    assert code in page.get_by_role("main").inner_text()
    no_sideways_scroll(page)


def test_pages_need_csrf_and_keep_a_refused_form(web: Web) -> None:
    msisdn = make_line(web.rt)
    browser = web.browser_login(msisdn)
    form = browser.get("/tickets/new")
    assert form.status_code == 200 and "Nuova segnalazione" in form.text
    token = form_token(form.text)
    fields = {
        "kind": "refund",
        "subject": "Doppio",
        "body": "Due volte",
        "amount": "12,50",
        "refund_to": "iban",
        "iban": "IT60X0542811101000000123457",
        "iban_holder": "Mario Rossi",
    }
    refused = browser.post("/tickets/new", data={**fields, "csrf": token})
    assert refused.status_code == 422 and "IBAN non valido" in text_of(refused.text)
    assert 'value="Doppio"' in refused.text
    forged = browser.post(
        "/tickets/new", data={**fields, "iban": "IT60X0542811101000000123456", "csrf": "forged"}
    )
    assert forged.status_code == 422
    fake = browser.post(
        "/tickets/new",
        data={**fields, "kind": "message", "csrf": token},
        files={"file": ("x.pdf", b"MZ not a pdf", "application/pdf")},
    )
    assert fake.status_code == 422 and "PDF, JPEG o PNG" in text_of(fake.text)
    assert _count(web) == 0
    made = browser.post(
        "/tickets/new", data={**fields, "iban": "IT60X0542811101000000123456", "csrf": token}
    )
    assert made.status_code == 303
    code = made.headers["location"].split("/")[2].split("?")[0]
    thread = browser.get(f"/tickets/{code}")
    assert "12,50" in text_of(thread.text) and "IT60…3456" in thread.text
    reply = browser.post(
        f"/tickets/{code}/reply",
        data={"body": "", "csrf": token},
        files={"file": ("scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 10, "image/png")},
    )
    assert reply.status_code == 303
    assert _count(web, TicketAttachment) == 1
    browser.cookies.set("saldo_lang", "en")
    english = browser.get(f"/tickets/{code}")
    assert "Refund requested" in text_of(english.text)


def test_another_customers_ticket_is_not_found(web: Web) -> None:
    theirs = open_ticket(web.rt, make_line(web.rt))
    browser = web.browser_login(make_line(web.rt))
    assert browser.get(f"/tickets/{theirs.code}").status_code == 404
    token = form_token(browser.get("/tickets/new").text)
    answer = browser.post(f"/tickets/{theirs.code}/reply", data={"body": "x", "csrf": token})
    assert answer.status_code == 404
    assert theirs.code not in browser.get("/tickets").text
