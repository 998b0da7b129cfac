"""Migration 0003 goes up and down on SQLite and PostgreSQL, alone (0001-0002 below it)."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from tests.migrations import migrate_to as _to

MINE = {"menu_session", "menu_pin_failure"}


def test_0003_up_and_down(fresh_engine: Engine) -> None:
    assert _to(fresh_engine, "0003") >= MINE
    columns = {c["name"] for c in inspect(fresh_engine).get_columns("menu_session")}
    assert {"channel", "session_key", "step", "dialog", "reply", "msisdn"} <= columns
    uniques = inspect(fresh_engine).get_unique_constraints("menu_session")
    assert [u["column_names"] for u in uniques] == [["channel", "session_key"]]
    assert not MINE & _to(fresh_engine, "0002", down=True)
    assert _to(fresh_engine, "0003") >= MINE
