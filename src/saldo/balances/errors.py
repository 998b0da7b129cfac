from __future__ import annotations

from saldo.kit.errors import Conflict, NotFound
from saldo.kit.money import format_eur


class InsufficientCredit(Conflict):
    code = "insufficient_credit"

    def __init__(self, needed_cents: int, credit_cents: int) -> None:
        super().__init__(
            f"credito insufficiente: servono {format_eur(needed_cents)}, "
            f"il credito è {format_eur(credit_cents)}",
            f"insufficient credit: {format_eur(needed_cents)} needed, "
            f"credit is {format_eur(credit_cents)}",
            needed_cents=needed_cents,
            credit_cents=credit_cents,
        )


class BalanceChanged(Conflict):
    """A conditional debit found less than rated: someone else spent it first. Retry."""

    code = "balance_changed"

    def __init__(self) -> None:
        super().__init__("saldo cambiato nel frattempo, riprova", "balance changed, retry")


class UnknownLine(NotFound):
    """No line has this number. The snapshot raises it; the lines' own lookups raise its
    subclass ``lines.errors.LineNotFound`` (balances sit below lines and cannot name it), so
    catching this one catches both."""

    code = "line_not_found"

    def __init__(self, msisdn: str) -> None:
        super().__init__(f"linea non trovata: {msisdn}", f"line not found: {msisdn}")
