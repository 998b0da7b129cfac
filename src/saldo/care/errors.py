"""What the care services refuse, in Italian and English."""

from __future__ import annotations

from saldo.kit.errors import Conflict, InvalidInput, NotFound


class TicketNotFound(NotFound):
    code = "ticket_not_found"

    def __init__(self, code: str) -> None:
        super().__init__(f"segnalazione {code} non trovata", f"ticket {code} not found")


class CustomerNotFound(NotFound):
    code = "customer_not_found"

    def __init__(self, who: str) -> None:
        super().__init__(f"nessun cliente per {who}", f"no customer for {who}")


class InvalidTicket(InvalidInput):
    code = "invalid_ticket"


class InvalidAttachment(InvalidInput):
    code = "invalid_attachment"


class InvalidIban(InvalidInput):
    code = "invalid_iban"


class TicketState(Conflict):
    """The ticket is not in a state that allows this (closed, refund already decided…)."""

    code = "ticket_state"


class SepaNotConfigured(InvalidInput):
    code = "sepa_not_configured"
