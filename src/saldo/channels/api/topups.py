"""/api/v1/me/topups: pay a top-up by card, idempotent with an ``Idempotency-Key`` header."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, status

from saldo.channels.api.base import ApiRoute, errors
from saldo.channels.api.schemas import TopupOut, TopupRequest
from saldo.channels.http.deps import API, BearerDep, ProviderDep, RuntimeDep, api_line, api_me
from saldo.kit.errors import Conflict, InvalidInput
from saldo.payments.orders import service as orders
from saldo.payments.orders.errors import payment_failure
from saldo.payments.orders.models import TopupOrder
from saldo.payments.providers import parse_card
from saldo.runtime import retrying

router = APIRouter(prefix="/me/topups", tags=["topups"], route_class=ApiRoute)


class TopupInProgress(Conflict):
    code = "topup_in_progress"

    def __init__(self) -> None:
        super().__init__(
            "il pagamento con questa chiave è in corso: riprova tra un attimo",
            "the payment with this key is in progress: retry in a moment",
        )
        self.retry_after = 1


def _out(order: TopupOrder) -> TopupOut:
    return TopupOut(
        ref=order.ref,
        status=order.status,
        amount_cents=order.amount_cents,
        channel=order.channel,
        card_brand=order.card_brand,
        card_last4=order.card_last4,
        failure_code=order.failure_code,
        created_at=order.created_at,
        paid_at=order.paid_at,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=TopupOut,
    responses=errors(401, 402, 409, 422, 503),
)
def create_topup(
    body: TopupRequest,
    rt: RuntimeDep,
    bearer: BearerDep,
    provider: ProviderDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="Your unique key for this top-up: a retry with it never charges twice.",
        ),
    ] = None,
) -> TopupOut:
    """Top up by card. The same `Idempotency-Key` again answers the first result (paid: 201;
    declined: 402) and charges nothing more; with a different request it is refused (409)."""
    me = api_me(rt, bearer)
    if not idempotency_key:
        raise InvalidInput(
            "manca l'header Idempotency-Key", "the Idempotency-Key header is required"
        )
    card = parse_card(
        body.card.number, body.card.expiry, body.card.cvc, today=rt.clock.now().date()
    )
    order = retrying(
        rt,
        lambda s: orders.open_order(
            s,
            line_id=me.line_id,
            amount_cents=body.amount_cents,
            key=idempotency_key,
            channel="api",
            now=rt.clock.now(),
        ),
    )
    if order.status == "pending":
        order = orders.pay_order(
            rt,
            line_id=me.line_id,
            ref=order.ref,
            card=card,
            provider=provider,
            origin=API,
            retry_failed=False,
        )
    elif order.status == "processing":
        order = orders.recover_order(
            rt, line_id=me.line_id, ref=order.ref, provider=provider, origin=API
        )
    if order.status == "processing":
        raise TopupInProgress()
    if order.status != "paid":
        raise payment_failure(order.failure_code or "declined")
    return _out(order)


@router.get("", response_model=list[TopupOut], responses=errors(401))
def list_topups(rt: RuntimeDep, bearer: BearerDep) -> list[TopupOut]:
    """Card top-ups of this line (app and API), newest first."""
    with api_line(rt, bearer, read=True) as (session, me):
        return [_out(o) for o in orders.list_orders(session, line_id=me.line_id)]


@router.get("/{ref}", response_model=TopupOut, responses=errors(401, 404, 503))
def get_topup(ref: str, rt: RuntimeDep, bearer: BearerDep, provider: ProviderDep) -> TopupOut:
    me = api_me(rt, bearer)
    return _out(
        orders.recover_order(rt, line_id=me.line_id, ref=ref, provider=provider, origin=API)
    )
