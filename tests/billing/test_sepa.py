"""SEPA direct debit: an account with a mandate gets MP19 invoices and a pain.008 batch that
validates against the schema sepaxml ships; each invoice is in one batch only."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
import sepaxml
import xmlschema
from lxml import etree
from sqlalchemy import select

from saldo.billing.accounts import account_of_customer
from saldo.billing.models import Invoice
from saldo.billing.runs import run_bills
from saldo.billing.sepa import SCHEMA, set_mandate
from saldo.kit.clock import ROME
from saldo.kit.errors import InvalidInput
from saldo.runtime import Runtime
from tests.billing.factories import PIVA, load_billing_catalog, postpaid_line

RUN_AT = datetime(2026, 12, 1, 2, 0, tzinfo=ROME)
IBAN = "IT60 X054 2811 1010 0000 0123 456"
PAIN = Path(sepaxml.__file__).parent / "schemas" / f"{SCHEMA}.xsd"
NS = {"p": f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"}


def _mandate(rt: Runtime, customer_id: int, iban: str = IBAN, mandate: str = "SDD-0001") -> None:
    with rt.transaction() as session:
        account = account_of_customer(session, customer_id=customer_id, now=rt.clock.now())
        set_mandate(
            session, account=account, iban=iban, mandate_id=mandate, signed_on=date(2026, 11, 20)
        )


def test_a_mandate_makes_mp19_invoices_collected_in_one_valid_batch(
    rt: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rt.settings, "sepa_dir", str(tmp_path / "sepa"))
    load_billing_catalog(rt, tmp_path)
    debited = postpaid_line(rt, "+393471000001")
    postpaid_line(rt, "+393471000002", plan="UFFICIO", vat_number=PIVA)  # pays by transfer
    _mandate(rt, debited)
    report = run_bills(rt, period="2026-11", now=RUN_AT)
    assert report.sepa_batch is not None
    batch = Path(report.sepa_batch)
    assert batch.parent == tmp_path / "sepa" and not list(batch.parent.glob("*.part"))
    xmlschema.XMLSchema(str(PAIN)).validate(str(batch))
    root = etree.parse(str(batch)).getroot()
    [tx] = root.findall(".//p:DrctDbtTxInf", NS)
    assert tx.findtext(".//p:InstdAmt", namespaces=NS) == "25.16"
    assert tx.findtext(".//p:MndtId", namespaces=NS) == "SDD-0001"
    assert tx.findtext(".//p:DbtrAcct//p:IBAN", namespaces=NS) == IBAN.replace(" ", "")
    assert root.findtext(".//p:SeqTp", namespaces=NS) == "FRST"
    assert root.findtext(".//p:ReqdColltnDt", namespaces=NS) == "2026-12-21"
    with rt.read() as session:
        invoices = {i.number: i for i in session.scalars(select(Invoice))}
    first = etree.fromstring(invoices["M/2026/000001"].xml.encode())
    assert first.findtext(".//ModalitaPagamento") == "MP19"
    assert first.findtext(".//DettaglioPagamento/IBAN") == IBAN.replace(" ", "")
    assert (
        etree.fromstring(invoices["M/2026/000002"].xml.encode()).findtext(".//ModalitaPagamento")
        == "MP05"
    )
    assert invoices["M/2026/000001"].collection_file == batch.name
    assert invoices["M/2026/000002"].collection_file is None
    again = run_bills(rt, period="2026-11", now=RUN_AT)
    assert again.sepa_batch is None  # nothing left to collect
    assert len(list(batch.parent.iterdir())) == 1


def test_a_bad_iban_or_mandate_id_is_refused(rt: Runtime, tmp_path: Path) -> None:
    load_billing_catalog(rt, tmp_path)
    customer = postpaid_line(rt, "+393471000001")
    with pytest.raises(InvalidInput, match="IBAN"):
        _mandate(rt, customer, iban="IT60X0542811101000000123457")
    with pytest.raises(InvalidInput, match="mandate-id"):
        _mandate(rt, customer, mandate="<script>")
