"""Top-up: an amount from the catalogue, the card form of the payment provider, the receipt.

Each step is POST -> 303 -> GET, and the order has its own address: a refresh re-reads the
order, the back button finds it already paid, a double submit finds it processing or paid.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from saldo.balances.presenter import missing_for_renewal
from saldo.balances.service import get_snapshot
from saldo.catalog.service import get_catalog
from saldo.channels.http.deps import (
    WEB,
    ProviderDep,
    RuntimeDep,
    lang_of,
    page_line,
    page_me,
    payment_provider,
)
from saldo.channels.http.render import page, redirect
from saldo.channels.selfcare.base import PageRoute, check_form, chrome
from saldo.kit.errors import InvalidInput, SaldoError
from saldo.kit.money import MAX_CENTS
from saldo.kit.validators import parse_int
from saldo.payments import repository as payments
from saldo.payments.orders import service as orders
from saldo.payments.orders.errors import FAILURES
from saldo.payments.orders.models import TopupOrder
from saldo.payments.providers import parse_card
from saldo.runtime import retrying

router = APIRouter(include_in_schema=False, route_class=PageRoute)


# without a payment provider these pages say that top-ups are unavailable (503)
NEEDS_PROVIDER = [Depends(payment_provider)]


@router.get("/topup", dependencies=NEEDS_PROVIDER)
def topup_page(request: Request, rt: RuntimeDep, amount: str = "") -> Response:
    with page_line(rt, request, read=True) as (session, me):
        snapshot = get_snapshot(session, msisdn=me.msisdn, now=rt.clock.now())
        _, document = get_catalog(session)
        history = payments.topups(session, line_id=me.line_id)
        layout = chrome(session, me)
    return page(
        request,
        "topup.html",
        me=me,
        nav="topup",
        title="Ricarica",
        s=snapshot,
        amounts=document.topup.amounts,
        chosen=parse_int(amount, field="amount", maximum=MAX_CENTS) if amount else None,
        key=secrets.token_urlsafe(18),
        history=history,
        missing=missing_for_renewal(snapshot),
        **layout,
    )


@router.post("/topup", dependencies=NEEDS_PROVIDER)
def topup_choose(
    request: Request,
    rt: RuntimeDep,
    amount: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Open the order for the chosen amount (nothing is charged yet)."""
    with page_line(rt, request) as (session, me):
        check_form(request, me, csrf)
        _, document = get_catalog(session)
        try:
            cents = parse_int(amount, field="amount", maximum=MAX_CENTS, default=0)
        except InvalidInput:
            cents = 0  # not a number of cents: not one of the amounts either
        if cents not in document.topup.amounts:
            raise InvalidInput(
                "scegli uno degli importi proposti", "choose one of the amounts shown"
            )
    order = retrying(
        rt,
        lambda s: orders.open_order(
            s,
            line_id=me.line_id,
            amount_cents=cents,
            key=key,
            channel="web",
            now=rt.clock.now(),
        ),
    )
    return redirect(f"/topup/orders/{order.ref}")


def _order_page(
    request: Request, rt: RuntimeDep, order: TopupOrder, *, status: int = 200, error: str = ""
) -> Response:
    lang = lang_of(request)
    with page_line(rt, request, read=True) as (session, me):
        snapshot = get_snapshot(session, msisdn=me.msisdn, now=rt.clock.now())
        layout = chrome(session, me)
    failure = None
    if order.status in ("declined", "failed") and order.failure_code:
        it, en = FAILURES.get(order.failure_code, FAILURES["declined"])
        failure = it if lang == "it" else en
    return page(
        request,
        "order.html",
        me=me,
        nav="topup",
        status=status,
        title="Pagamento",
        order=order,
        s=snapshot,
        failure=failure,
        error=error or None,
        sandbox=request.app.state.payment_provider.name == "sandbox",
        **layout,
    )


@router.get("/topup/orders/{ref}")
def order_page(request: Request, rt: RuntimeDep, provider: ProviderDep, ref: str) -> Response:
    """The card form while unpaid, "in progress" while paying, the receipt once paid."""
    me = page_me(rt, request)
    order = orders.recover_order(rt, line_id=me.line_id, ref=ref, provider=provider, origin=WEB)
    return _order_page(request, rt, order)


@router.post("/topup/orders/{ref}/pay")
def order_pay(
    request: Request,
    rt: RuntimeDep,
    provider: ProviderDep,
    ref: str,
    card_number: Annotated[str, Form()] = "",
    card_expiry: Annotated[str, Form()] = "",
    card_cvc: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    with page_line(rt, request) as (session, me):
        check_form(request, me, csrf)
        order = orders.get_order(session, line_id=me.line_id, ref=ref)
    if order.status not in orders.RETRYABLE:  # paid or being paid: a resubmission shows it
        return redirect(f"/topup/orders/{order.ref}")
    try:
        card = parse_card(
            card_number[:40], card_expiry[:10], card_cvc[:10], today=rt.clock.now().date()
        )
    except SaldoError as exc:
        return _order_page(request, rt, order, status=422, error=exc.message(lang_of(request)))
    orders.pay_order(
        rt,
        line_id=me.line_id,
        ref=order.ref,
        card=card,
        provider=provider,
        origin=WEB,
        retry_failed=True,
    )
    return redirect(f"/topup/orders/{order.ref}")
