"""One error hierarchy. Each error has a stable code, a kind and a message in Italian and English.

Channels map ``kind`` to their own answer (HTTP status, SMS text, IVR prompt, exit code) in one
place each.
"""

from __future__ import annotations

from typing import ClassVar


class SaldoError(Exception):
    """Base of every error a Saldo service raises on purpose."""

    code: ClassVar[str] = "error"
    kind: ClassVar[str] = "invalid"  # invalid | not_found | conflict | unavailable

    def __init__(self, message_it: str, message_en: str | None = None, **details: object) -> None:
        super().__init__(message_en or message_it)
        self.message_it = message_it
        self.message_en = message_en or message_it
        self.details = details

    def message(self, lang: str = "it") -> str:
        return self.message_it if lang == "it" else self.message_en


class InvalidInput(SaldoError):
    code = "invalid_input"
    kind = "invalid"


class NotFound(SaldoError):
    code = "not_found"
    kind = "not_found"


class Conflict(SaldoError):
    code = "conflict"
    kind = "conflict"


class Unavailable(SaldoError):
    code = "unavailable"
    kind = "unavailable"


class SchemaBehind(Unavailable):
    code = "schema_behind"
