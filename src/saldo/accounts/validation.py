"""Checks of the fields a user types, each problem named (Italian, English)."""

from __future__ import annotations

from collections.abc import Callable

from email_validator import EmailNotValidError, validate_email

from saldo.accounts.errors import InvalidFields
from saldo.identity.passwords import password_problems
from saldo.kit.errors import InvalidInput
from saldo.kit.fiscal import normalize_vat_number
from saldo.kit.msisdn import normalize_msisdn

ROLES = ("admin", "manager", "employee")
Problem = tuple[str, str, str]


def normalize_email(text: str) -> str:
    """The address checked by email-validator (syntax only: no DNS lookup), lower-cased so
    that it is unique whatever the case typed."""
    try:
        checked = validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise InvalidFields(
            [("email", "indirizzo e-mail non valido", "not a valid e-mail address")]
        ) from None
    return str(checked.normalized).lower()


class Checker:
    """Collects every problem of a request, then raises them together."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def field(self, name: str, check: Callable[[str], str], value: str) -> str:
        try:
            return check(value)
        except InvalidFields as exc:
            self.problems.extend((name, it, en) for _, it, en in exc.problems)
        except InvalidInput as exc:
            self.problems.append((name, exc.message_it, exc.message_en))
        return ""

    def password(self, value: str) -> str:
        self.problems.extend(("password", it, en) for it, en in password_problems(value))
        return value

    def text(self, name: str, value: str, *, max_length: int) -> str:
        value = value.strip()
        if not value:
            self.problems.append((name, "campo obbligatorio", "required"))
        elif len(value) > max_length:
            self.problems.append(
                (name, f"al massimo {max_length} caratteri", f"at most {max_length} characters")
            )
        return value

    def role(self, value: str) -> str:
        if value not in ROLES:
            self.problems.append(
                ("role", "ruolo: admin, manager o employee", "role: admin, manager or employee")
            )
        return value

    def done(self) -> None:
        if self.problems:
            raise InvalidFields(self.problems)


def vat(value: str) -> str:
    return normalize_vat_number(value)


def msisdn(value: str) -> str:
    return normalize_msisdn(value)
