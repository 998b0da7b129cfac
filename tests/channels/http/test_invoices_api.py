"""/api/v1/me/invoices over a real server: a postpaid line's invoices, the running one, the
PDF and XML downloads, pay now through the sandbox provider (once), others' invoices hidden."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import func, select

from saldo.billing.runs import run_bills
from saldo.billing.xml import validate_xml
from saldo.kit.clock import ROME
from saldo.payments.orders.models import SandboxCharge
from saldo.payments.sandbox import SANDBOX
from saldo.runtime import Runtime
from tests.billing.factories import PIVA, load_billing_catalog, postpaid_line
from tests.channels.web.support import Server, Web
from tests.factories import make_line

CARD = {"number": "4242 4242 4242 4242", "expiry": "08/29", "cvc": "123"}
DECLINED = {**CARD, "number": "4000 0000 0000 0002"}


def _charges(rt: Runtime) -> int:
    with rt.read() as session:
        return int(session.scalar(select(func.count()).select_from(SandboxCharge)) or 0)


def test_a_postpaid_line_sees_downloads_and_pays_its_invoices(
    server: Server, rt: Runtime, tmp_path: Path
) -> None:
    rt.settings.web.payment_provider = SANDBOX
    load_billing_catalog(rt, tmp_path)
    postpaid_line(rt, "+393471000001")
    postpaid_line(rt, "+393471000002", plan="UFFICIO", vat_number=PIVA)
    prepaid = make_line(rt, plan="CASA_RIC", credit="20")
    web = Web(server, rt)
    try:
        api = web.api_login("+393471000001")
        current = api.get("/api/v1/me/invoices/current").json()
        assert (current["period"], current["total_cents"]) == ("2026-11", 2516)
        assert api.get("/api/v1/me/invoices").json() == []
        run_bills(rt, period="2026-11", now=datetime(2026, 12, 1, 2, 0, tzinfo=ROME))
        [mine] = api.get("/api/v1/me/invoices").json()
        assert (mine["number"], mine["status"], mine["total_cents"]) == (
            "M/2026/000001",
            "issued",
            2516,
        )
        assert api.get("/api/v1/me/invoices/M-2026-000001").json() == mine
        xml = api.get("/api/v1/me/invoices/M-2026-000001/xml")
        assert xml.headers["content-type"] == "application/xml"
        assert 'filename="IT09876540015_' in xml.headers["content-disposition"]
        validate_xml(xml.content)
        pdf = api.get("/api/v1/me/invoices/M-2026-000001/pdf")
        reader = PdfReader(io.BytesIO(pdf.content))
        assert "25,16" in reader.pages[0].extract_text()
        assert list(reader.attachments.values()) == [[xml.content]]
        # the business line's invoice is not this line's
        assert api.get("/api/v1/me/invoices/M-2026-000002").status_code == 404
        other = api.post("/api/v1/me/invoices/M-2026-000002/pay", json=CARD)
        assert other.status_code == 404 and _charges(rt) == 0
        declined = api.post("/api/v1/me/invoices/M-2026-000001/pay", json=DECLINED)
        assert declined.status_code == 402
        paid = api.post("/api/v1/me/invoices/M-2026-000001/pay", json=CARD)
        assert paid.status_code == 200, paid.text
        assert (paid.json()["status"], paid.json()["replayed"]) == ("paid", False)
        again = api.post("/api/v1/me/invoices/M-2026-000001/pay", json=CARD)
        assert again.status_code == 409 and again.json()["code"] == "invoice_already_paid"
        assert _charges(rt) == 2  # one declined, one approved: nothing charged twice
        bad = api.post("/api/v1/me/invoices/M-2026-000001/pay", json={**CARD, "number": "12"})
        assert bad.status_code == 422
        assert web.api_login(prepaid).get("/api/v1/me/invoices").json() == []
        assert web.api_login(prepaid).get("/api/v1/me/invoices/current").status_code == 404
        assert web.client().get("/api/v1/me/invoices").status_code == 401
    finally:
        web.close()
