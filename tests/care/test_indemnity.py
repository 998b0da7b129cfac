"""The indemnity of a late complaint answer at its edges: day 30 → 0, day 31 → 2.50 €,
doubled for business customers, capped at 300 € (600 €), paid once."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from saldo.balances.models import LedgerEntry
from saldo.balances.service import credit_of
from saldo.billing.models import BillableCharge
from saldo.care.rules import ComplaintRules, days_late, indemnity_cents
from saldo.kit.clock import ROME
from saldo.lines.repository import line_by_msisdn
from saldo.notifications.models import OutboxMessage
from saldo.runtime import Runtime
from tests.care.factories import answer, open_ticket
from tests.factories import make_line

PIVA = "01234560017"
DEADLINE_DAY = datetime(2026, 12, 26, tzinfo=ROME)
"""Opened on 26/11/2026 09:00 (the tests' clock): day 30 is 26/12/2026."""


def _credit(rt: Runtime, msisdn: str) -> int:
    with rt.read() as session:
        return credit_of(session, line_by_msisdn(session, msisdn).id)


@pytest.mark.parametrize(
    ("answered", "cents"),
    [
        (datetime(2026, 12, 1, 12, 0, tzinfo=ROME), 0),
        (DEADLINE_DAY.replace(hour=23, minute=59, second=59), 0),  # day 30
        (DEADLINE_DAY + timedelta(days=1), 250),  # day 31, just after midnight
        (DEADLINE_DAY + timedelta(days=1, hours=23), 250),
        (DEADLINE_DAY + timedelta(days=2, hours=10), 500),
        (DEADLINE_DAY + timedelta(days=119, hours=10), 29750),
        (DEADLINE_DAY + timedelta(days=120, hours=10), 30000),  # the cap reached
        (DEADLINE_DAY + timedelta(days=400), 30000),
    ],
)
def test_prepaid_consumer_is_paid_credit_for_each_full_day_late(
    rt: Runtime, answered: datetime, cents: int
) -> None:
    msisdn = make_line(rt, credit="20")
    before = _credit(rt, msisdn)
    ticket = open_ticket(rt, msisdn)
    done = answer(rt, ticket.code, at=answered)
    assert done.indemnity_cents == cents
    assert _credit(rt, msisdn) == before + cents
    with rt.read() as session:
        entries = session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "indemnity")).all()
    assert [(e.delta, e.idempotency_key) for e in entries] == (
        [(cents, f"indemnity:{ticket.code}")] if cents else []
    )


@pytest.mark.parametrize(
    ("days", "cents"), [(0, 0), (1, 500), (2, 1000), (119, 59500), (120, 60000), (300, 60000)]
)
def test_business_customers_get_twice_as_much_and_a_doubled_cap(
    rt: Runtime, days: int, cents: int
) -> None:
    msisdn = make_line(rt, plan="BUSINESS100", credit="40", vat_number=PIVA)
    before = _credit(rt, msisdn)
    ticket = open_ticket(rt, msisdn)
    done = answer(rt, ticket.code, at=DEADLINE_DAY + timedelta(days=days, hours=9))
    assert (done.indemnity_cents, done.indemnity_days) == (cents, days)
    assert _credit(rt, msisdn) == before + cents


def test_paid_once_even_if_answered_twice(rt: Runtime) -> None:
    msisdn = make_line(rt)
    before = _credit(rt, msisdn)
    ticket = open_ticket(rt, msisdn)
    first = answer(rt, ticket.code, at=DEADLINE_DAY + timedelta(days=3, hours=9))
    second = answer(rt, ticket.code, at=DEADLINE_DAY + timedelta(days=10, hours=9))
    assert first.indemnity_cents == second.indemnity_cents == 750
    assert _credit(rt, msisdn) == before + 750
    with rt.read() as session:
        paid = session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "indemnity")).all()
        notices = session.scalars(
            select(OutboxMessage.body).where(OutboxMessage.channel == "inapp")
        ).all()
    assert len(paid) == 1
    assert any("3 giorni" in body and "7,50" in body for body in notices)


def test_answered_in_time_first_then_late_pays_nothing(rt: Runtime) -> None:
    msisdn = make_line(rt)
    before = _credit(rt, msisdn)
    ticket = open_ticket(rt, msisdn)
    answer(rt, ticket.code, at=DEADLINE_DAY)
    late = answer(rt, ticket.code, at=DEADLINE_DAY + timedelta(days=5))
    assert late.indemnity_cents == 0 and _credit(rt, msisdn) == before


def test_a_postpaid_line_gets_a_credit_on_its_next_invoice(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="BUSINESSPRO", credit="0", vat_number=PIVA, postpaid=True)
    ticket = open_ticket(rt, msisdn)
    answer(rt, ticket.code, at=DEADLINE_DAY + timedelta(days=4, hours=9))
    answer(rt, ticket.code, at=DEADLINE_DAY + timedelta(days=6, hours=9))
    with rt.read() as session:
        credits = session.execute(
            select(
                BillableCharge.net_cents, BillableCharge.vat_rate_bp, BillableCharge.reference
            ).where(BillableCharge.kind == "indemnity")
        ).all()
    assert [tuple(c) for c in credits] == [(-2000, 0, f"indemnity:{ticket.code}")]


def test_other_kinds_never_pay_an_indemnity(rt: Runtime) -> None:
    msisdn = make_line(rt)
    ticket = open_ticket(rt, msisdn, kind="message")
    assert ticket.deadline is None
    assert answer(rt, ticket.code, at=DEADLINE_DAY + timedelta(days=9)).indemnity_cents == 0


def test_the_arithmetic_follows_the_settings() -> None:
    rules = ComplaintRules(days=45, day_cents=300, cap_cents=1000)
    assert indemnity_cents(3, business=False, rules=rules) == 900
    assert indemnity_cents(4, business=False, rules=rules) == 1000
    assert indemnity_cents(4, business=True, rules=rules) == 2000
    opened = datetime(2026, 3, 1, 10, tzinfo=ROME)
    # across the change to summer time the calendar day still counts
    assert days_late(opened, datetime(2026, 3, 29, 23, 30, tzinfo=ROME)) == 28
