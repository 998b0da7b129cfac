"""Top-ups: idempotent by payment reference; a top-up can resume a suspended plan."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from saldo.balances.service import credit_of
from saldo.balances.wallet import credit_wallet
from saldo.catalog.service import get_catalog
from saldo.kit.clock import Clock
from saldo.kit.money import format_eur
from saldo.kit.msisdn import normalize_msisdn
from saldo.kit.origin import Origin
from saldo.lines.repository import line_by_msisdn
from saldo.lines.service import resume_if_affordable
from saldo.notifications.service import enqueue
from saldo.payments.errors import TopupAmountInvalid, TopupRefReused
from saldo.payments.models import Topup


@dataclass(frozen=True, slots=True)
class TopupResult:
    ref: str
    msisdn: str
    amount_cents: int
    credit_cents: int
    replayed: bool
    plan_resumed: bool


def top_up(
    session: Session,
    *,
    msisdn: str,
    amount_cents: int,
    clock: Clock,
    origin: Origin,
    ref: str | None = None,
    notify: bool = True,
) -> TopupResult:
    """Add credit. The same ``ref`` twice applies once and answers the first result."""
    e164 = normalize_msisdn(msisdn)
    ref = ref or f"topup-{uuid.uuid4()}"
    existing = session.scalar(select(Topup).where(Topup.ref == ref))
    line = line_by_msisdn(session, e164, for_update=True)
    if existing is not None:
        if existing.line_id != line.id or existing.amount_cents != amount_cents:
            raise TopupRefReused(ref)
        return TopupResult(ref, e164, amount_cents, credit_of(session, line.id), True, False)
    _, document = get_catalog(session)
    limits = document.topup
    if line.billing != "prepaid":
        raise TopupAmountInvalid(
            "le linee in abbonamento non si ricaricano", "postpaid lines are not topped up"
        )
    if not limits.min <= amount_cents <= limits.max:
        raise TopupAmountInvalid(
            f"importo non valido: la ricarica va da {format_eur(limits.min)} "
            f"a {format_eur(limits.max)}",
            f"invalid amount: a top-up is between {format_eur(limits.min)} "
            f"and {format_eur(limits.max)}",
        )
    now = clock.now()
    session.add(
        Topup(
            ref=ref,
            line_id=line.id,
            amount_cents=amount_cents,
            channel=origin.channel,
            created_at=now,
        )
    )
    session.flush()
    credit_wallet(
        session,
        line_id=line.id,
        cents=amount_cents,
        kind="topup",
        key=f"topup:{ref}",
        reference=ref,
        origin=origin,
        now=now,
    )
    resumed = resume_if_affordable(session, line=line, clock=clock, origin=origin)
    credit = credit_of(session, line.id)
    if notify:
        text = f"Ricarica di {format_eur(amount_cents)} effettuata. Credito {format_eur(credit)}."
        if resumed:
            text += f" Offerta {line.plan_code} rinnovata."
        enqueue(
            session,
            recipient=e164,
            sender=document.channels.sms,
            body=text,
            topic="topup",
            now=now,
            dedup_key=f"topup:{ref}",
        )
    return TopupResult(ref, e164, amount_cents, credit, False, resumed)
