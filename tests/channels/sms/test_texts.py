"""The SMS texts stay in GSM-7, and the SALDO reply fits one SMS for a typical line."""

from __future__ import annotations

import pytest

from saldo.channels.sms import segments, texts
from saldo.kit.origin import CLI
from saldo.kit.quantities import GB
from saldo.lines.service import add_option
from saldo.runtime import Runtime
from tests.factories import make_line, snapshot, use

CONSUMER = ["GIGA150", "GIGA200", "SMART50", "BASE"]


@pytest.mark.parametrize("plan", CONSUMER)
def test_the_saldo_reply_of_every_consumer_plan_is_one_gsm7_sms(rt: Runtime, plan: str) -> None:
    msisdn = make_line(rt, plan=plan, credit="1234.56")
    use(rt, msisdn, service="data", quantity=3 * GB + 123_456_789)
    reply = texts.summary(snapshot(rt, msisdn))
    assert texts.is_gsm7(reply), reply
    assert texts.gsm7_length(reply) <= 160, reply
    assert segments.count(reply) == 1


def test_a_low_credit_line_with_an_option_still_fits(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="SMART50", credit="13")
    with rt.transaction() as session:
        add_option(session, msisdn=msisdn, option_code="GIGA_EXTRA_10", clock=rt.clock, origin=CLI)
    snap = snapshot(rt, msisdn)
    reply = texts.summary(snap)
    assert "ricarica almeno" in reply
    assert texts.is_gsm7(reply) and texts.gsm7_length(reply) <= 160, reply
    for text in (texts.offer(snap), texts.options(snap), texts.details(snap)):
        assert texts.is_gsm7(text), text


def test_the_fixed_answers_are_gsm7_and_one_sms_each() -> None:
    for text in (
        texts.help_text("4155"),
        texts.hint("4155"),
        texts.not_customer("Saldo Mobile"),
        texts.flood_warning(10),
    ):
        assert texts.is_gsm7(text), text
        assert texts.gsm7_length(text) <= 160, text


def test_gsm7_knows_what_forces_ucs2() -> None:
    assert texts.is_gsm7("è é ù ì ò à €")
    assert not texts.is_gsm7("È")  # capital E grave is not in GSM 03.38
    assert not texts.is_gsm7("ó")
    assert texts.gsm7_length("12,34€") == 7


def test_a_plan_without_a_fee_speaks_of_no_renewal(rt: Runtime) -> None:
    snap = snapshot(rt, make_line(rt, plan="BASE", credit="10"))
    assert texts.summary(snap) == "Credito 10,00 €. Senza canone: paghi solo quello che usi."
    assert texts.offer(snap) == "Offerta Base a consumo. Senza canone: paghi solo quello che usi."
    assert "Rinnovo" not in texts.details(snap)
