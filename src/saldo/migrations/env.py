"""Alembic environment: migrations run against the connection Saldo hands over."""

from __future__ import annotations

from typing import Any

from alembic import context

from saldo.db import UtcDateTime
from saldo.models import metadata


def _render_item(type_: str, obj: object, autogen_context: object) -> Any:
    # UtcDateTime is Python-side only: the column is a timezone-aware DateTime.
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through 'saldo db upgrade'")
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    render_item=_render_item,
)
with context.begin_transaction():
    context.run_migrations()
