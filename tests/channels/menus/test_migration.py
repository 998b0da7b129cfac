"""Migration 0003 goes up and down on SQLite and PostgreSQL, alone (0001-0002 below it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect

from saldo import migrate
from saldo.db import make_engine
from tests.conftest import PG_URL, REQUIRE_ALL, _pg_database

MINE = {"menu_session", "menu_pin_failure"}


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'migrate.db'}")
        yield engine
        engine.dispose()
        return
    if not PG_URL:
        if REQUIRE_ALL:
            pytest.fail("SALDO_TEST_DATABASE_URL is required here: PostgreSQL tests must run")
        pytest.skip("PostgreSQL tests skipped: set SALDO_TEST_DATABASE_URL to run them")
    for url in _pg_database(PG_URL):
        engine = make_engine(url)
        yield engine
        engine.dispose()


def _to(engine: Engine, revision: str, *, down: bool = False) -> set[str]:
    with engine.begin() as conn:
        config = migrate._config()
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, revision)
    return set(inspect(engine).get_table_names())


def test_0003_up_and_down(fresh_engine: Engine) -> None:
    assert _to(fresh_engine, "0003") >= MINE
    columns = {c["name"] for c in inspect(fresh_engine).get_columns("menu_session")}
    assert {"channel", "session_key", "step", "dialog", "reply", "msisdn"} <= columns
    uniques = inspect(fresh_engine).get_unique_constraints("menu_session")
    assert [u["column_names"] for u in uniques] == [["channel", "session_key"]]
    assert not MINE & _to(fresh_engine, "0002", down=True)
    assert _to(fresh_engine, "0003") >= MINE
