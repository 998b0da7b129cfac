"""Migration 0012 on a database with lines, charges and invoices: down to 0011 and up again
(its postpaid lines back on billing accounts), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from saldo.billing.runs import run_bills
from saldo.config import Settings
from saldo.db import make_sessionmaker
from saldo.kit.clock import ROME, FixedClock
from saldo.runtime import Runtime
from tests.billing.factories import PIVA, load_billing_catalog, postpaid_line
from tests.factories import load_demo_catalog, make_line
from tests.migrations import migrate_to as _to


def _count(engine: Engine, sql: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def test_0012_goes_down_and_up_on_a_populated_database(
    fresh_engine: Engine, tmp_path: Path
) -> None:
    _to(fresh_engine, "head")
    clock = FixedClock(datetime(2026, 11, 26, 9, 0, tzinfo=ROME))
    rt = Runtime(
        Settings(database_url=str(fresh_engine.url)),
        fresh_engine,
        make_sessionmaker(fresh_engine),
        clock,
    )
    load_demo_catalog(rt)
    load_billing_catalog(rt, tmp_path)
    postpaid_line(rt, "+393471000001")
    postpaid_line(rt, "+393471000002", plan="UFFICIO", vat_number=PIVA)
    make_line(rt, plan="CASA_RIC", credit="30")
    assert run_bills(rt, period="2026-11", now=datetime(2026, 12, 1, tzinfo=ROME)).errors == []
    _to(fresh_engine, "0011", down=True)
    tables = set(inspect(fresh_engine).get_table_names())
    assert not tables & {
        "invoice",
        "billing_account",
        "billed_line",
        "invoice_sequence",
        "bill_run",
    }
    assert "pec" not in {c["name"] for c in inspect(fresh_engine).get_columns("customer")}
    assert _count(fresh_engine, "SELECT COUNT(*) FROM line") == 3
    assert _count(fresh_engine, "SELECT COUNT(*) FROM billable_charge") == 4
    _to(fresh_engine, "head")
    assert _count(fresh_engine, "SELECT COUNT(*) FROM billing_account") == 2
    assert _count(fresh_engine, "SELECT COUNT(*) FROM billed_line") == 2
    assert (
        _count(fresh_engine, "SELECT COUNT(*) FROM billable_charge WHERE invoice_id IS NULL") == 4
    )
