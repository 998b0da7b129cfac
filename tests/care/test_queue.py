"""The queue: complaints due first, at risk within 3 days, with the indemnity an answer now
would cost (doubled for a business)."""

from __future__ import annotations

from datetime import timedelta

from saldo.care.queue import ticket_queue
from saldo.runtime import Runtime
from tests.care.factories import RULES, answer, open_ticket
from tests.factories import make_line


def test_complaints_due_first_with_their_cost(rt: Runtime) -> None:
    start = rt.clock.now()
    consumer = make_line(rt)
    business = make_line(rt, plan="BUSINESS100", credit="40", vat_number="01234560017")
    message = open_ticket(rt, consumer, kind="message")
    old = open_ticket(rt, business)
    rt.clock.set(start + timedelta(days=10))  # type: ignore[attr-defined]
    new = open_ticket(rt, consumer)
    done = open_ticket(rt, consumer)
    answer(rt, done.code)
    rt.clock.set(start + timedelta(days=32))  # type: ignore[attr-defined]
    with rt.read() as session:
        items = ticket_queue(session, now=rt.clock.now(), rules=RULES)
        risky = ticket_queue(session, now=rt.clock.now(), rules=RULES, at_risk_only=True)
    assert [i.ticket.code for i in items] == [old.code, new.code, message.code]
    first, second, third = items
    assert (first.at_risk, first.days_late, first.indemnity_now_cents) == (True, 2, 1000)
    assert first.indemnity_per_day_cents == 500
    assert (second.at_risk, second.days_late, second.indemnity_now_cents) == (False, 0, 0)
    assert not third.at_risk and third.indemnity_now_cents == 0
    assert [i.ticket.code for i in risky] == [old.code]
