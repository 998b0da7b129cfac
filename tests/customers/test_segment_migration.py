"""Migration 0010: a customer's ``kind`` (private | business) becomes ``segment`` (consumer |
business), the catalogue's name and values; and back, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, inspect, text

from tests.migrations import migrate_to as _to


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
