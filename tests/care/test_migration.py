"""Migration 0012 (care) down and up again on a database with lines and tickets in it, on
SQLite and PostgreSQL: the lines keep their foreign keys, the tickets' tables go and come."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from saldo.config import Settings
from saldo.db import make_sessionmaker
from saldo.kit.clock import FixedClock
from saldo.lines.models import Line
from saldo.runtime import Runtime
from tests.care.factories import answer, open_ticket
from tests.conftest import START
from tests.factories import load_demo_catalog, make_line
from tests.migrations import migrate_to as _to

CARE = {
    "ticket",
    "ticket_message",
    "ticket_attachment",
    "ticket_change",
    "ticket_counter",
    "refund_batch",
}


def test_0013_down_and_up_with_data(fresh: tuple[str, Engine]) -> None:
    url, engine = fresh
    assert _to(engine, "head") >= CARE
    rt = Runtime(Settings(database_url=url), engine, make_sessionmaker(engine), FixedClock(START))
    load_demo_catalog(rt)
    msisdn = make_line(rt)
    answer(rt, open_ticket(rt, msisdn).code)
    assert not CARE & _to(engine, "0012", down=True)
    assert _to(engine, "head") >= CARE
    with rt.read() as session:
        assert session.scalar(select(func.count()).select_from(Line)) == 1
    assert open_ticket(rt, msisdn).code == "RC-2026-000001"  # the counter starts again
