from __future__ import annotations

from saldo.kit.errors import Conflict, InvalidInput, Unavailable


class TopupAmountInvalid(InvalidInput):
    code = "topup_amount_invalid"


class TopupRefReused(Conflict):
    code = "topup_ref_reused"

    def __init__(self, ref: str) -> None:
        super().__init__(
            f"il riferimento {ref} è già stato usato per un'altra ricarica",
            f"reference {ref} was already used for a different top-up",
        )


class PaymentsUnavailable(Unavailable):
    """No card payment provider is configured: nothing can be paid, nothing is credited."""

    code = "payments_unavailable"

    def __init__(self) -> None:
        super().__init__(
            "le ricariche con carta non sono disponibili in questo momento: "
            "ricarica in negozio o con il tuo operatore",
            "card top-ups are not available at the moment: top up in a shop or with your operator",
        )
