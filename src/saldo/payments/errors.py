from __future__ import annotations

from saldo.kit.errors import Conflict, InvalidInput


class TopupAmountInvalid(InvalidInput):
    code = "topup_amount_invalid"


class TopupRefReused(Conflict):
    code = "topup_ref_reused"

    def __init__(self, ref: str) -> None:
        super().__init__(
            f"il riferimento {ref} è già stato usato per un'altra ricarica",
            f"reference {ref} was already used for a different top-up",
        )
