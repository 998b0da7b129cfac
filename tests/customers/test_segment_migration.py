"""Migration 0010: a customer's ``kind`` (private | business) becomes ``segment`` (consumer |
business), the catalogue's name and values; and back, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text

from saldo import migrate
from saldo.db import make_engine
from tests.conftest import PG_URL, REQUIRE_ALL, _pg_database


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


def _to(engine: Engine, revision: str, *, down: bool = False) -> None:
    with engine.begin() as conn:
        config = migrate._config()
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, revision)


def _customers(engine: Engine, column: str) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT name, {column} FROM customer ORDER BY id"))
        return {name: value for name, value in rows}


def test_0010_names_the_segment_as_the_catalogue_does_and_back(fresh_engine: Engine) -> None:
    _to(fresh_engine, "0007")
    with fresh_engine.begin() as conn:
        conn.execute(
            text("INSERT INTO customer (kind, name, created_at) VALUES (:k, :n, :t)"),
            [
                {"k": "private", "n": "Rossi", "t": datetime(2026, 1, 1, tzinfo=UTC)},
                {"k": "business", "n": "Acme", "t": datetime(2026, 1, 1, tzinfo=UTC)},
            ],
        )
    _to(fresh_engine, "0010")
    columns = {c["name"] for c in inspect(fresh_engine).get_columns("customer")}
    assert "segment" in columns and "kind" not in columns
    assert _customers(fresh_engine, "segment") == {"Rossi": "consumer", "Acme": "business"}
    _to(fresh_engine, "0007", down=True)
    assert _customers(fresh_engine, "kind") == {"Rossi": "private", "Acme": "business"}
