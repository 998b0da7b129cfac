"""Top-up orders: an amount, then a card payment through a provider, then the credit, once.

An order is opened under the client's idempotency key (the same key opens the same order).
Paying it is three steps, so that nothing leaves the process while a transaction is open:
claim the order (pending -> processing, a conditional update only one request can win), ask
the provider under the key ``<ref>:<attempt>`` (idempotent on its side too), then settle:
approved -> ``top_up(ref=order.ref)``, idempotent by that ref. A double submit, a refresh or
the back button therefore reach an order that is already processing or paid, never a second
charge.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from saldo.catalog.service import get_catalog
from saldo.db import table
from saldo.kit.errors import InvalidInput
from saldo.kit.money import format_eur
from saldo.kit.origin import Origin
from saldo.lines.models import Line
from saldo.payments.errors import TopupAmountInvalid
from saldo.payments.orders.errors import IdempotencyKeyReused, OrderNotFound
from saldo.payments.orders.models import TopupOrder
from saldo.payments.providers import Card, ChargeResult, PaymentProvider
from saldo.payments.service import top_up
from saldo.runtime import Runtime, retrying

order_t = table(TopupOrder)
RETRYABLE = ("pending", "declined", "failed")
STALE_AFTER = timedelta(seconds=60)
"""A processing order older than this was interrupted (crash, timeout): ask the provider."""


def _request_hash(amount_cents: int) -> str:
    return hashlib.sha256(f"topup:{amount_cents}".encode()).hexdigest()


def check_key(key: str) -> str:
    raw = key.strip()
    if not 8 <= len(raw) <= 100 or not raw.isascii() or not raw.isprintable():
        raise InvalidInput(
            "chiave di idempotenza non valida (da 8 a 100 caratteri ASCII)",
            "invalid idempotency key (8 to 100 ASCII characters)",
            field="idempotency_key",
        )
    return raw


def open_order(
    session: Session, *, line_id: int, amount_cents: int, key: str, channel: str, now: datetime
) -> TopupOrder:
    """The order of ``key`` for this line: opened now, or the one opened before with it."""
    key = check_key(key)
    request_hash = _request_hash(amount_cents)
    existing = session.scalar(
        select(TopupOrder).where(TopupOrder.line_id == line_id, TopupOrder.idempotency_key == key)
    )
    if existing is not None:
        if existing.request_hash != request_hash:
            raise IdempotencyKeyReused()
        return existing
    billing = session.scalar(select(Line.billing).where(Line.id == line_id))
    if billing != "prepaid":
        raise TopupAmountInvalid(
            "le linee in abbonamento non si ricaricano", "postpaid lines are not topped up"
        )
    _, document = get_catalog(session)
    limits = document.topup
    if not limits.min <= amount_cents <= limits.max:
        raise TopupAmountInvalid(
            f"importo non valido: la ricarica va da {format_eur(limits.min)} "
            f"a {format_eur(limits.max)}",
            f"invalid amount: a top-up is between {format_eur(limits.min)} "
            f"and {format_eur(limits.max)}",
            field="amount",
        )
    order = TopupOrder(
        ref=f"R{secrets.token_hex(6).upper()}",
        line_id=line_id,
        idempotency_key=key,
        request_hash=request_hash,
        amount_cents=amount_cents,
        channel=channel,
        status="pending",
        attempts=0,
        created_at=now,
        updated_at=now,
    )
    session.add(order)
    session.flush()
    return order


def get_order(session: Session, *, line_id: int, ref: str) -> TopupOrder:
    """The line's order ``ref``; another line's order is as unknown as a made-up one."""
    order = session.scalar(
        select(TopupOrder).where(TopupOrder.ref == ref[:40], TopupOrder.line_id == line_id)
    )
    if order is None:
        raise OrderNotFound(ref[:40])
    return order


def list_orders(session: Session, *, line_id: int, limit: int = 20) -> Sequence[TopupOrder]:
    return session.scalars(
        select(TopupOrder)
        .where(TopupOrder.line_id == line_id)
        .order_by(TopupOrder.id.desc())
        .limit(limit)
    ).all()


def pay_order(
    rt: Runtime,
    *,
    line_id: int,
    ref: str,
    card: Card,
    provider: PaymentProvider,
    origin: Origin,
    retry_failed: bool,
) -> TopupOrder:
    """Pay the order with ``card``. Only a request that claims the order charges; any other
    (double submit, replay) gets the order as it stands: processing, paid or failed.

    ``retry_failed``: a declined or failed order may be paid again with another card (the app);
    without it only a pending order is paid (the API: a replayed key answers the first result).
    """
    statuses = RETRYABLE if retry_failed else ("pending",)

    def claim(session: Session) -> tuple[bool, TopupOrder]:
        result = session.execute(
            update(order_t)
            .where(
                order_t.c.ref == ref,
                order_t.c.line_id == line_id,
                order_t.c.status.in_(statuses),
            )
            .values(
                status="processing",
                attempts=order_t.c.attempts + 1,
                card_brand=card.brand,
                card_last4=card.last4,
                failure_code=None,
                updated_at=rt.clock.now(),
            )
        )
        return bool(getattr(result, "rowcount", 0)), get_order(session, line_id=line_id, ref=ref)

    origin = origin.as_test() if provider.test else origin
    with rt.transaction() as session:
        claimed, order = claim(session)
    if not claimed:
        return order
    charge = provider.charge(
        key=f"{order.ref}:{order.attempts}", amount_cents=order.amount_cents, card=card
    )
    return retrying(
        rt, lambda s: _settle(s, rt=rt, order_id=order.id, charge=charge, origin=origin)
    )


def _settle(
    session: Session, *, rt: Runtime, order_id: int, charge: ChargeResult, origin: Origin
) -> TopupOrder:
    order = session.scalar(select(TopupOrder).where(TopupOrder.id == order_id).with_for_update())
    assert order is not None
    if order.status != "processing":
        return order  # settled meanwhile by a recovery
    now = rt.clock.now()
    order.updated_at = now
    order.provider_ref = charge.provider_ref or None
    if charge.outcome == "approved":
        msisdn = session.scalar(select(Line.msisdn).where(Line.id == order.line_id))
        assert msisdn is not None
        top_up(
            session,
            msisdn=msisdn,
            amount_cents=order.amount_cents,
            clock=rt.clock,
            origin=origin,
            ref=order.ref,
        )
        order.status = "paid"
        order.paid_at = now
    else:
        order.status = "failed" if charge.outcome == "processing_error" else "declined"
        order.failure_code = charge.outcome
    session.flush()
    return order


def recover_order(
    rt: Runtime, *, line_id: int, ref: str, provider: PaymentProvider, origin: Origin
) -> TopupOrder:
    """The order as it stands; one stuck in processing (the request died between the provider
    and the settlement) is settled from the provider's record of that attempt."""
    with rt.transaction() as session:
        order = get_order(session, line_id=line_id, ref=ref)
    if order.status != "processing" or rt.clock.now() - order.updated_at < STALE_AFTER:
        return order
    origin = origin.as_test() if provider.test else origin
    charge = provider.lookup(key=f"{order.ref}:{order.attempts}")
    if charge is None:  # the provider never saw it: nothing was charged
        charge = ChargeResult("processing_error", "")
    return retrying(
        rt, lambda s: _settle(s, rt=rt, order_id=order.id, charge=charge, origin=origin)
    )
