"""The payment-provider interface and card checks made before any provider is asked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol

from saldo.kit.validators import is_digits
from saldo.payments.orders.errors import CardInvalid

Outcome = Literal["approved", "declined", "insufficient_funds", "expired_card", "processing_error"]


@dataclass(frozen=True, slots=True)
class Card:
    """Card details as typed by the customer. They go to the provider and are never stored
    (only the brand and the last 4 digits are)."""

    number: str
    exp_month: int
    exp_year: int
    cvc: str

    @property
    def last4(self) -> str:
        return self.number[-4:]

    @property
    def brand(self) -> str:
        if self.number.startswith("4"):
            return "visa"
        if self.number[:2] in {"34", "37"}:
            return "amex"
        if 51 <= int(self.number[:2]) <= 55 or 2221 <= int(self.number[:4]) <= 2720:
            return "mastercard"
        return "card"


@dataclass(frozen=True, slots=True)
class ChargeResult:
    outcome: Outcome
    provider_ref: str


class PaymentProvider(Protocol):
    """A card acquirer. ``charge`` is idempotent by ``key``: the same key twice charges once
    and answers the first result, which ``lookup`` can also read back after a crash."""

    name: str
    test: bool
    """True when no money moves (the sandbox): its payments are marked as tests in the
    ledger (``Origin.as_test``) and every page says that payments are test payments."""

    def charge(self, *, key: str, amount_cents: int, card: Card) -> ChargeResult: ...

    def lookup(self, *, key: str) -> ChargeResult | None: ...


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum of a card number (digits only)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def parse_card(number: str, expiry: str, cvc: str, *, today: date) -> Card:
    """Check what can be checked without the provider; each problem in plain words."""
    digits = number.replace(" ", "").replace("-", "")
    if not is_digits(digits) or not 12 <= len(digits) <= 19:
        raise CardInvalid(
            "il numero della carta deve avere da 12 a 19 cifre",
            "the card number must have 12 to 19 digits",
            field="card_number",
        )
    if not luhn_ok(digits):
        raise CardInvalid(
            "il numero della carta non è corretto: controlla le cifre",
            "the card number is not correct: check the digits",
            field="card_number",
        )
    month, year = _expiry(expiry)
    if (year, month) < (today.year, today.month):
        raise CardInvalid(
            "la carta è scaduta: usa un'altra carta", "the card has expired: use another card"
        )
    code = cvc.strip()
    if not is_digits(code) or len(code) not in (3, 4):
        raise CardInvalid(
            "il codice di sicurezza (CVV) ha 3 o 4 cifre, sul retro della carta",
            "the security code (CVV) has 3 or 4 digits, on the back of the card",
            field="card_cvc",
        )
    return Card(digits, month, year, code)


def _expiry(text: str) -> tuple[int, int]:
    raw = text.strip().replace(" ", "")
    parts = raw.split("/")
    if (
        len(parts) == 2
        and is_digits(parts[0])
        and is_digits(parts[1])
        and len(parts[0]) <= 2
        and len(parts[1]) in (2, 4)
    ):
        month, year = int(parts[0]), int(parts[1])
        year = 2000 + year if year < 100 else year
        if 1 <= month <= 12:
            return month, year
    raise CardInvalid(
        "scadenza non valida: scrivila come MM/AA, per esempio 08/29",
        "invalid expiry date: write it as MM/YY, for example 08/29",
        field="card_expiry",
    )
