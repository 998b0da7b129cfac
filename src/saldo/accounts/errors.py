"""Errors of company accounts."""

from __future__ import annotations

from collections.abc import Sequence

from saldo.kit.errors import Conflict, InvalidInput, NotFound, SaldoError


class InvalidFields(InvalidInput):
    """Each problem of a request named, in Italian and English."""

    code = "invalid_input"

    def __init__(self, problems: Sequence[tuple[str, str, str]]) -> None:
        self.problems = list(problems)  # (field, italiano, english)
        super().__init__(
            "dati non validi: " + "; ".join(f"{f}: {it}" for f, it, _ in problems),
            "invalid data: " + "; ".join(f"{f}: {en}" for f, _, en in problems),
        )


class RegistrationRejected(SaldoError):
    """Wrong, expired, burned or missing code: one answer for all of them."""

    code = "registration_code_invalid"
    kind = "unauthorized"

    def __init__(self) -> None:
        super().__init__(
            "codice errato, scaduto o bloccato: ricomincia la registrazione se serve",
            "wrong, expired or blocked code: start the registration again if needed",
        )


class NotAllowed(SaldoError):
    """The user's role does not allow this (an action, not data: data outside the user's
    reach is ``LineNotVisible``)."""

    code = "forbidden"
    kind = "forbidden"

    def __init__(self) -> None:
        super().__init__(
            "il tuo ruolo non consente questa operazione", "your role does not allow this"
        )


class LineNotVisible(NotFound):
    """A line of another company or outside an employee's line: as if it did not exist."""

    code = "line_not_found"

    def __init__(self, msisdn: str) -> None:
        super().__init__(f"linea {msisdn} non trovata", f"line {msisdn} not found")


class UserNotFound(NotFound):
    code = "user_not_found"

    def __init__(self) -> None:
        super().__init__("utente non trovato", "user not found")


class EmailTaken(Conflict):
    code = "email_taken"

    def __init__(self) -> None:
        super().__init__("questa e-mail ha già un utente", "this e-mail already has a user")


class LastAdmin(Conflict):
    code = "last_admin"

    def __init__(self) -> None:
        super().__init__(
            "l'account deve avere almeno un amministratore attivo",
            "the account must keep at least one active administrator",
        )


class InvitationInvalid(NotFound):
    code = "invitation_invalid"

    def __init__(self) -> None:
        super().__init__(
            "invito scaduto, già usato o inesistente: chiedine uno nuovo all'amministratore",
            "invitation expired, already used or unknown: ask your administrator for a new one",
        )


class IdempotencyConflict(Conflict):
    code = "idempotency_conflict"

    def __init__(self, running: bool) -> None:
        if running:
            super().__init__(
                "la stessa richiesta è ancora in corso: riprova tra poco",
                "the same request is still running: try again shortly",
            )
        else:
            super().__init__(
                "Idempotency-Key già usata per una richiesta diversa",
                "Idempotency-Key already used for a different request",
            )
