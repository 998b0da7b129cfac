"""``saldo ticket``, ``saldo care message`` and ``saldo refunds export`` as an operator runs
them: a real subprocess on a fresh SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import sepaxml
import xmlschema

from tests.factories import DEMO_CATALOG

LATE = {"SALDO_NOW": "2026-12-29T10:00:00+01:00"}  # 3 days after day 30
SEPA = {
    "SALDO_CARE_SEPA_NAME": "Saldo Mobile",
    "SALDO_CARE_SEPA_IBAN": "IT94N0306909606100000063217",
}
XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"


def _setup(saldo) -> None:  # type: ignore[no-untyped-def]
    saldo("db", "upgrade")
    saldo("catalog", "load", str(DEMO_CATALOG))
    saldo("line", "add", "3471234567", "--plan", "GIGA150", "--credit", "20")
    saldo(
        "line",
        "add",
        "3479876543",
        "--plan",
        "BUSINESS100",
        "--credit",
        "20",
        "--business",
        "01234560017",
    )


def _outbox(saldo, to: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return json.loads(saldo("outbox", "list", "--to", to, "--json").stdout)


def test_a_complaint_from_open_to_late_answer(saldo) -> None:  # type: ignore[no-untyped-def]
    _setup(saldo)
    opened = json.loads(
        saldo(
            "ticket",
            "open",
            "+393471234567",
            "--kind",
            "complaint",
            "--subject",
            "Addebito",
            "--body",
            "Servizio mai richiesto",
            "--json",
        ).stdout
    )
    assert opened == {
        "id": 1,
        "code": "RC-2026-000001",
        "kind": "complaint",
        "status": "open",
        "deadline": "2026-12-26T08:00:00Z",
    }
    assert any(
        "RC-2026-000001" in m["body"] and m["channel"] == "sms"
        for m in _outbox(saldo, "+393471234567")
    )

    answered = json.loads(
        saldo(
            "ticket",
            "answer",
            "RC-2026-000001",
            "--body",
            "Rimborsato",
            "--resolution",
            "accepted",
            "--json",
            settings=LATE,
        ).stdout
    )
    assert answered["status"] == "answered" and answered["resolution"] == "accepted"
    assert (answered["indemnity_cents"], answered["indemnity_days"]) == (750, 3)
    again = json.loads(
        saldo(
            "ticket", "answer", "rc-2026-000001", "--body", "Ancora", "--json", settings=LATE
        ).stdout
    )
    assert again["indemnity_cents"] == 750
    shown = json.loads(saldo("ticket", "show", "RC-2026-000001", "--json").stdout)
    assert shown["indemnity_cents"] == 750 and shown["msisdn"] == "+393471234567"
    balance = json.loads(saldo("balance", "+393471234567", "--json").stdout)
    assert balance["credit_cents"] == 2000 - 999 + 750
    text = saldo("ticket", "show", "RC-2026-000001").stdout
    assert "7,50" in text and "3 giorni" in text


def test_bad_input_exits_2_and_creates_nothing(saldo) -> None:  # type: ignore[no-untyped-def]
    _setup(saldo)
    bad = [
        ("--kind", "praise", "--subject", "s", "--body", "b"),
        ("--kind", "complaint", "--subject", "", "--body", "b"),
        (
            "--kind",
            "refund",
            "--subject",
            "s",
            "--body",
            "b",
            "--amount",
            "5",
            "--refund-to",
            "iban",
            "--iban",
            "IT00X",
            "--holder",
            "Mario",
        ),
        (
            "--kind",
            "refund",
            "--subject",
            "s",
            "--body",
            "b",
            "--amount",
            "-5",
            "--refund-to",
            "credit",
        ),
    ]
    for args in bad:
        done = saldo("ticket", "open", "+393471234567", *args, expect=2)
        assert "Traceback" not in done.stderr and "error" in done.stderr
    saldo(
        "ticket",
        "open",
        "not-a-number",
        "--kind",
        "message",
        "--subject",
        "s",
        "--body",
        "b",
        expect=2,
    )
    saldo(
        "ticket",
        "open",
        "+393331112222",
        "--kind",
        "message",
        "--subject",
        "s",
        "--body",
        "b",
        expect=3,
    )
    saldo("ticket", "show", "RC-2026-000001", "--json", expect=3)
    saldo("ticket", "answer", "RC-2026-000001", "--body", "x", "--resolution", "maybe", expect=2)
    assert [m for m in _outbox(saldo, "+393471234567") if m["topic"] == "ticket"] == []


def test_care_message_lands_in_the_inbox_with_an_sms(saldo) -> None:  # type: ignore[no-untyped-def]
    _setup(saldo)
    saldo(
        "care",
        "message",
        "--to",
        "3471234567",
        "--subject",
        "Manutenzione",
        "--body",
        "Stanotte lavori sulla rete.",
    )
    saldo(
        "care",
        "message",
        "--to",
        "01234560017",
        "--subject",
        "Fattura",
        "--body",
        "La fattura di dicembre è pronta.",
    )
    private = _outbox(saldo, "+393471234567")
    business = _outbox(saldo, "+393479876543")
    assert {(m["channel"], m["topic"]) for m in private} == {("inapp", "care"), ("sms", "notice")}
    assert any("Stanotte lavori" in m["body"] for m in private if m["channel"] == "inapp")
    assert any("Fattura" in m["body"] for m in business if m["channel"] == "inapp")
    saldo("care", "message", "--to", "01234560018", "--subject", "x", "--body", "y", expect=2)
    saldo("care", "message", "--to", "3471234567", "--subject", " ", "--body", "y", expect=2)


def test_refunds_export_writes_each_refund_once(saldo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _setup(saldo)
    code = json.loads(
        saldo(
            "ticket",
            "open",
            "+393471234567",
            "--kind",
            "refund",
            "--subject",
            "Doppio addebito",
            "--body",
            "Addebitato due volte",
            "--amount",
            "12.50",
            "--refund-to",
            "iban",
            "--iban",
            "IT60 X054 2811 1010 0000 0123 456",
            "--holder",
            "Mario Rossi",
            "--json",
        ).stdout
    )["code"]
    out = tmp_path / "batch1.xml"
    saldo("refunds", "export", "--output", str(out), expect=2)  # no account configured
    saldo("ticket", "answer", code, "--body", "Approvato", "--resolution", "accepted")
    assert "1 rimborsi" in saldo("refunds", "export", "--output", str(out), settings=SEPA).stdout
    xml = out.read_text()
    xmlschema.XMLSchema(str(XSD)).validate(xml)
    assert "IT60X0542811101000000123456" in xml and "12.50" in xml
    second = tmp_path / "batch2.xml"
    assert (
        "Nessun rimborso"
        in saldo("refunds", "export", "--output", str(second), settings=SEPA).stdout
    )
    assert not second.exists()
    saldo(
        "refunds", "export", "--output", str(tmp_path / "nope" / "x.xml"), settings=SEPA, expect=2
    )
