"""Billing from the command line: a customer's invoice data, the running invoice, the bill run,
the invoices and their FatturaPA, bad input answered with exit code 2 and nothing changed."""

from __future__ import annotations

import json
from pathlib import Path

from lxml import etree
from pypdf import PdfReader

from saldo.billing.xml import validate_xml
from tests.factories import DEMO_CATALOG

PIVA = "01234560017"
RUN = ("--now", "2026-12-01T02:00:00+01:00")


def _setup(saldo) -> None:  # type: ignore[no-untyped-def]
    saldo("db", "upgrade")
    saldo("catalog", "load", str(DEMO_CATALOG))
    saldo("line", "add", "3479000001", "--plan", "BUSINESSPRO", "--business", PIVA,
          "--name", "Rossi Impianti S.r.l.", "--postpaid")  # fmt: skip


def test_customer_update_validates_every_field_and_changes_nothing_on_a_bad_one(saldo) -> None:  # type: ignore[no-untyped-def]
    _setup(saldo)
    for option, value, word in [
        ("--zip", "2012", "ZIP"),
        ("--province", "Milano", "two letters"),
        ("--pec", "not-an-address", "e-mail"),
        ("--email", "a@b", "e-mail"),
        ("--sdi-code", "ABC", "7-character"),
        ("--address", "x" * 61, "at most 60"),
    ]:
        bad = saldo("customer", "update", PIVA, "--city", "Milano", option, value, expect=2)
        assert word in bad.stderr and "Traceback" not in bad.stderr
    shown = json.loads(
        saldo("customer", "update", PIVA, "--name", "Rossi Impianti S.r.l.", "--json").stdout
    )
    assert shown["city"] is None  # the refused updates changed nothing
    saldo("customer", "update", "RSSMRA80A01H501U", "--city", "Roma", expect=3)
    saldo("customer", "update", "12345", "--city", "Roma", expect=2)
    done = json.loads(
        saldo(
            "customer", "update", f"IT{PIVA}", "--address", "Via Dante 7", "--zip", "20121",
            "--city", "Milano", "--province", "mi", "--pec", "Fatture@PEC.rossi.it",
            "--sdi-code", "kr4y2tz", "--email", "amministrazione@rossi.it", "--json",
        ).stdout
    )  # fmt: skip
    assert (done["province"], done["sdi_code"], done["country"]) == ("MI", "KR4Y2TZ", None)
    assert done["pec"] == "Fatture@pec.rossi.it"


def test_bill_run_and_invoices_from_the_cli(saldo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _setup(saldo)
    current = json.loads(saldo("invoice", "current", "+393479000001", "--json").stdout)
    assert set(current) == {
        "period",
        "net_cents",
        "vat_cents",
        "exempt_cents",
        "total_cents",
        "charges",
    }
    assert (current["net_cents"], current["vat_cents"], current["exempt_cents"]) == (
        2499,
        550,
        1291,
    )
    assert json.loads(saldo("invoice", "current", PIVA, "--json").stdout) == current
    # no address yet: the run names the account's problem, issues nothing, exit 1
    failed = saldo("bill", "run", "--period", "2026-11", *RUN, "--json", expect=1)
    assert "indirizzo" in json.loads(failed.stdout)["errors"][0]["error"]
    saldo("customer", "update", PIVA, "--address", "Via Dante 7", "--zip", "20121",
          "--city", "Milano", "--province", "MI", "--country", "IT")  # fmt: skip
    report = json.loads(
        saldo(
            "bill",
            "run",
            "--period",
            "2026-11",
            *RUN,
            "--pdf",
            "copies",
            "--workers",
            "2",
            "--json",
        ).stdout
    )
    assert (report["issued"], report["pdfs"]) == (["M/2026/000001"], 1)
    copy = PdfReader(tmp_path / "copies" / "M-2026-000001.pdf")
    assert "Fattura n. M/2026/000001" in copy.pages[0].extract_text()
    again = json.loads(saldo("bill", "run", "--period", "2026-11", *RUN, "--json").stdout)
    assert again["issued"] == []
    [listed] = json.loads(saldo("invoice", "list", "--json").stdout)
    shown = json.loads(saldo("invoice", "show", "M/2026/000001", "--json").stdout)
    assert listed == shown
    assert set(shown) == {
        "number", "date", "due_date", "kind", "customer", "net_cents", "vat_cents",
        "exempt_cents", "stamp_cents", "total_cents", "status", "lines",
    }  # fmt: skip
    assert shown["customer"]["vat_number"] == PIVA and shown["total_cents"] == 2499 + 550 + 1291
    assert json.loads(saldo("invoice", "list", "--customer", "99", "--json").stdout) == []
    written = saldo("invoice", "xml", "M/2026/000001").stdout.strip()
    assert written == "IT09876540015_00001.xml"
    data = (tmp_path / written).read_bytes()
    validate_xml(data)
    assert etree.fromstring(data).findtext(".//Numero") == "M/2026/000001"
    saldo("invoice", "xml", "M/2026/000001", "--output", str(tmp_path / "f.xml"))
    assert (tmp_path / "f.xml").read_bytes() == data
    assert saldo("invoice", "pdf", "M/2026/000001").stdout.strip() == "M-2026-000001.pdf"
    pdf = PdfReader(tmp_path / "M-2026-000001.pdf")
    assert "Fattura n. M/2026/000001" in pdf.pages[0].extract_text()
    assert pdf.attachments == {written: [data]}
    paid = json.loads(saldo("invoice", "pay", "M/2026/000001", "--ref", "CRO-7", "--json").stdout)
    assert (paid["status"], paid["replayed"]) == ("paid", False)
    assert json.loads(saldo("invoice", "pay", "M/2026/000001", "--ref", "CRO-7", "--json").stdout)[
        "replayed"
    ]
    assert (
        "already paid"
        in saldo("invoice", "pay", "M/2026/000001", "--ref", "CRO-8", expect=4).stderr
    )
    note = json.loads(
        saldo("invoice", "credit-note", "M/2026/000001", "--amount", "5", "--reason", "sconto",
              "--ref", "NC-1", "--json").stdout
    )  # fmt: skip
    assert (note["kind"], note["total_cents"], note["replayed"]) == ("credit_note", 610, False)
    assert "M/2026/000001" in note["lines"][0]["description"]
    refused = saldo(
        "invoice", "credit-note", "M/2026/000001", "--amount", "20", "--reason", "x", expect=4
    )
    assert "19.99" in refused.stderr or "19,99" in refused.stderr
    saldo("invoice", "credit-note", "M/2026/000001", "--amount", "-1", "--reason", "x", expect=2)
    saldo("invoice", "show", "M/2026/000009", expect=3)
    assert "YYYY-MM" in saldo("bill", "run", "--period", "2026-13", expect=2).stderr
    saldo("bill", "run", "--period", "2026-11", "--now", "yesterday", expect=2)
    saldo("invoice", "current", "hello", expect=2)
