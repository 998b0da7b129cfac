"""Money a ticket gives back: the indemnity of a late complaint answer and approved refunds.

A prepaid line gets credit through the ledger; a postpaid line a credit (a negative billable
charge) on its next invoice. Each is paid once: the ticket's row is claimed by a conditional
UPDATE first, and the ledger key or charge reference (``indemnity:<code>``, ``refund:<code>``)
is unique besides.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from saldo.balances.wallet import credit_wallet
from saldo.billing.service import record_charge
from saldo.care.models import Ticket
from saldo.care.rules import ComplaintRules, days_late, indemnity_cents
from saldo.db import table
from saldo.kit.origin import Origin
from saldo.lines.models import Line

ticket_t = table(Ticket)


def give_back(
    session: Session,
    *,
    line: Line,
    cents: int,
    kind: str,
    key: str,
    origin: Origin,
    now: datetime,
) -> None:
    """``cents`` back to ``line``: prepaid credit (ledger ``kind``) or a credit on the next
    invoice (a billable charge of ``-cents``, VAT-free: an indemnity or refund is no sale)."""
    if line.billing == "prepaid":
        credit_wallet(
            session,
            line_id=line.id,
            cents=cents,
            kind=kind,
            key=key,
            reference=key,
            origin=origin,
            now=now,
        )
    else:
        record_charge(
            session,
            line_id=line.id,
            kind=kind,
            net_cents=-cents,
            vat_rate_bp=0,
            occurred_at=now,
            reference=key,
        )


def settle_indemnity(
    session: Session,
    *,
    ticket: Ticket,
    line: Line | None,
    business: bool,
    rules: ComplaintRules,
    origin: Origin,
    now: datetime,
) -> bool:
    """Decide a complaint's indemnity at its first answer, once: what a late answer costs
    is paid to ``line``. False when it was already decided (a second answer pays nothing)."""
    assert ticket.deadline is not None and ticket.answered_at is not None
    days = days_late(ticket.deadline, ticket.answered_at)
    cents = indemnity_cents(days, business=business, rules=rules) if line is not None else 0
    claimed = session.execute(
        update(ticket_t)
        .where(ticket_t.c.id == ticket.id, ticket_t.c.indemnity_paid_at.is_(None))
        .values(indemnity_paid_at=now, indemnity_cents=cents, indemnity_days=days)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        return False
    session.refresh(ticket)
    if cents and line is not None:
        give_back(
            session,
            line=line,
            cents=cents,
            kind="indemnity",
            key=f"indemnity:{ticket.code}",
            origin=origin,
            now=now,
        )
    return True


def claim_refund(session: Session, *, ticket: Ticket, to: str, actor: str) -> bool:
    """Move a requested refund to ``to`` (approved | rejected | paid), once."""
    claimed = session.execute(
        update(ticket_t)
        .where(ticket_t.c.id == ticket.id, ticket_t.c.refund_status == "requested")
        .values(refund_status=to, refund_decided_by=actor)
    )
    session.refresh(ticket)
    return getattr(claimed, "rowcount", 0) == 1
