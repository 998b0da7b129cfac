"""Lines: creation, bad identities, plan changes, options, top-ups."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from saldo.balances.errors import InsufficientCredit
from saldo.balances.models import Bucket, LedgerEntry
from saldo.balances.service import ledger_mismatches
from saldo.kit.errors import InvalidInput, SaldoError
from saldo.kit.origin import CLI
from saldo.kit.quantities import GB
from saldo.lines.errors import LineExists, OptionNotAllowed, OptionState, PlanNotAllowed
from saldo.lines.models import Line
from saldo.lines.service import add_line, add_option, change_plan, remove_option
from saldo.payments.errors import TopupAmountInvalid, TopupRefReused
from saldo.payments.service import top_up
from saldo.runtime import Runtime
from tests.factories import make_line, remaining, snapshot


def _counts(rt: Runtime) -> tuple[int, int, int]:
    with rt.transaction() as session:
        return (
            int(session.scalar(select(func.count()).select_from(Line)) or 0),
            int(session.scalar(select(func.count()).select_from(Bucket)) or 0),
            int(session.scalar(select(func.count()).select_from(LedgerEntry)) or 0),
        )


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"msisdn": "12345"}, InvalidInput, "not a valid Italian mobile number"),
        ({"msisdn": "+390612345678"}, InvalidInput, "not a valid Italian mobile number"),
        ({"msisdn": "+447700900123"}, InvalidInput, "not a valid Italian mobile number"),
        ({"tax_code": "RSSMRA80A01H501X"}, InvalidInput, "invalid Italian tax code"),
        ({"vat_number": "01234560018", "plan_code": "BUSINESS100"}, InvalidInput, "VAT"),
        ({"plan_code": "NOPE"}, SaldoError, "unknown plan: NOPE"),
        ({"plan_code": "BUSINESS100"}, PlanNotAllowed, "business customers"),
        ({"postpaid": True}, PlanNotAllowed, "is prepaid, not postpaid"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    rt: Runtime, kwargs: dict[str, object], error: type[Exception], fragment: str
) -> None:
    before = _counts(rt)
    args: dict[str, object] = {"msisdn": "3471234567", "plan_code": "GIGA150", "credit_cents": 2000}
    args.update(kwargs)
    with pytest.raises(error, match=fragment), rt.transaction() as session:
        add_line(session, clock=rt.clock, origin=CLI, **args)  # type: ignore[arg-type]
    assert _counts(rt) == before


def test_line_is_stored_in_e164_and_only_once(rt: Runtime) -> None:
    msisdn = make_line(rt, msisdn="347 123 4567")
    assert msisdn == "347 123 4567"
    assert snapshot(rt, "+393471234567").msisdn == "+393471234567"
    with pytest.raises(LineExists), rt.transaction() as session:
        add_line(session, msisdn="00393471234567", plan_code="BASE", clock=rt.clock, origin=CLI)


def test_credit_loaded_first_then_fee_debited(rt: Runtime) -> None:
    snap = snapshot(rt, make_line(rt, plan="GIGA150", credit="20"))
    assert snap.credit_cents == 1001
    assert snap.plan.status == "active"
    assert remaining(snap, "data") == 150 * GB


def test_without_credit_the_plan_is_suspended_until_a_topup_pays_it(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="GIGA150", credit="5")
    snap = snapshot(rt, msisdn)
    assert snap.plan.status == "suspended" and snap.credit_cents == 500 and not snap.allowances
    with rt.transaction() as session:
        result = top_up(
            session, msisdn=msisdn, amount_cents=500, ref="pay-1", clock=rt.clock, origin=CLI
        )
    assert result.plan_resumed and result.credit_cents == 1
    snap = snapshot(rt, msisdn)
    assert snap.plan.status == "active" and remaining(snap, "data") == 150 * GB


def test_topup_is_idempotent_by_reference(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="BASE", credit="0")
    for _ in range(3):
        with rt.transaction() as session:
            top_up(
                session, msisdn=msisdn, amount_cents=1000, ref="pay-7", clock=rt.clock, origin=CLI
            )
    assert snapshot(rt, msisdn).credit_cents == 1000
    with pytest.raises(TopupRefReused), rt.transaction() as session:
        top_up(session, msisdn=msisdn, amount_cents=2000, ref="pay-7", clock=rt.clock, origin=CLI)


@pytest.mark.parametrize("cents", [0, 499, 15001, -500])
def test_topup_outside_limits_is_refused(rt: Runtime, cents: int) -> None:
    msisdn = make_line(rt, plan="BASE", credit="0")
    with pytest.raises(TopupAmountInvalid), rt.transaction() as session:
        top_up(session, msisdn=msisdn, amount_cents=cents, clock=rt.clock, origin=CLI)
    assert snapshot(rt, msisdn).credit_cents == 0


def test_plan_change_now_debits_new_fee_and_replaces_allowances(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="SMART50", credit="30")
    with rt.transaction() as session:
        change_plan(
            session,
            msisdn=msisdn,
            plan_code="GIGA200",
            at_renewal=False,
            clock=rt.clock,
            origin=CLI,
        )
    snap = snapshot(rt, msisdn)
    assert snap.plan.code == "GIGA200"
    assert snap.credit_cents == 3000 - 699 - 1299
    assert remaining(snap, "data") == 200 * GB
    assert [a.source_code for a in snap.allowances if a.service == "data"] == ["GIGA200"]


def test_plan_change_without_credit_is_explained_and_changes_nothing(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="SMART50", credit="10")
    with pytest.raises(InsufficientCredit, match="12,99 €"), rt.transaction() as session:
        change_plan(
            session,
            msisdn=msisdn,
            plan_code="GIGA200",
            at_renewal=False,
            clock=rt.clock,
            origin=CLI,
        )
    assert snapshot(rt, msisdn).plan.code == "SMART50"


def test_plan_change_at_renewal_waits(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="SMART50", credit="30")
    with rt.transaction() as session:
        line = change_plan(
            session, msisdn=msisdn, plan_code="GIGA150", at_renewal=True, clock=rt.clock, origin=CLI
        )
        assert line.pending_plan_code == "GIGA150"
    assert snapshot(rt, msisdn).plan.code == "SMART50"


def test_business_plan_for_a_private_customer_is_refused(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="GIGA150", credit="40")
    with pytest.raises(PlanNotAllowed), rt.transaction() as session:
        change_plan(
            session,
            msisdn=msisdn,
            plan_code="BUSINESS100",
            at_renewal=False,
            clock=rt.clock,
            origin=CLI,
        )


def test_option_on_and_off(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="GIGA150", credit="20")
    with rt.transaction() as session:
        add_option(session, msisdn=msisdn, option_code="GIGA_EXTRA_10", clock=rt.clock, origin=CLI)
    snap = snapshot(rt, msisdn)
    assert snap.credit_cents == 2000 - 999 - 499
    assert remaining(snap, "data") == 160 * GB
    assert [o.code for o in snap.options] == ["GIGA_EXTRA_10"]
    with pytest.raises(OptionState), rt.transaction() as session:
        add_option(session, msisdn=msisdn, option_code="GIGA_EXTRA_10", clock=rt.clock, origin=CLI)
    with rt.transaction() as session:
        remove_option(
            session, msisdn=msisdn, option_code="GIGA_EXTRA_10", clock=rt.clock, origin=CLI
        )
    snap = snapshot(rt, msisdn)
    assert remaining(snap, "data") == 150 * GB and not snap.options
    with pytest.raises(OptionState), rt.transaction() as session:
        remove_option(
            session, msisdn=msisdn, option_code="GIGA_EXTRA_10", clock=rt.clock, origin=CLI
        )
    with rt.transaction() as session:
        assert ledger_mismatches(session) == []


def test_incompatible_or_unaffordable_option_is_refused(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="GIGA150", credit="10")
    with pytest.raises(OptionNotAllowed), rt.transaction() as session:
        add_option(session, msisdn=msisdn, option_code="GIGA_EXTRA_50", clock=rt.clock, origin=CLI)
    with pytest.raises(InsufficientCredit), rt.transaction() as session:
        add_option(session, msisdn=msisdn, option_code="GIGA_EXTRA_10", clock=rt.clock, origin=CLI)
    snap = snapshot(rt, msisdn)
    assert snap.credit_cents == 1 and not snap.options
