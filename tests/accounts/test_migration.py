"""Migration 0012 on a database with data in it: down to 0011 (business rows dropped, the
lines and messages kept), up again, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text

from saldo.config import Settings
from saldo.db import make_sessionmaker
from saldo.kit.clock import FixedClock
from saldo.notifications.service import enqueue
from saldo.runtime import Runtime
from tests.accounts.support import VAT_A, make_account, make_company
from tests.conftest import START
from tests.factories import load_demo_catalog
from tests.migrations import migrate_to as _to

NEW = {
    "audit_entry",
    "company_account",
    "business_user",
    "business_registration",
    "business_invitation",
    "business_line_label",
    "business_bulk_request",
}


def test_0014_goes_down_and_up_with_data(fresh: tuple[str, Engine]) -> None:
    url, engine = fresh
    assert _to(engine, "head") >= NEW
    rt = Runtime(Settings(database_url=url), engine, make_sessionmaker(engine), FixedClock(START))
    load_demo_catalog(rt)
    lines = make_company(rt, vat=VAT_A, lines=2)
    make_account(rt, vat=VAT_A, admin="admin@a.it")
    with rt.transaction() as session:
        enqueue(
            session, channel="email", recipient="admin@a.it", subject="Ciao", body="b",
            topic="t", now=rt.clock.now(),
        )  # fmt: skip
    tables = _to(engine, "0013", down=True)
    assert not NEW & tables
    columns = {c["name"] for c in inspect(engine).get_columns("outbox_message")}
    assert "subject" not in columns
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT COUNT(*) FROM line")) == len(lines)
        assert conn.scalar(text("SELECT COUNT(*) FROM outbox_message")) == 1
    assert _to(engine, "head") >= NEW
    make_account(rt, vat=VAT_A, admin="admin@a.it")
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT COUNT(*) FROM business_user")) == 1
