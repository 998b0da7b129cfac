"""Test databases: SQLite always; PostgreSQL when SALDO_TEST_DATABASE_URL is set.

Each backend's schema is migrated once per run (a fresh SQLite file; a fresh PostgreSQL
database created for the run and dropped after). Before each test every table is emptied, so
tests may commit as the entry points do.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from saldo import migrate
from saldo.config import Settings
from saldo.db import make_engine, make_sessionmaker
from saldo.kit.clock import ROME, FixedClock
from saldo.models import metadata
from saldo.runtime import Runtime
from tests.factories import load_demo_catalog

PG_URL = os.environ.get("SALDO_TEST_DATABASE_URL")
REQUIRE_ALL = os.environ.get("SALDO_REQUIRE_ALL_BACKENDS") == "1"
START = datetime(2026, 11, 26, 9, 0, tzinfo=ROME)


def _pg_database(url: str) -> Iterator[str]:
    """A database of its own for this run on the PostgreSQL server of ``url``."""
    base = make_url(url)
    name = f"saldo_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :n AND pid <> pg_backend_pid()"
                ),
                {"n": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("db") / "saldo-test.db"
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    if not PG_URL:
        if REQUIRE_ALL:
            pytest.fail("SALDO_TEST_DATABASE_URL is required here: PostgreSQL tests must run")
        pytest.skip("PostgreSQL tests skipped: set SALDO_TEST_DATABASE_URL to run them")
    yield from _pg_database(PG_URL)


_engines: dict[str, Engine] = {}


def _engine_for(url: str) -> Engine:
    engine = _engines.get(url)
    if engine is None:
        engine = make_engine(url)
        migrate.upgrade(engine)
        _engines[url] = engine
    return engine


def _empty(engine: Engine) -> None:
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def rt(db_url: str, clock: FixedClock) -> Iterator[Runtime]:
    """A runtime on an empty, migrated database with the demo catalogue loaded."""
    engine = _engine_for(db_url)
    _empty(engine)
    runtime = Runtime(Settings(database_url=db_url), engine, make_sessionmaker(engine), clock)
    load_demo_catalog(runtime)
    yield runtime


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for engine in _engines.values():
        engine.dispose()


# the migration tests' empty databases (moved with tests.migrations.migrate_to)
@pytest.fixture(params=["sqlite", "postgres"])
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    """The URL and engine of an empty database, SQLite then PostgreSQL."""
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


@pytest.fixture
def fresh_engine(fresh: tuple[str, Engine]) -> Engine:
    return fresh[1]
