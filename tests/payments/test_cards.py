"""Card checks before the provider, and the sandbox provider's test cards."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from saldo.payments.orders.errors import CardInvalid
from saldo.payments.orders.models import SandboxCharge
from saldo.payments.providers import luhn_ok, parse_card
from saldo.payments.sandbox import TEST_CARDS, SandboxProvider
from saldo.runtime import Runtime

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("4242424242424242", True),
        ("5555555555554444", True),
        ("378282246310005", True),
        ("4242424242424241", False),
        ("4000000000000002", True),
        ("1234567812345678", False),
        ("79927398713", True),
        ("79927398710", False),
    ],
)
def test_luhn(number: str, ok: bool) -> None:
    assert luhn_ok(number) is ok


def test_every_documented_test_card_passes_luhn() -> None:
    assert all(luhn_ok(number) for number in TEST_CARDS)


def test_a_card_is_parsed_with_spaces_and_a_two_digit_year() -> None:
    card = parse_card("4242 4242 4242 4242", "08/29", "123", today=TODAY)
    assert (card.number, card.exp_month, card.exp_year, card.last4, card.brand) == (
        "4242424242424242",
        8,
        2029,
        "4242",
        "visa",
    )
    assert parse_card("5555-5555-5555-4444", "11/2026", "1234", today=TODAY).brand == "mastercard"


@pytest.mark.parametrize(
    ("number", "expiry", "cvc", "words"),
    [
        ("4242 4242 4242 4241", "08/29", "123", "controlla le cifre"),
        ("4242", "08/29", "123", "da 12 a 19 cifre"),
        ("4242x424242424242", "08/29", "123", "da 12 a 19 cifre"),
        ("4242424242424242", "10/26", "123", "scaduta"),
        ("4242424242424242", "13/29", "123", "MM/AA"),
        ("4242424242424242", "0829", "123", "MM/AA"),
        ("4242424242424242", "08/29", "12", "CVV"),
        ("4242424242424242", "08/29", "12a", "CVV"),
    ],
)
def test_bad_cards_are_explained(number: str, expiry: str, cvc: str, words: str) -> None:
    with pytest.raises(CardInvalid) as caught:
        parse_card(number, expiry, cvc, today=TODAY)
    assert words in caught.value.message_it


def test_the_sandbox_answers_by_test_card_and_charges_a_key_once(rt: Runtime) -> None:
    provider = SandboxProvider(rt.sessions, rt.clock)
    outcomes = {
        number: provider.charge(
            key=f"k-{number}",
            amount_cents=1000,
            card=parse_card(number, "08/29", "123", today=TODAY),
        ).outcome
        for number in (*TEST_CARDS, "4111111111111111")
    }
    assert outcomes == {**TEST_CARDS, "4111111111111111": "declined"}
    card = parse_card("4242424242424242", "08/29", "123", today=TODAY)
    first = provider.charge(key="same", amount_cents=500, card=card)
    again = provider.charge(key="same", amount_cents=500, card=card)
    assert first == again and first.outcome == "approved"
    assert provider.lookup(key="same") == first
    assert provider.lookup(key="never") is None
    with rt.transaction() as session:
        assert (
            session.scalar(select(func.count()).where(SandboxCharge.idempotency_key == "same")) == 1
        )
