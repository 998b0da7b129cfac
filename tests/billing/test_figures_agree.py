"""The figures agree to the cent: what a postpaid line is billed equals what the same
operations debit a prepaid line on a plan priced alike, each amount made net once."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from saldo.balances.models import Bucket, LedgerEntry
from saldo.billing.vat import VatTerms
from saldo.charging.online import charge_online
from saldo.charging.reservations import commit_reservation
from saldo.charging.schemas import UsageEvent
from saldo.kit.clock import FixedClock
from saldo.kit.errors import SaldoError
from saldo.kit.origin import CLI
from saldo.lines.models import Line
from saldo.lines.service import add_option, remove_option
from saldo.runtime import Runtime
from saldo.worker import run_once
from tests.billing.factories import OPTIONS, TWINS, charges, load_billing_catalog
from tests.conftest import START, _empty
from tests.factories import hold, load_demo_catalog, make_line, use
from tests.operations import examples

VAT = 2200

operation = st.one_of(
    st.tuples(
        st.just("use"),
        st.sampled_from(["voice", "sms", "mms", "data"]),
        st.sampled_from(["national", "eu", "international", "world"]),
        st.integers(0, 3 * 1024**3),
        st.sampled_from(["transaction", "online", "session"]),
    ),
    st.tuples(st.just("option"), st.sampled_from(OPTIONS), st.booleans()),
    st.tuples(st.just("time"), st.integers(1, 40)),
)


def _apply(rt: Runtime, clock: FixedClock, msisdn: str, tag: str, op: tuple[object, ...]) -> None:
    """Do ``op`` to ``msisdn``; event ids carry ``tag`` so that two lines never share one."""
    kind = op[0]
    if kind == "time":
        return  # moved once for both lines
    if kind == "option":
        try:
            with rt.transaction() as s:
                (add_option if op[2] else remove_option)(
                    s, msisdn=msisdn, option_code=str(op[1]), clock=rt.clock, origin=CLI
                )
        except SaldoError as exc:  # already active, not active, does not fit: on both lines
            assert exc.kind == "conflict", exc
        return
    _, service, zone, quantity, path = op
    units = int(quantity) if service == "data" else int(quantity) % 5000  # type: ignore[call-overload]
    event_id = f"{tag}-{clock.now().timestamp():.0f}-{service}-{zone}-{units}"
    if path == "transaction":
        use(rt, msisdn, service=str(service), zone=str(zone), quantity=units, event_id=event_id)
    elif path == "online":
        event = UsageEvent(event_id, msisdn, str(service), str(zone), clock.now(), units)
        charge_online(rt, event=event, now=clock.now(), sender="4155")
    else:
        hold(rt, msisdn, session_id=event_id, service=str(service), zone=str(zone), quantity=units)
        with rt.transaction() as s:
            commit_reservation(
                s, session_id=event_id, msisdn=msisdn, used=units, now=clock.now(), sender="4155"
            )


def _prepaid_debits(rt: Runtime, msisdn: str) -> list[int]:
    """What the credit paid: fees and usage charges (reservations are given back)."""
    with rt.read() as session:
        rows = session.scalars(
            select(LedgerEntry.delta)
            .join(Bucket, Bucket.id == LedgerEntry.bucket_id)
            .join(Line, Line.id == Bucket.line_id)
            .where(
                Line.msisdn == msisdn,
                Bucket.service == "credit",
                LedgerEntry.kind.in_(("fee", "charge")),
            )
        ).all()
    return [-delta for delta in rows]


@examples(10)
@given(plan=st.sampled_from(sorted(TWINS)), ops=st.lists(operation, max_size=14))
def test_a_postpaid_line_is_billed_what_a_prepaid_line_pays(
    rt: Runtime, clock: FixedClock, tmp_path: Path, plan: str, ops: list[tuple[object, ...]]
) -> None:
    _empty(rt.engine)
    clock.set(START)
    load_demo_catalog(rt)
    load_billing_catalog(rt, tmp_path)
    business = "01234560017" if plan == "UFFICIO" else None
    postpaid = make_line(rt, plan=plan, credit="0", vat_number=business, postpaid=True)
    prepaid = make_line(rt, plan=TWINS[plan], credit="100000", vat_number=business)
    for op in ops:
        if op[0] == "time":
            clock.set(clock.now() + timedelta(days=int(op[1])))  # type: ignore[call-overload]
            run_once(rt)
        _apply(rt, clock, postpaid, "post", op)
        _apply(rt, clock, prepaid, "pre", op)

    terms = VatTerms(VAT, prices_include_vat=plan == "CASA")
    paid = [terms.net(cents) for cents in _prepaid_debits(rt, prepaid)]
    billed = charges(rt, postpaid)
    assert sum(c.net_cents for c in billed) == sum(paid)
    assert Counter(c.net_cents for c in billed) == Counter(paid)
    assert {c.vat_rate_bp for c in billed} == {VAT}
    assert charges(rt, prepaid) == []
