"""Plan and option eligibility: one rule for the service, the pages, the JSON API and SMS/voice."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from saldo.catalog.schemas import CatalogDocument
from saldo.catalog.service import parse_catalog
from saldo.kit.clock import ROME
from saldo.lines.eligibility import (
    available_options,
    check_new_line_plan,
    check_option,
    check_plan_change,
    compatible_plans,
    option_expiry,
    options_ending,
    plan_fits,
)
from saldo.lines.errors import OptionNotAllowed, OptionState, PlanNotAllowed, PlanState

DEMO = Path(__file__).parents[2] / "catalog" / "demo.toml"
AT = datetime(2026, 11, 26, 9, 0, tzinfo=ROME)


@pytest.fixture(scope="module")
def doc() -> CatalogDocument:
    return parse_catalog(DEMO.read_text(), source=str(DEMO))[1]


def _codes(items: list[object]) -> list[str]:
    return [str(i.code) for i in items]


def test_compatible_plans_by_billing_and_segment(doc: CatalogDocument) -> None:
    consumer = ["GIGA150", "GIGA200", "SMART50", "BASE"]
    assert _codes(compatible_plans(doc, billing="prepaid", business=False)) == consumer
    assert _codes(compatible_plans(doc, billing="prepaid", business=True)) == [
        *consumer,
        "BUSINESS100",
    ]
    assert _codes(compatible_plans(doc, billing="postpaid", business=False)) == []
    assert _codes(compatible_plans(doc, billing="postpaid", business=True)) == ["BUSINESSPRO"]


@pytest.mark.parametrize("billing", ["prepaid", "postpaid"])
@pytest.mark.parametrize("business", [False, True])
def test_the_listed_plans_are_exactly_those_a_change_accepts(
    doc: CatalogDocument, billing: str, business: bool
) -> None:
    """What the pages and the API list and what ``change_plan`` accepts never disagree."""
    listed = set(_codes(compatible_plans(doc, billing=billing, business=business)))
    for plan in doc.plan:
        try:
            check_plan_change(
                plan, billing=billing, business=business, current_code="X", current_status="active"
            )
            accepted = True
        except PlanNotAllowed:
            accepted = False
        assert (
            accepted == (plan.code in listed) == plan_fits(plan, billing=billing, business=business)
        )


def test_a_plan_change_refuses_the_active_plan_and_a_billing_switch(doc: CatalogDocument) -> None:
    giga = doc.plan_by_code("GIGA150")
    assert giga is not None
    with pytest.raises(PlanState):
        check_plan_change(
            giga, billing="prepaid", business=False, current_code="GIGA150", current_status="active"
        )
    # a suspended line may take its own plan again
    check_plan_change(
        giga, billing="prepaid", business=False, current_code="GIGA150", current_status="suspended"
    )
    with pytest.raises(PlanNotAllowed, match="customer care"):
        check_plan_change(
            giga, billing="postpaid", business=True, current_code="X", current_status="active"
        )


def test_a_new_line_takes_the_billing_of_its_plan(doc: CatalogDocument) -> None:
    pro, business = doc.plan_by_code("BUSINESSPRO"), doc.plan_by_code("BUSINESS100")
    assert pro is not None and business is not None
    check_new_line_plan(pro, business=True, postpaid=False)
    check_new_line_plan(pro, business=True, postpaid=True)
    with pytest.raises(PlanNotAllowed, match="prepaid, not postpaid"):
        check_new_line_plan(business, business=True, postpaid=True)
    with pytest.raises(PlanNotAllowed, match="VAT number"):
        check_new_line_plan(business, business=False, postpaid=False)


def test_available_options_fit_the_plan_and_are_not_active(doc: CatalogDocument) -> None:
    assert _codes(available_options(doc, plan_code="GIGA150", active=[])) == [
        "GIGA_EXTRA_10",
        "MONDO_100",
    ]
    assert _codes(available_options(doc, plan_code="SMART50", active=["GIGA_EXTRA_10"])) == [
        "GIGA_EXTRA_50",
        "MONDO_100",
    ]


def test_available_options_are_exactly_those_an_activation_accepts(doc: CatalogDocument) -> None:
    for plan in doc.plan:
        for active in ([], ["MONDO_100"]):
            listed = set(_codes(available_options(doc, plan_code=plan.code, active=active)))
            for option in doc.option:
                try:
                    check_option(option, plan_code=plan.code, plan_status="active", active=active)
                    accepted = True
                except (OptionNotAllowed, OptionState):
                    accepted = False
                assert accepted == (option.code in listed), (plan.code, option.code)


def test_an_option_needs_an_active_plan(doc: CatalogDocument) -> None:
    extra = doc.option_by_code("GIGA_EXTRA_10")
    assert extra is not None
    with pytest.raises(PlanState):
        check_option(extra, plan_code="GIGA150", plan_status="suspended", active=[])


def test_options_ending_with_a_switch_and_their_expiry(doc: CatalogDocument) -> None:
    assert options_ending(doc, plan_code="BASE", active=["GIGA_EXTRA_10", "MONDO_100"]) == [
        "GIGA_EXTRA_10"
    ]
    extra, mondo = doc.option_by_code("GIGA_EXTRA_10"), doc.option_by_code("MONDO_100")
    assert extra is not None and mondo is not None
    renews = datetime(2026, 12, 24, 9, 0, tzinfo=ROME)
    assert option_expiry(extra, renews_at=renews, at=AT) == renews
    assert option_expiry(mondo, renews_at=renews, at=AT) == datetime(2026, 12, 24, 9, tzinfo=ROME)
