"""Errors of card payments and top-up orders, in plain words."""

from __future__ import annotations

from saldo.kit.errors import Conflict, InvalidInput, NotFound, SaldoError


class CardInvalid(InvalidInput):
    code = "card_invalid"


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"

    def __init__(self) -> None:
        super().__init__(
            "questa chiave di idempotenza è già stata usata per una ricarica diversa",
            "this idempotency key was already used for a different top-up",
        )


class OrderNotFound(NotFound):
    code = "topup_order_not_found"

    def __init__(self, ref: str) -> None:
        super().__init__("ricarica non trovata", "top-up not found", ref=ref)


# What the customer reads when a payment does not go through. Nothing was charged in any case.
FAILURES: dict[str, tuple[str, str]] = {
    "declined": (
        "La tua banca ha rifiutato il pagamento. Non ti è stato addebitato nulla: "
        "prova con un'altra carta",
        "Your bank declined the payment. Nothing was charged: try another card",
    ),
    "insufficient_funds": (
        "Sulla carta non ci sono fondi sufficienti. Non ti è stato addebitato nulla: "
        "usa un'altra carta o scegli un importo più basso",
        "The card does not have enough funds. Nothing was charged: use another card or a "
        "smaller amount",
    ),
    "expired_card": (
        "La carta risulta scaduta. Non ti è stato addebitato nulla: usa un'altra carta",
        "The card has expired. Nothing was charged: use another card",
    ),
    "processing_error": (
        "Il servizio di pagamento non ha risposto. Non ti è stato addebitato nulla: "
        "riprova tra qualche minuto",
        "The payment service did not answer. Nothing was charged: try again in a few minutes",
    ),
}


class PaymentFailed(SaldoError):
    """A payment that did not go through (declined, no funds, provider down)."""

    code = "payment_failed"
    kind = "payment_failed"

    def __init__(self, failure_code: str) -> None:
        message_it, message_en = FAILURES.get(failure_code, FAILURES["declined"])
        super().__init__(message_it, message_en)
        self.failure_code = failure_code


class PaymentDeclined(PaymentFailed):
    code = "payment_declined"


class InsufficientFunds(PaymentFailed):
    code = "payment_insufficient_funds"


class CardExpired(PaymentFailed):
    code = "payment_expired_card"


class ProviderError(PaymentFailed):
    code = "payment_processing_error"


def payment_failure(failure_code: str) -> PaymentFailed:
    """The error for a failed order, by the failure code stored on it."""
    kinds: dict[str, type[PaymentFailed]] = {
        "insufficient_funds": InsufficientFunds,
        "expired_card": CardExpired,
        "processing_error": ProviderError,
    }
    return kinds.get(failure_code, PaymentDeclined)(failure_code)
