"""Euro and day formatting: one formatter each, for every channel."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from saldo.kit.clock import ROME, day_month, short_day
from saldo.kit.money import MAX_CENTS, NBSP, euro_parts, format_eur, format_euro, parse_eur


def test_the_italian_typographic_form_and_the_english_one() -> None:
    assert format_euro(1234) == "12,34\u00a0€"
    assert format_euro(123456789) == "1.234.567,89\u00a0€"
    assert format_euro(-5) == "-0,05\u00a0€"
    assert format_euro(350, lang="en") == "€3.50"
    assert format_euro(123456789, lang="en") == "€1,234,567.89"
    # GSM-7 has no non-breaking space: SMS, USSD and the CLI write a plain one
    assert format_eur(1234) == "12,34 €"


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_an_amount_reads_back_as_itself(cents: int) -> None:
    text = format_euro(cents)
    assert text.endswith(NBSP + "€")
    # what a customer may type back: no sign, at most the largest amount accepted
    if 0 <= cents <= MAX_CENTS:
        assert parse_eur(text.replace(NBSP, "").replace(".", "")) == cents
    assert text == ("-" if cents < 0 else "") + format_euro(abs(cents))  # the sign only leads
    euros, rest = euro_parts(cents)
    assert 0 <= rest < 100 and euros * 100 + rest == abs(cents)


def test_days_are_written_in_italian_time() -> None:
    late = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)  # already 3 December in Rome
    assert short_day(late) == "03/12"
    assert day_month(late) == "3 dicembre" and day_month(late, "en") == "3 December"
    assert day_month(datetime(2026, 8, 1, tzinfo=ROME)) == "1 agosto"
