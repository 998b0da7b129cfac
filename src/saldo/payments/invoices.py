"""Paying an invoice by card ("Paga ora") through the payment provider the top-ups use.

The provider's charge is idempotent by its key, which names the invoice and the card (a hash
of its number, never stored): the same card on the same invoice is charged once however often
the request is repeated, and a declined card leaves the way open to another. The charge is
made outside any transaction; the invoice is marked paid after it, with the provider's
reference as its payment reference.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from saldo.billing.credits import pay_invoice
from saldo.billing.errors import AlreadyPaid, InvoiceNotFound, NotPayable
from saldo.billing.invoices import find_invoice
from saldo.payments.orders.errors import payment_failure
from saldo.payments.providers import Card, PaymentProvider
from saldo.runtime import Runtime, retrying


@dataclass(frozen=True, slots=True)
class InvoicePaid:
    number: str
    amount_cents: int
    payment_ref: str
    replayed: bool


def pay_invoice_by_card(
    rt: Runtime, *, number: str, account_ids: list[int], card: Card, provider: PaymentProvider
) -> InvoicePaid:
    """Charge the invoice's total to ``card`` and mark it paid; only an invoice of
    ``account_ids`` (the signed-in customer's) can be paid this way."""
    with rt.read() as session:
        invoice = find_invoice(session, number)
        if invoice.account_id not in account_ids:
            raise InvoiceNotFound(number)  # someone else's invoice is not there for this door
        if invoice.status == "paid":
            raise AlreadyPaid(number)
        if invoice.kind != "invoice" or invoice.status not in ("issued", "overdue"):
            raise NotPayable(
                f"la fattura {number} è {invoice.status}: non si paga",
                f"invoice {number} is {invoice.status}: it cannot be paid",
            )
        invoice_id, amount = invoice.id, invoice.total_cents
    fingerprint = hashlib.sha256(card.number.encode()).hexdigest()[:16]
    charge = provider.charge(
        key=f"invoice:{invoice_id}:{fingerprint}", amount_cents=amount, card=card
    )
    if charge.outcome != "approved":
        raise payment_failure(charge.outcome)
    ref = f"{provider.name}:{charge.provider_ref}"
    result = retrying(rt, lambda s: pay_invoice(s, number=number, ref=ref, now=rt.clock.now()))
    return InvoicePaid(number, amount, ref, result.replayed)
