"""``RECLAMO <testo>`` opens a complaint for the sender's line and replies with its code;
a redelivered SMS opens nothing more."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from saldo.care.models import Ticket
from saldo.channels.sms.keywords import Command, parse
from saldo.runtime import Runtime
from tests.channels.sms.test_engine import outbox, sms
from tests.factories import make_line


def _tickets(rt: Runtime) -> list[Ticket]:
    with rt.read() as session:
        return list(session.scalars(select(Ticket).order_by(Ticket.id)))


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("RECLAMO addebito", Command.COMPLAINT),
        ("reclamo  Addebito non richiesto", Command.COMPLAINT),
        ("Reclàmo: rete assente", Command.COMPLAINT),
        ("RECLAMO", Command.COMPLAINT),
        ("complaint no signal", Command.COMPLAINT),
        ("RECLAMI tanti", Command.UNKNOWN),
        ("saldo reclamo", Command.UNKNOWN),
    ],
)
def test_the_keyword_is_the_first_word(text: str, command: Command) -> None:
    assert parse(text) is command


def test_reclamo_opens_a_complaint_and_replies_with_its_code(rt: Runtime) -> None:
    msisdn = make_line(rt)
    text = "RECLAMO Mi avete addebitato 5 euro per un servizio che non ho mai attivato, ieri sera"
    outcome = sms(rt, msisdn.removeprefix("+"), text, ref="smpp:abc")
    assert outcome.status == "replied"
    assert outcome.reply == (
        "Abbiamo registrato il tuo reclamo con il codice RC-2026-000001. "
        "Ti risponderemo entro il 26/12/2026. Puoi seguirlo nell'app."
    )
    again = sms(rt, msisdn.removeprefix("+"), text, ref="smpp:abc")  # the SMSC redelivers
    assert again.status == "duplicate"
    tickets = _tickets(rt)
    assert len(tickets) == 1
    t = tickets[0]
    assert (t.kind, t.channel, t.status) == ("complaint", "sms", "open")
    assert t.subject.startswith("Mi avete addebitato 5 euro") and t.subject.endswith("…")
    assert len(t.subject) == 60
    # one SMS only: the reply carries the code
    assert [m.body for m in outbox(rt, msisdn)] == [outcome.reply]


def test_reclamo_without_text_or_from_a_stranger_opens_nothing(rt: Runtime) -> None:
    msisdn = make_line(rt)
    hint = sms(rt, msisdn, "RECLAMO").reply
    assert hint is not None and "RECLAMO seguita dal motivo" in hint
    stranger = sms(rt, "+393331234567", "RECLAMO rete assente").reply
    assert stranger is not None and "riservato ai clienti" in stranger
    foreign = sms(rt, "+4915112345678", "RECLAMO no network").reply
    assert foreign is not None and "riservato ai clienti" in foreign
    assert _tickets(rt) == []
