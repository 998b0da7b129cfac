"""Plans and options as the app shows them: what a change costs and does (which plans and
options fit the line is ``lines.eligibility``'s)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from saldo.balances.presenter import HOME_FIRST, KIND_BY_KEY, shortfall
from saldo.balances.schemas import Snapshot
from saldo.catalog.schemas import CatalogDocument, Option, Plan
from saldo.kit.periods import add_period
from saldo.kit.quantities import Allowance
from saldo.lines.eligibility import option_expiry, options_ending

ALLOWANCE_LABELS: dict[str, tuple[str, str]] = {k.key: (k.labels.offer, k.unit) for k in HOME_FIRST}
"""Catalogue allowance key -> (label, unit), in reading order (the presenter's)."""


def allowance_items(allowances: dict[str, Allowance]) -> list[tuple[str, str, Allowance]]:
    """(key, label, allowance) in reading order."""
    return [
        (key, ALLOWANCE_LABELS[key][0], allowances[key])
        for key in ALLOWANCE_LABELS
        if key in allowances
    ]


def unit_of(key: str) -> str:
    return KIND_BY_KEY[key].unit


def suggested_topup(document: CatalogDocument, missing_cents: int) -> int:
    """The smallest catalogue amount that covers ``missing_cents``."""
    fitting = sorted(a for a in document.topup.amounts if a >= missing_cents)
    if fitting:
        return fitting[0]
    return max(document.topup.min, min(missing_cents, document.topup.max))


@dataclass(frozen=True, slots=True)
class Cost:
    """What activating something costs now, and whether the credit pays it."""

    fee_cents: int
    credit_cents: int
    charged_now: bool
    missing_cents: int
    suggested_topup_cents: int

    @property
    def affordable(self) -> bool:
        return self.missing_cents == 0

    @property
    def credit_after_cents(self) -> int:
        return self.credit_cents - (self.fee_cents if self.charged_now else 0)


def cost(document: CatalogDocument, snapshot: Snapshot, fee_cents: int) -> Cost:
    prepaid = snapshot.billing == "prepaid"
    missing = shortfall(snapshot, fee_cents)
    suggested = suggested_topup(document, missing) if missing else 0
    return Cost(fee_cents, snapshot.credit_cents, prepaid, missing, suggested)


@dataclass(frozen=True, slots=True)
class PlanChange:
    plan: Plan
    now: Cost
    period_ends: datetime
    """End of the new plan's first period if it starts now."""
    ended_options: list[str]
    """Names of active options that do not fit the new plan and end with the switch."""
    renewal_possible: bool
    """The switch can wait for the renewal (only while the current plan is active)."""
    renews_at: datetime | None


def plan_change(
    document: CatalogDocument, snapshot: Snapshot, plan: Plan, *, now: datetime
) -> PlanChange:
    ending = set(
        options_ending(document, plan_code=plan.code, active=(o.code for o in snapshot.options))
    )
    ended = [o.name for o in snapshot.options if o.code in ending]
    return PlanChange(
        plan=plan,
        now=cost(document, snapshot, plan.fee),
        period_ends=add_period(now, plan.period),
        ended_options=ended,
        renewal_possible=snapshot.plan.status == "active",
        renews_at=snapshot.plan.renews_at,
    )


def option_valid_until(option: Option, snapshot: Snapshot, *, now: datetime) -> datetime | None:
    return option_expiry(option, renews_at=snapshot.plan.renews_at, at=now)
