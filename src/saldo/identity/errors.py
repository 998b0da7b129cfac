"""Errors of identity: signed out, codes refused, limits reached."""

from __future__ import annotations

from saldo.kit.errors import SaldoError


class NotSignedIn(SaldoError):
    """No valid session or token: missing, logged out, or expired (idle or absolute)."""

    code = "not_signed_in"
    kind = "unauthorized"

    def __init__(self, reason: str) -> None:
        if reason == "expired":
            super().__init__(
                "sessione scaduta: accedi di nuovo", "session expired: please sign in again"
            )
        else:
            super().__init__("accesso richiesto", "sign-in required")
        self.reason = reason


class TooManyCodes(SaldoError):
    """The number's own limit: 3 codes in 15 minutes."""

    code = "otp_rate_limited"
    kind = "rate_limited"

    def __init__(self, minutes: int) -> None:
        super().__init__(
            f"hai già chiesto 3 codici negli ultimi 15 minuti: riprova tra {minutes} minuti",
            f"3 codes were already requested in the last 15 minutes: try again in {minutes} "
            "minutes",
        )
        self.retry_after = minutes * 60


class TooManySignIns(SaldoError):
    """A limit over many numbers: the client address, a number range or the SMS budget.

    The same answer whatever the numbers tried, customers' or not."""

    code = "sign_in_rate_limited"
    kind = "rate_limited"

    def __init__(self, retry_after: int, *, busy: bool = False) -> None:
        minutes = max(1, -(-retry_after // 60))
        wait_it = "1 minuto" if minutes == 1 else f"{minutes} minuti"
        wait_en = "1 minute" if minutes == 1 else f"{minutes} minutes"
        if busy:
            super().__init__(
                f"troppe richieste di accesso in questo momento: riprova tra {wait_it}",
                f"too many sign-in requests right now: try again in {wait_en}",
            )
        else:
            super().__init__(
                f"troppi tentativi di accesso: riprova tra {wait_it}",
                f"too many sign-in attempts: try again in {wait_en}",
            )
        self.retry_after = max(1, retry_after)


class CodeRejected(SaldoError):
    """The same answer whether or not the number is a customer's."""

    code = "otp_invalid"
    kind = "unauthorized"

    def __init__(self, outcome: str, tries_left: int) -> None:
        if outcome == "wrong":
            super().__init__(
                "codice errato: "
                + (
                    "ti resta 1 tentativo"
                    if tries_left == 1
                    else f"ti restano {tries_left} tentativi"
                ),
                "wrong code: " + ("1 try left" if tries_left == 1 else f"{tries_left} tries left"),
            )
        elif outcome == "burned":
            super().__init__(
                "codice bloccato dopo 5 tentativi errati: chiedine uno nuovo",
                "code blocked after 5 wrong tries: ask for a new one",
            )
        else:
            super().__init__(
                "codice scaduto o non richiesto: chiedine uno nuovo",
                "code expired or never requested: ask for a new one",
            )
        self.outcome = outcome


class AccountLocked(SaldoError):
    """Too many failed sign-ins of a user or from an address: locked for a while."""

    code = "account_locked"
    kind = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, -(-retry_after // 60))
        super().__init__(
            f"troppi tentativi di accesso falliti: riprova tra {minutes} minuti",
            f"too many failed sign-ins: try again in {minutes} minutes",
        )
        self.retry_after = retry_after


class BadCredentials(SaldoError):
    """Wrong e-mail, password or second factor: the same answer for each."""

    code = "bad_credentials"
    kind = "unauthorized"

    def __init__(self) -> None:
        super().__init__("credenziali non valide", "invalid credentials")


class SecondFactorRequired(SaldoError):
    code = "totp_required"
    kind = "unauthorized"

    def __init__(self) -> None:
        super().__init__(
            "serve il codice dell'app di autenticazione (totp)",
            "the authenticator app's code (totp) is required",
        )
