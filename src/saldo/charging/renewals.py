"""Time-driven jobs: renewals, expiry, renewal warnings. Each returns how much it did."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from saldo.balances import ledger
from saldo.balances.models import Bucket
from saldo.balances.presenter import missing_cents
from saldo.balances.service import credit_of
from saldo.catalog.service import get_catalog, get_plan
from saldo.kit.clock import short_day
from saldo.kit.money import format_eur
from saldo.kit.origin import Origin
from saldo.lines.models import Line, LineOption
from saldo.lines.service import renew
from saldo.notifications.service import enqueue

WARN_BEFORE = timedelta(days=3)


def due_renewals(session: Session, *, now: datetime, limit: int = 500) -> list[int]:
    return list(
        session.scalars(
            select(Line.id)
            .where(Line.plan_status == "active", Line.renews_at <= now, Line.status == "active")
            .order_by(Line.renews_at)
            .limit(limit)
        )
    )


def renew_line(session: Session, *, line_id: int, now: datetime, origin: Origin) -> int:
    """Renew one line for every period that ended by ``now``; returns the periods renewed."""
    line = session.scalar(select(Line).where(Line.id == line_id).with_for_update(key_share=True))
    count = 0
    while (
        line is not None
        and line.plan_status == "active"
        and line.renews_at is not None
        and line.renews_at <= now
    ):
        if not renew(session, line=line, origin=origin):
            _notify_suspended(session, line=line, now=now)
            break
        count += 1
    if count and line is not None and line.plan_status == "active":
        _notify_renewed(session, line=line, now=now)
    return count


def _notify_renewed(session: Session, *, line: Line, now: datetime) -> None:
    _, plan = get_plan(session, line.plan_code, line.catalog_version_id)
    _, document = get_catalog(session)
    assert line.renews_at is not None
    fee = f"addebitati {format_eur(plan.fee)}, " if line.billing == "prepaid" else ""
    credit = (
        f"credito residuo {format_eur(credit_of(session, line.id))}. "
        if line.billing == "prepaid"
        else ""
    )
    enqueue(
        session,
        recipient=line.msisdn,
        sender=document.channels.sms,
        body=(
            f"Offerta {plan.name} rinnovata: {fee}{credit}"
            f"Prossimo rinnovo il {short_day(line.renews_at)}."
        ),
        topic="renewal",
        now=now,
        dedup_key=f"renewed:{line.id}:{line.renews_at.isoformat()}",
    )


def _notify_suspended(session: Session, *, line: Line, now: datetime) -> None:
    _, plan = get_plan(session, line.plan_code, line.catalog_version_id)
    _, document = get_catalog(session)
    missing = missing_cents(fee_cents=plan.fee, credit_cents=credit_of(session, line.id))
    enqueue(
        session,
        recipient=line.msisdn,
        sender=document.channels.sms,
        body=(
            f"La tua offerta {plan.name} è sospesa per credito insufficiente. Ricarica almeno "
            f"{format_eur(missing)} per riattivarla."
        ),
        topic="renewal",
        now=now,
    )


def expire_due(session: Session, *, now: datetime, origin: Origin) -> int:
    """Close buckets and options whose validity ended (plans are closed by their renewal)."""
    rows = session.execute(
        select(Bucket.id, Bucket.line_id)
        .where(Bucket.status == "active", Bucket.expires_at <= now, Bucket.source != "plan")
        .limit(5000)
    ).all()
    for bucket_id, line_id in rows:
        ledger.expire_bucket(
            session, bucket_id=bucket_id, line_id=line_id, key="expiry", origin=origin, now=now
        )
    session.execute(
        update(LineOption)
        .where(
            LineOption.status == "active",
            LineOption.recurring.is_(False),
            LineOption.expires_at <= now,
        )
        .values(status="ended", ended_at=LineOption.expires_at)
    )
    return len(rows)


def warn_renewals(session: Session, *, now: datetime) -> int:
    """Three days before a renewal the credit cannot pay, tell the customer once."""
    lines = session.scalars(
        select(Line).where(
            Line.billing == "prepaid",
            Line.plan_status == "active",
            Line.renews_at > now,
            Line.renews_at <= now + WARN_BEFORE,
            or_(Line.renewal_warned_for.is_(None), Line.renewal_warned_for != Line.renews_at),
        )
    ).all()
    _, document = get_catalog(session) if lines else (0, None)
    sent = 0
    for line in lines:
        line.renewal_warned_for = line.renews_at
        code = line.pending_plan_code or line.plan_code
        _, plan = get_plan(session, code)
        missing = missing_cents(fee_cents=plan.fee, credit_cents=credit_of(session, line.id))
        if not missing or document is None or line.renews_at is None:
            continue
        day = short_day(line.renews_at)
        enqueue(
            session,
            recipient=line.msisdn,
            sender=document.channels.sms,
            body=(
                f"La tua offerta {plan.name} si rinnova il {day} e costa {format_eur(plan.fee)}: "
                f"ricarica almeno {format_eur(missing)} per rinnovarla."
            ),
            topic="renewal",
            now=now,
            dedup_key=f"renewal-warning:{line.id}:{line.renews_at.isoformat()}",
        )
        sent += 1
    return sent
