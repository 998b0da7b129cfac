"""Migration 0012 on a database with data in it: down to 0011 (business rows dropped, the
lines and messages kept), up again, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text

from saldo import migrate
from saldo.config import Settings
from saldo.db import make_engine, make_sessionmaker
from saldo.kit.clock import FixedClock
from saldo.notifications.service import enqueue
from saldo.runtime import Runtime
from tests.accounts.support import VAT_A, make_account, make_company
from tests.conftest import PG_URL, REQUIRE_ALL, START, _pg_database
from tests.factories import load_demo_catalog

NEW = {
    "audit_entry",
    "company_account",
    "business_user",
    "business_registration",
    "business_invitation",
    "business_line_label",
    "business_bulk_request",
}


@pytest.fixture(params=["sqlite", "postgres"])
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrate.db'}"
        engine = make_engine(url)
        yield url, engine
        engine.dispose()
        return
    if not PG_URL:
        if REQUIRE_ALL:
            pytest.fail("SALDO_TEST_DATABASE_URL is required here: PostgreSQL tests must run")
        pytest.skip("PostgreSQL tests skipped: set SALDO_TEST_DATABASE_URL to run them")
    for url in _pg_database(PG_URL):
        engine = make_engine(url)
        yield url, engine
        engine.dispose()


def _to(engine: Engine, revision: str, *, down: bool = False) -> set[str]:
    with engine.begin() as conn:
        config = migrate._config()
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, revision)
    return set(inspect(engine).get_table_names())


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
