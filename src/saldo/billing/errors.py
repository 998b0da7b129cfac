"""Billing's errors: each with its code, kind (exit code, HTTP status) and both languages."""

from __future__ import annotations

from saldo.kit.errors import Conflict, InvalidInput, NotFound, Unavailable


class InvoiceNotFound(NotFound):
    code = "invoice_not_found"

    def __init__(self, number: str) -> None:
        super().__init__(f"fattura {number!r} non trovata", f"invoice {number!r} not found")


class CustomerNotFound(NotFound):
    code = "customer_not_found"

    def __init__(self, key: str) -> None:
        super().__init__(
            f"nessun cliente in abbonamento per {key!r}", f"no postpaid customer for {key!r}"
        )


class CustomerDataMissing(InvalidInput):
    """A document cannot be issued: the customer lacks data an invoice needs."""

    code = "customer_data_missing"


class DocumentInvalid(InvalidInput):
    """The FatturaPA document failed the official schema: it is never issued."""

    code = "document_invalid"


class OperatorDataMissing(Unavailable):
    code = "operator_data_missing"

    def __init__(self, fields: list[str]) -> None:
        names = ", ".join(fields)
        super().__init__(
            f"il catalogo non ha i dati dell'operatore per le fatture: [operator] {names}",
            f"the catalogue lacks the operator's invoice data: [operator] {names}",
        )


class CreditTooLarge(Conflict):
    code = "credit_too_large"


class AlreadyPaid(Conflict):
    code = "invoice_already_paid"

    def __init__(self, number: str) -> None:
        super().__init__(
            f"la fattura {number} è già pagata: nessun addebito",
            f"invoice {number} is already paid: nothing charged",
        )


class NotPayable(Conflict):
    code = "invoice_not_payable"


class PaymentRefReused(Conflict):
    code = "payment_ref_reused"
