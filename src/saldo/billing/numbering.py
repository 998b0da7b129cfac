"""Invoice numbers: ``SERIES/YEAR/NNNNNN`` from a yearly sequence without gaps or duplicates.

The sequence row is incremented by one conditional statement in the issuing transaction: a
document rolled back gives its number back, and a concurrent run waits on the row's lock (on
PostgreSQL; SQLite writers are serialized) and takes the next one.
"""

from __future__ import annotations

from sqlalchemy import tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from saldo.billing.models import InvoiceSequence
from saldo.db import dialect_name, table

sequence_t = table(InvoiceSequence)
TRANSMISSIONS = "SDI"
"""The sequence of SdI progressives (file names), one for every document ever sent."""
_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def take_numbers(session: Session, *, series: str, year: int) -> tuple[str, str]:
    """The next invoice number of ``series`` in ``year`` and the next SdI progressive, in one
    statement (both rows locked in the same order by every run)."""
    keys = {(series, year), (TRANSMISSIONS, 0)}
    taken = _increment(session, keys)
    if len(taken) < len(keys):  # the first of a year (or ever): make the rows, then take
        insert = postgresql.insert if dialect_name(session) == "postgresql" else sqlite.insert
        session.execute(
            insert(sequence_t).on_conflict_do_nothing(index_elements=["series", "year"]),
            [{"series": s, "year": y, "last": 0} for s, y in sorted(keys)],
        )
        taken = _increment(session, keys)
    return (
        f"{series}/{year}/{taken[(series, year)]:06d}",
        _base36(taken[(TRANSMISSIONS, 0)]),
    )


def _increment(session: Session, keys: set[tuple[str, int]]) -> dict[tuple[str, int], int]:
    rows = session.execute(
        update(sequence_t)
        .where(tuple_(sequence_t.c.series, sequence_t.c.year).in_(sorted(keys)))
        .values(last=sequence_t.c.last + 1)
        .returning(sequence_t.c.series, sequence_t.c.year, sequence_t.c.last)
    ).all()
    return {(r[0], int(r[1])): int(r[2]) for r in rows}


def _base36(value: int) -> str:
    """An SdI progressive: five base-36 characters (60 million documents)."""
    text = ""
    while value:
        value, digit = divmod(value, 36)
        text = _DIGITS[digit] + text
    return text.rjust(5, "0")
