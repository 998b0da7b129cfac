"""What a business user sees and does on the company's lines: the table of lines with each
one's balance snapshot (the one every channel shows) and its spending this month, and the
options, through the same lines service as ``saldo option add/remove``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from saldo.accounts import repository as repo
from saldo.accounts.errors import LineNotVisible, NotAllowed
from saldo.accounts.repository import Scope
from saldo.audit.service import Actor, record
from saldo.balances.models import Bucket, LedgerEntry
from saldo.balances.schemas import Snapshot
from saldo.balances.service import get_snapshots
from saldo.billing.models import BillableCharge
from saldo.identity.schemas import BUSINESS_USER
from saldo.kit.clock import ROME, Clock, as_utc
from saldo.kit.msisdn import normalize_msisdn
from saldo.kit.origin import Origin
from saldo.lines import service as lines
from saldo.lines.models import Line

MAX_PAGE = 200
SPENDING_KINDS = ("fee", "charge")
"""Ledger kinds of the prepaid credit that are spending: plan and option fees, traffic."""


@dataclass(frozen=True, slots=True)
class LineItem:
    msisdn: str
    label: str | None
    user_email: str | None
    balance: Snapshot
    spent_cents_this_month: int


def month_start(now: datetime) -> datetime:
    """The first instant of the current month in Italy, in UTC."""
    local = now.astimezone(ROME).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return as_utc(local)


def spent_since(session: Session, line_ids: list[int], since: datetime) -> dict[int, int]:
    """Cents spent by each line since ``since``: prepaid credit debited for fees and traffic,
    plus postpaid charges (net of VAT); two grouped statements for the whole page."""
    if not line_ids:
        return {}
    spent: dict[int, int] = dict.fromkeys(line_ids, 0)
    prepaid = session.execute(
        select(LedgerEntry.line_id, func.coalesce(func.sum(-LedgerEntry.delta), 0))
        .join(Bucket, Bucket.id == LedgerEntry.bucket_id)
        .where(
            LedgerEntry.line_id.in_(line_ids),
            Bucket.service == "credit",
            LedgerEntry.kind.in_(SPENDING_KINDS),
            LedgerEntry.created_at >= since,
        )
        .group_by(LedgerEntry.line_id)
    )
    postpaid = session.execute(
        select(BillableCharge.line_id, func.coalesce(func.sum(BillableCharge.net_cents), 0))
        .where(BillableCharge.line_id.in_(line_ids), BillableCharge.occurred_at >= since)
        .group_by(BillableCharge.line_id)
    )
    for line_id, cents in (*prepaid, *postpaid):
        spent[int(line_id)] += int(cents)
    return spent


def list_lines(
    session: Session,
    *,
    scope: Scope,
    now: datetime,
    q: str | None = None,
    status: str | None = None,
    offset: int = 0,
    limit: int = 50,
    sort: str = "msisdn",
) -> tuple[int, list[LineItem]]:
    """One page of the lines ``scope`` may see and how many there are in all: four
    statements whatever the page size (count, page, snapshots, spending)."""
    total, rows = repo.line_page(
        session, scope, q=q, status=status, offset=offset, limit=min(limit, MAX_PAGE), sort=sort
    )
    ids = [int(r.id) for r in rows]
    snapshots = get_snapshots(session, line_ids=ids, now=now)
    spent = spent_since(session, ids, month_start(now))
    items = [
        LineItem(r.msisdn, r.label, r.email, snapshots[int(r.id)], spent[int(r.id)]) for r in rows
    ]
    return total, items


def get_line(session: Session, *, scope: Scope, msisdn: str, now: datetime) -> LineItem:
    """One visible line; ``LineNotVisible`` (404) for any other, whoever's it is."""
    line = _visible(session, scope, msisdn)
    _, items = list_lines(session, scope=scope, now=now, q=line.msisdn, limit=MAX_PAGE)
    return next(i for i in items if i.msisdn == line.msisdn)


def _visible(session: Session, scope: Scope, msisdn: str) -> Line:
    try:
        e164 = normalize_msisdn(msisdn)
    except Exception:
        raise LineNotVisible(msisdn) from None
    line = repo.visible_line(session, scope, e164)
    if line is None:
        raise LineNotVisible(e164)
    return line


def change_option(
    session: Session,
    *,
    scope: Scope,
    msisdn: str,
    code: str,
    action: Literal["add", "remove"],
    clock: Clock,
    client: str,
    channel: str = "business",
) -> None:
    """Add or remove an option on a visible line: the lines service's checks, prices and
    errors; written to the audit trail. Employees may only look (``NotAllowed``)."""
    line = _visible(session, scope, msisdn)
    if scope.role == "employee":
        raise NotAllowed()
    origin = Origin(actor=f"business_user:{scope.user_id}", channel=channel)
    operation = lines.add_option if action == "add" else lines.remove_option
    operation(session, msisdn=line.msisdn, option_code=code, clock=clock, origin=origin)
    record(
        session,
        actor=Actor(BUSINESS_USER, scope.user_id, client),
        scope=scope.audit_scope,
        action=f"option_{action}",
        subject=line.msisdn,
        details={"code": code},
        now=clock.now(),
    )
