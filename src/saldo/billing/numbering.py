"""Invoice numbers: ``SERIES/YEAR/NNNNNN`` from a yearly sequence without gaps or duplicates.

The sequence row is incremented by one conditional statement in the issuing transaction: a
document rolled back gives its number back, and a concurrent run waits on the row's lock (on
PostgreSQL; SQLite writers are serialized) and takes the next one.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from saldo.billing.models import InvoiceSequence
from saldo.db import dialect_name, table

sequence_t = table(InvoiceSequence)
TRANSMISSIONS = "SDI"
"""The sequence of SdI progressives (file names), one for every document ever sent."""
_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def next_value(session: Session, *, series: str, year: int) -> int:
    """The next value of ``series`` in ``year``, taken in this transaction."""
    insert = postgresql.insert if dialect_name(session) == "postgresql" else sqlite.insert
    session.execute(
        insert(sequence_t)
        .values(series=series, year=year, last=0)
        .on_conflict_do_nothing(index_elements=["series", "year"])
    )
    value = session.execute(
        update(sequence_t)
        .where(sequence_t.c.series == series, sequence_t.c.year == year)
        .values(last=sequence_t.c.last + 1)
        .returning(sequence_t.c.last)
    ).scalar_one()
    return int(value)


def invoice_number(session: Session, *, series: str, year: int) -> str:
    return f"{series}/{year}/{next_value(session, series=series, year=year):06d}"


def progressive(session: Session) -> str:
    """The next SdI progressive: five base-36 characters (60 million documents)."""
    value = next_value(session, series=TRANSMISSIONS, year=0)
    text = ""
    while value:
        value, digit = divmod(value, 36)
        text = _DIGITS[digit] + text
    return text.rjust(5, "0")
