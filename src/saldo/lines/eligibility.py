"""Which plans and options a line may take: the one rule the service, the app, the JSON API,
SMS/voice and the business area all apply. Pure functions over the catalogue, no session.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from saldo.catalog.schemas import CatalogDocument, Option, Plan
from saldo.kit.periods import UNTIL_RENEWAL, add_period
from saldo.lines.errors import OptionNotAllowed, OptionState, PlanNotAllowed, PlanState


def plan_fits(plan: Plan, *, billing: str, business: bool) -> bool:
    """Same billing as the line; business plans only for business customers."""
    return plan.billing == billing and (business or plan.segment == "consumer")


def compatible_plans(document: CatalogDocument, *, billing: str, business: bool) -> list[Plan]:
    """The plans a line may switch to, in catalogue order."""
    return [p for p in document.plan if plan_fits(p, billing=billing, business=business)]


def check_segment(plan: Plan, *, business: bool) -> None:
    if plan.segment == "business" and not business:
        raise PlanNotAllowed(
            f"l'offerta {plan.code} è riservata ai clienti business (serve la partita IVA)",
            f"plan {plan.code} is for business customers (a VAT number is required)",
        )


def check_new_line_plan(plan: Plan, *, business: bool, postpaid: bool) -> None:
    """A new line takes its billing from its plan; asked for postpaid, the plan must be one."""
    check_segment(plan, business=business)
    if postpaid and plan.billing != "postpaid":
        raise PlanNotAllowed(
            f"l'offerta {plan.code} è ricaricabile, non in abbonamento",
            f"plan {plan.code} is prepaid, not postpaid",
        )


def check_plan_change(
    plan: Plan, *, billing: str, business: bool, current_code: str, current_status: str
) -> None:
    """Raise unless the line may switch to ``plan`` (what ``compatible_plans`` lists, and not
    the plan it already has active)."""
    check_segment(plan, business=business)
    if plan.billing != billing:
        raise PlanNotAllowed(
            "il passaggio tra ricaricabile e abbonamento si fa con il servizio clienti",
            "switching between prepaid and postpaid goes through customer care",
        )
    if plan.code == current_code and current_status == "active":
        raise PlanState(f"hai già l'offerta {plan.code}", f"the line already has plan {plan.code}")


def available_options(
    document: CatalogDocument, *, plan_code: str, active: Iterable[str]
) -> list[Option]:
    """Options that fit the line's plan and are not active, in catalogue order."""
    taken = set(active)
    return [o for o in document.option if o.fits(plan_code) and o.code not in taken]


def check_option(
    option: Option, *, plan_code: str, plan_status: str, active: Iterable[str]
) -> None:
    """Raise unless the line may activate ``option`` now."""
    if not option.fits(plan_code):
        raise OptionNotAllowed(
            f"l'opzione {option.code} non è compatibile con l'offerta {plan_code}",
            f"option {option.code} does not fit plan {plan_code}",
        )
    if plan_status != "active":
        raise PlanState(
            "l'offerta è sospesa: ricarica per riattivarla prima di aggiungere opzioni",
            "the plan is suspended: top up to resume it before adding options",
        )
    if option.code in set(active):
        raise OptionState(
            f"l'opzione {option.code} è già attiva", f"option {option.code} is already active"
        )


def options_ending(
    document: CatalogDocument, *, plan_code: str, active: Iterable[str]
) -> list[str]:
    """Codes of active options that do not fit ``plan_code`` (they end when the line switches)."""
    ending = []
    for code in active:
        spec = document.option_by_code(code)
        if spec is not None and not spec.fits(plan_code):
            ending.append(code)
    return ending


def option_expiry(option: Option, *, renews_at: datetime | None, at: datetime) -> datetime | None:
    """When an option activated ``at`` ends: at the plan's renewal, or after its own period."""
    if option.period == UNTIL_RENEWAL:
        return renews_at
    return add_period(at, option.period)
