"""What the migration tests share: an empty database on each backend, and a move up or down to
a revision that answers the tables then present."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, inspect

from saldo import migrate


def migrate_to(engine: Engine, revision: str, *, down: bool = False) -> set[str]:
    """Upgrade (or downgrade) to ``revision``; the tables present afterwards."""
    with engine.begin() as conn:
        config = migrate._config()
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, revision)
    return set(inspect(engine).get_table_names())
