from __future__ import annotations

from saldo.kit.errors import Conflict, InvalidInput, NotFound


class UsageInvalid(InvalidInput):
    code = "usage_invalid"


class ReservationNotFound(NotFound):
    code = "reservation_not_found"

    def __init__(self, session_id: str) -> None:
        super().__init__(
            f"prenotazione sconosciuta: {session_id}", f"unknown reservation: {session_id}"
        )


class ReservationClosed(Conflict):
    code = "reservation_closed"

    def __init__(self, session_id: str, status: str) -> None:
        super().__init__(
            f"la prenotazione {session_id} è già chiusa ({status})",
            f"reservation {session_id} is already closed ({status})",
        )
