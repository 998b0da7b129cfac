"""The keyword engine against a real database: replies through the outbox, dedup, flood."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from saldo.balances.models import LedgerEntry
from saldo.channels.sms import texts
from saldo.channels.sms.engine import Inbound, Outcome, handle_inbound
from saldo.channels.sms.models import SmsInbound
from saldo.config import SmsSettings
from saldo.kit.clock import FixedClock
from saldo.kit.origin import CLI
from saldo.kit.quantities import GB
from saldo.lines.service import add_option
from saldo.notifications.models import OutboxMessage
from saldo.notifications.service import list_messages
from saldo.runtime import Runtime
from tests.factories import make_line, snapshot, use

SETTINGS = SmsSettings(flood_limit=10, flood_window_seconds=600)


def sms(
    rt: Runtime,
    sender: str,
    text: str,
    *,
    ref: str | None = None,
    to: str = "4155",
    settings: SmsSettings = SETTINGS,
) -> Outcome:
    with rt.transaction() as session:
        return handle_inbound(
            session,
            message=Inbound(sender=sender, recipient=to, text=text, ref=ref),
            now=rt.clock.now(),
            settings=settings,
        )


def outbox(rt: Runtime, msisdn: str | None = None) -> list[OutboxMessage]:
    with rt.transaction() as session:
        return list(reversed(list_messages(session, recipient=msisdn)))


def count(rt: Runtime, model: type[LedgerEntry] | type[SmsInbound]) -> int:
    with rt.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_saldo_from_a_customer_queues_the_summary_from_the_short_code(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="GIGA150", credit="22.33")  # 9,99€ fee paid: 12,34€ left
    use(rt, msisdn, service="data", quantity=150 * GB - 48_533_130_445)  # 45,2GB left
    ledger_before = count(rt, LedgerEntry)
    credit_before = snapshot(rt, msisdn).credit_cents

    outcome = sms(rt, msisdn.removeprefix("+"), "saldo")

    expected = (
        "Credito 12,34 €. Giga 45,2GB/150GB, Min e SMS illimitati. "
        "Rinnovo 24/12 (9,99 €): credito sufficiente."
    )
    assert outcome.status == "replied"
    assert outcome.reply == expected
    assert texts.is_gsm7(expected) and texts.gsm7_length(expected) <= 160
    (message,) = outbox(rt, msisdn)
    assert (message.sender, message.recipient, message.body) == ("4155", msisdn, expected)
    assert (message.channel, message.topic, message.status) == ("sms", "sms_reply", "pending")
    # the service is free: no ledger entry, the same credit
    assert count(rt, LedgerEntry) == ledger_before
    assert snapshot(rt, msisdn).credit_cents == credit_before


def test_every_keyword_answers_from_the_same_snapshot(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="SMART50", credit="30")
    with rt.transaction() as session:
        add_option(session, msisdn=msisdn, option_code="MONDO_100", clock=rt.clock, origin=CLI)
    snap = snapshot(rt, msisdn)
    assert sms(rt, msisdn, "Dettaglio").reply == texts.details(snap)
    assert sms(rt, msisdn, "consumi").reply == texts.details(snap)
    assert sms(rt, msisdn, "OFFERTA").reply == texts.offer(snap)
    assert sms(rt, msisdn, "opzioni").reply == texts.options(snap)
    assert "Mondo 100" in texts.options(snap)
    assert sms(rt, msisdn, "credito").reply == texts.summary(snap)
    assert sms(rt, msisdn, "aiuto").reply == texts.help_text("4155")
    assert sms(rt, msisdn, "help").reply == texts.help_text("4155")
    hint = sms(rt, msisdn, "ciao come va")
    assert (hint.status, hint.reply) == ("replied", texts.hint("4155"))
    assert len(outbox(rt, msisdn)) == 8


def test_a_number_that_is_not_a_customer_gets_a_polite_reply_that_reveals_nothing(
    rt: Runtime,
) -> None:
    make_line(rt, msisdn="+393470000001", credit="50")
    polite = texts.not_customer("Saldo Mobile")
    for sender in ("+393479999999", "3479999998", "+4917612345678", "0612345678"):
        outcome = sms(rt, sender, "SALDO")
        assert outcome.status == "replied"
        assert outcome.reply == polite
    assert not any(c.isdigit() for c in polite) and "€" not in polite
    assert sms(rt, "+393479999999", "AIUTO").reply == texts.help_text("4155")
    assert [m.recipient for m in outbox(rt)][:4] == [
        "+393479999999",
        "+393479999998",
        "+4917612345678",
        "0612345678",
    ]


def test_a_redelivered_message_is_answered_once(rt: Runtime) -> None:
    msisdn = make_line(rt)
    first = sms(rt, msisdn, "SALDO", ref="smpp:abc")
    again = sms(rt, msisdn, "SALDO", ref="smpp:abc")
    assert (first.status, again.status) == ("replied", "duplicate")
    assert again.reply is None
    assert len(outbox(rt, msisdn)) == 1
    assert count(rt, SmsInbound) == 1
    # the same text with another id is another request
    assert sms(rt, msisdn, "SALDO", ref="smpp:abd").status == "replied"
    assert sms(rt, msisdn, "SALDO").status == "replied"  # no id: answered every time
    assert sms(rt, msisdn, "SALDO").status == "replied"
    assert len(outbox(rt, msisdn)) == 4


def test_past_the_flood_limit_one_warning_then_silence_until_the_window_ends(
    rt: Runtime, clock: FixedClock
) -> None:
    msisdn = make_line(rt)
    other = make_line(rt)
    limited = SmsSettings(flood_limit=3, flood_window_seconds=600)
    statuses = [sms(rt, msisdn, "SALDO", settings=limited).status for _ in range(6)]
    assert statuses == ["replied"] * 3 + ["warned", "silenced", "silenced"]
    bodies = [m.body for m in outbox(rt, msisdn)]
    assert len(bodies) == 4
    assert bodies[3] == texts.flood_warning(10)
    # another number is not limited by this one
    assert sms(rt, other, "SALDO", settings=limited).status == "replied"
    # redeliveries are not requests: they do not count
    clock.set(clock.now() + timedelta(seconds=599))
    assert sms(rt, msisdn, "SALDO", settings=limited).status == "silenced"
    clock.set(clock.now() + timedelta(seconds=2))
    assert sms(rt, msisdn, "SALDO", settings=limited).status == "replied"
    assert len(outbox(rt, msisdn)) == 5
    with rt.transaction() as session:
        outcomes = session.scalars(
            select(SmsInbound.outcome).where(SmsInbound.sender == msisdn).order_by(SmsInbound.id)
        ).all()
    assert outcomes == ["replied"] * 3 + ["warned"] + ["silenced"] * 3 + ["replied"]


def test_duplicates_do_not_count_towards_the_flood_limit(rt: Runtime) -> None:
    msisdn = make_line(rt)
    limited = SmsSettings(flood_limit=2, flood_window_seconds=600)
    assert sms(rt, msisdn, "SALDO", ref="smpp:1", settings=limited).status == "replied"
    for _ in range(5):
        assert sms(rt, msisdn, "SALDO", ref="smpp:1", settings=limited).status == "duplicate"
    assert sms(rt, msisdn, "SALDO", ref="smpp:2", settings=limited).status == "replied"
    assert sms(rt, msisdn, "SALDO", ref="smpp:3", settings=limited).status == "warned"


def test_messages_to_another_number_or_from_an_address_without_reply_are_ignored(
    rt: Runtime,
) -> None:
    msisdn = make_line(rt)
    assert sms(rt, msisdn, "SALDO", to="4242").status == "ignored"
    assert sms(rt, "SaldoMobile", "SALDO").status == "ignored"
    assert sms(rt, "", "SALDO").status == "ignored"
    assert outbox(rt) == []
    assert count(rt, SmsInbound) == 3  # recorded, so a redelivery stays a no-op
    assert sms(rt, msisdn, "SALDO", to="+394155").status == "replied"
    assert sms(rt, msisdn, "SALDO", to="").status == "replied"  # no recipient: the short code
