"""AGCOM 255/24/CONS: "reclami" at the first level of 4242 and 1928 opens a complaint for
the caller's line asking for a call back, and says its code digit by digit."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from saldo.care.models import Ticket
from saldo.kit.clock import FixedClock
from saldo.runtime import Runtime
from tests.channels.menus.phone import TwilioPhone
from tests.channels.menus.support import line_on_the_third, outbox


def _tickets(rt: Runtime) -> list[Ticket]:
    with rt.read() as session:
        return list(session.scalars(select(Ticket).order_by(Ticket.id)))


def test_pressing_4_opens_a_complaint_and_says_its_code(
    voice_rt: Runtime, clock: FixedClock, phone: TwilioPhone
) -> None:
    msisdn = line_on_the_third(voice_rt, clock, credit="22.33")
    first = phone.call(caller=msisdn)
    assert first.gather is not None
    url, params = first.gather["action"], {**phone.params, "Digits": "4"}
    said = phone.press("4").says[0][1]
    assert said.startswith(
        "Abbiamo registrato il tuo reclamo: un operatore ti richiamerà. Il codice del reclamo è: "
        "erre ci, due zero due sei, zero zero zero zero zero uno. Ripeto: erre ci, due zero due "
        "sei, zero zero zero zero zero uno. Te lo mandiamo anche via SMS."
    )
    with ThreadPoolExecutor(max_workers=4) as pool:  # Twilio retrying the same step
        list(pool.map(lambda _i: phone.retry_last(url, params), range(4)))
    again = phone.press("4").says[0][1]  # pressing again in the same call: the same complaint
    assert "zero zero zero zero zero uno" in again
    tickets = _tickets(voice_rt)
    assert [(t.code, t.kind, t.channel, t.callback) for t in tickets] == [
        ("RC-2026-000001", "complaint", "twilio", True)
    ]
    acks = outbox(voice_rt, msisdn, topic="ticket")
    assert len(acks) == 1 and "RC-2026-000001" in acks[0].body
    assert "Un operatore ti richiamerà" in acks[0].body


def test_the_business_line_from_abroad_takes_complaints_too(
    voice_rt: Runtime, clock: FixedClock, phone: TwilioPhone
) -> None:
    msisdn = line_on_the_third(
        voice_rt, clock, plan="BUSINESS100", credit="40", vat_number="01234560017"
    )
    phone.call(caller=msisdn, to="1928")
    english = phone.press("0")
    assert "For complaints, press four." in english.says[0][1]
    said = phone.press("4").says[0][1]
    assert said.startswith(
        "We have registered your complaint: an operator will call you back. The complaint "
        "code is: R C, two zero two six, zero zero zero zero zero one."
    )
    assert [t.code for t in _tickets(voice_rt)] == ["RC-2026-000001"]
