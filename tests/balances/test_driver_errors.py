"""Hand-written statements fail like any other: a duplicate key is SQLAlchemy's
IntegrityError, which ``retrying`` knows to run again (and then finds the first result)."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from saldo.balances import ledger
from saldo.kit.origin import CLI
from saldo.runtime import Runtime
from tests.factories import make_line, snapshot


def test_a_duplicate_ledger_key_is_an_integrity_error(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="BASE", credit="10")
    entry = ledger.Entry(1, 1, "adjustment", 0, "dup-key", None)
    with rt.transaction() as session:
        ledger.write_entries(session, [entry], origin=CLI, now=rt.clock.now())
    with pytest.raises(IntegrityError), rt.transaction() as session:
        ledger.write_entries(session, [entry], origin=CLI, now=rt.clock.now())
    assert snapshot(rt, msisdn).credit_cents == 1000
