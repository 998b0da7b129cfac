"""Refunds: to credit (once, by ticket) or to an IBAN (schwifty-checked, holder required),
paid in SEPA pain.001 batches, each refund in exactly one batch across runs."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import sepaxml
import xmlschema
from sqlalchemy import select

from saldo.balances.models import LedgerEntry
from saldo.balances.service import credit_of
from saldo.billing.models import BillableCharge
from saldo.care import repository as repo
from saldo.care import service as care
from saldo.care.checks import check_iban
from saldo.care.errors import InvalidIban, SepaNotConfigured, TicketState
from saldo.care.refunds import Debtor, export_refunds
from saldo.config import CareSettings
from saldo.kit.origin import CLI
from saldo.lines.repository import line_by_msisdn
from saldo.runtime import Runtime
from tests.care.factories import IBAN_OK, answer, open_ticket
from tests.factories import make_line

XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
DEBTOR = Debtor("Saldo Mobile S.p.A.", "IT94N0306909606100000063217", "")


def _iban_refund(rt: Runtime, msisdn: str, cents: int, iban: str = IBAN_OK) -> str:
    return open_ticket(
        rt,
        msisdn,
        kind="refund",
        amount_cents=cents,
        refund_to="iban",
        iban=iban,
        iban_holder="Mario Rossi",
    ).code


def test_a_refund_to_credit_is_paid_once_on_approval(rt: Runtime) -> None:
    msisdn = make_line(rt)
    with rt.read() as session:
        line_id = line_by_msisdn(session, msisdn).id
        before = credit_of(session, line_id)
    code = open_ticket(rt, msisdn, kind="refund", amount_cents=1234, refund_to="credit").code
    with rt.read() as session:
        assert credit_of(session, line_id) == before  # asking pays nothing
    done = answer(rt, code, resolution="accepted")
    assert done.refund_status == "paid"
    with rt.transaction() as session, pytest.raises(TicketState):
        care.decide_refund(
            session,
            ticket=repo.ticket_by_code(session, code),
            approve=True,
            actor="operator",
            origin=CLI,
            now=rt.clock.now(),
        )
    answer(rt, code, resolution="accepted")  # a second answer does not pay again
    with rt.read() as session:
        assert credit_of(session, line_id) == before + 1234
        entries = session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "refund")).all()
    assert [(e.delta, e.idempotency_key) for e in entries] == [(1234, f"refund:{code}")]


def test_a_rejected_refund_pays_nothing(rt: Runtime) -> None:
    msisdn = make_line(rt)
    code = open_ticket(rt, msisdn, kind="refund", amount_cents=500, refund_to="credit").code
    assert answer(rt, code, resolution="rejected").refund_status == "rejected"
    with rt.read() as session:
        assert session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "refund")).all() == []


def test_a_postpaid_refund_to_credit_goes_on_the_next_invoice(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="BUSINESSPRO", credit="0", vat_number="01234560017", postpaid=True)
    code = open_ticket(rt, msisdn, kind="refund", amount_cents=999, refund_to="credit").code
    answer(rt, code, resolution="accepted")
    with rt.read() as session:
        rows = session.execute(
            select(BillableCharge.net_cents, BillableCharge.reference).where(
                BillableCharge.kind == "refund"
            )
        ).all()
    assert [tuple(r) for r in rows] == [(-999, f"refund:{code}")]


@pytest.mark.parametrize(
    "iban",
    [
        "IT60X0542811101000000123457",
        "IT60X054281110100000012345",
        "XX60X0542811101000000123456",
        "not an iban",
        "",
    ],
)
def test_invalid_ibans_are_refused(iban: str) -> None:
    with pytest.raises(InvalidIban):
        check_iban(iban)


def test_ibans_are_kept_compact() -> None:
    assert check_iban(" it60 x054 2811 1010 0000 0123 456 ") == IBAN_OK
    assert check_iban("DE89 3704 0044 0532 0130 00") == "DE89370400440532013000"


def test_each_approved_iban_refund_is_exported_exactly_once(rt: Runtime) -> None:
    msisdn = make_line(rt)
    first = _iban_refund(rt, msisdn, 1500)
    second = _iban_refund(rt, msisdn, 2050, iban="DE89370400440532013000")
    pending = _iban_refund(rt, msisdn, 700)  # not approved: not exported
    to_credit = open_ticket(rt, msisdn, kind="refund", amount_cents=300, refund_to="credit").code
    for code in (first, second, to_credit):
        answer(rt, code, resolution="accepted")

    with rt.transaction() as session:
        batch = export_refunds(session, debtor=DEBTOR, now=rt.clock.now())
        assert batch is not None
        xml = batch.xml
        assert (batch.count, batch.total_cents) == (2, 3550)
    xmlschema.XMLSchema(str(XSD)).validate(xml)
    root = ET.fromstring(xml)
    txs = root.findall(".//p:CdtTrfTxInf", NS)
    got = {
        (
            t.findtext(".//p:IBAN", namespaces=NS),
            t.findtext(".//p:InstdAmt", namespaces=NS),
            t.findtext(".//p:Ustrd", namespaces=NS),
        )
        for t in txs
    }
    assert got == {
        (IBAN_OK, "15.00", f"Rimborso {first}"),
        ("DE89370400440532013000", "20.50", f"Rimborso {second}"),
    }
    assert root.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == "35.50"

    with rt.transaction() as session:
        assert export_refunds(session, debtor=DEBTOR, now=rt.clock.now()) is None
    answer(rt, pending, resolution="accepted")
    with rt.transaction() as session:
        again = export_refunds(session, debtor=DEBTOR, now=rt.clock.now())
        assert again is not None and again.count == 1
        assert f"Rimborso {pending}" in again.xml and first not in again.xml
    with rt.read() as session:
        statuses = {c: repo.ticket_by_code(session, c).refund_status for c in (first, pending)}
    assert statuses == {first: "exported", pending: "exported"}


def test_a_batch_needs_the_operators_account() -> None:
    with pytest.raises(SepaNotConfigured):
        Debtor.of(CareSettings(sepa_name="", sepa_iban=""))
    with pytest.raises(InvalidIban):
        Debtor.of(CareSettings(sepa_name="Saldo", sepa_iban="IT00BROKEN"))


def test_a_decided_refund_cannot_be_decided_otherwise(rt: Runtime) -> None:
    msisdn = make_line(rt)
    code = open_ticket(rt, msisdn, kind="refund", amount_cents=500, refund_to="credit").code
    answer(rt, code, resolution="accepted")
    with pytest.raises(TicketState):
        answer(rt, code, resolution="rejected")
    with rt.read() as session:
        assert repo.ticket_by_code(session, code).refund_status == "paid"
        assert len(repo.thread(session, repo.ticket_by_code(session, code).id)) == 2
