"""Spending per line and month (the current month and the 12 before, months of Italy):
plan fees, option fees, out-of-bundle traffic, top-ups. Four grouped statements for the whole
company, whatever the number of lines: each sorts its rows into months with one CASE over the
months' first instants."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from saldo.accounts import repository as repo
from saldo.accounts.errors import NotAllowed
from saldo.accounts.repository import Scope
from saldo.balances.models import Bucket, LedgerEntry
from saldo.billing.models import BillableCharge
from saldo.charging.models import UsageRecord
from saldo.kit.clock import ROME, as_utc

MONTHS = 13
KINDS = ("fees", "options", "out_of_bundle", "topups")


@dataclass(slots=True)
class MonthSpend:
    fees: int = 0
    options: int = 0
    out_of_bundle: int = 0
    topups: int = 0

    @property
    def spent(self) -> int:
        """What the line cost: top-ups are money in, not spending."""
        return self.fees + self.options + self.out_of_bundle


@dataclass(slots=True)
class Spending:
    months: list[datetime]
    """First instant (Italy) of each month, oldest first; the last is the current one."""
    lines: dict[str, list[MonthSpend]] = field(default_factory=dict)
    """By MSISDN: one entry per month of ``months``."""

    def totals(self) -> list[MonthSpend]:
        out = [MonthSpend() for _ in self.months]
        for months in self.lines.values():
            for total, one in zip(out, months, strict=True):
                for kind in KINDS:
                    setattr(total, kind, getattr(total, kind) + getattr(one, kind))
        return out


def month_starts(now: datetime, count: int = MONTHS) -> list[datetime]:
    local = now.astimezone(ROME)
    year, month = local.year, local.month
    starts = []
    for _ in range(count):
        starts.append(datetime(year, month, 1, tzinfo=ROME))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(starts))


def _month(column: Any, starts: list[datetime]) -> Any:
    """The index in ``starts`` of the month ``column`` falls in (newest tested first)."""
    whens = [(column >= as_utc(s), i) for i, s in reversed(list(enumerate(starts)))]
    return case(*whens, else_=-1)


def _visible_ids(scope: Scope) -> Any:
    if scope.role == "employee":
        raise NotAllowed()
    return repo.visible_lines(scope)


def spending(session: Session, *, scope: Scope, now: datetime) -> Spending:
    """Spending of every line the user may see (managers and admins: all of the company)."""
    lines = _visible_ids(scope)
    starts = month_starts(now)
    since = as_utc(starts[0])
    result = Spending(starts)
    found = session.execute(
        select(repo.line_t.c.id, repo.line_t.c.msisdn).where(repo.line_t.c.id.in_(lines))
    )
    numbers: dict[int, str] = {int(r.id): r.msisdn for r in found}
    for number in sorted(numbers.values()):
        result.lines[number] = [MonthSpend() for _ in starts]
    for line_id, month, kind, cents in _rows(session, lines, starts, since):
        if month >= 0 and cents:
            spend = result.lines[numbers[line_id]][month]
            setattr(spend, kind, getattr(spend, kind) + int(cents))
    return result


def _rows(session: Session, lines: Any, starts: list[datetime], since: datetime) -> Iterator[Any]:
    le = LedgerEntry
    month = _month(le.created_at, starts)
    kind = case(
        (le.kind == "topup", "topups"), (le.reference.like("option:%"), "options"), else_="fees"
    )
    yield from session.execute(
        select(le.line_id, month, kind, func.sum(func.abs(le.delta)))
        .join(Bucket, Bucket.id == le.bucket_id)
        .where(
            le.line_id.in_(lines),
            Bucket.service == "credit",
            le.created_at >= since,
            le.kind.in_(("topup", "fee")),
        )
        .group_by(le.line_id, month, kind)
    )
    bc = BillableCharge
    month = _month(bc.occurred_at, starts)
    kind = case((bc.kind == "option_fee", "options"), else_="fees")
    yield from session.execute(
        select(bc.line_id, month, kind, func.sum(bc.net_cents))
        .where(
            bc.line_id.in_(lines), bc.occurred_at >= since, bc.kind.in_(("plan_fee", "option_fee"))
        )
        .group_by(bc.line_id, month, kind)
    )
    ur = UsageRecord
    month = _month(ur.started_at, starts)
    yield from session.execute(
        select(ur.line_id, month, literal("out_of_bundle"), func.sum(ur.charge_cents))
        .where(ur.line_id.in_(lines), ur.started_at >= since)
        .group_by(ur.line_id, month)
    )
