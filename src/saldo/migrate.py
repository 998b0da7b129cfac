"""Schema migrations: every command brings the database up to date, or says why it cannot."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from saldo.kit.errors import SchemaBehind

SCRIPTS = Path(__file__).parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    return config


def head() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> bool:
    """Migrate to the newest schema; True when anything was applied."""
    if current(engine) == head():
        return False
    with engine.begin() as conn:
        config = _config()
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return True


def ensure(engine: Engine, *, migrate: bool) -> None:
    """Up to date, migrating when allowed; otherwise refuse clearly."""
    if current(engine) == head():
        return
    if migrate:
        upgrade(engine)
        return
    raise SchemaBehind(
        "lo schema del database non è aggiornato: esegui 'saldo db upgrade'",
        "the database schema is behind: run 'saldo db upgrade'",
    )


def autogenerate(engine: Engine, message: str) -> None:
    """For developers: write a new migration from the models' difference to ``engine``."""
    with engine.begin() as conn:
        config = _config()
        config.attributes["connection"] = conn
        command.revision(config, message=message, autogenerate=True)
