"""Plans and options as the app offers them: which fit the line, what a change costs and does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from saldo.balances.schemas import Snapshot
from saldo.catalog.schemas import CatalogDocument, Option, Plan
from saldo.kit.periods import UNTIL_RENEWAL, add_period
from saldo.kit.quantities import Allowance

# catalogue allowance key -> (label, unit), in the order a customer reads them
ALLOWANCE_LABELS: dict[str, tuple[str, str]] = {
    "data": ("Giga", "bytes"),
    "voice": ("Minuti", "seconds"),
    "sms": ("SMS", "messages"),
    "mms": ("MMS", "messages"),
    "data_eu": ("Giga in UE", "bytes"),
    "international_voice": ("Minuti verso l'estero", "seconds"),
}


def allowance_items(allowances: dict[str, Allowance]) -> list[tuple[str, str, Allowance]]:
    """(key, label, allowance) in reading order."""
    return [
        (key, ALLOWANCE_LABELS[key][0], allowances[key])
        for key in ALLOWANCE_LABELS
        if key in allowances
    ]


def unit_of(key: str) -> str:
    return ALLOWANCE_LABELS[key][1]


def compatible_plans(document: CatalogDocument, *, billing: str, business: bool) -> list[Plan]:
    """The plans the line may switch to: same billing; business plans for business customers."""
    return [
        p for p in document.plan if p.billing == billing and (business or p.segment == "consumer")
    ]


def available_options(document: CatalogDocument, snapshot: Snapshot) -> list[Option]:
    """Options that fit the line's plan and are not active."""
    active = {o.code for o in snapshot.options}
    return [o for o in document.option if o.fits(snapshot.plan.code) and o.code not in active]


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
    missing = max(fee_cents - snapshot.credit_cents, 0) if prepaid else 0
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
    ended = []
    for active in snapshot.options:
        spec = document.option_by_code(active.code)
        if spec is not None and not spec.fits(plan.code):
            ended.append(active.name)
    return PlanChange(
        plan=plan,
        now=cost(document, snapshot, plan.fee),
        period_ends=add_period(now, plan.period),
        ended_options=ended,
        renewal_possible=snapshot.plan.status == "active",
        renews_at=snapshot.plan.renews_at,
    )


def option_valid_until(option: Option, snapshot: Snapshot, *, now: datetime) -> datetime | None:
    if option.period == UNTIL_RENEWAL:
        return snapshot.plan.renews_at
    return add_period(now, option.period)
