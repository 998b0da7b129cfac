"""Shared pieces of the core benchmarks: fresh databases, many lines, percentiles."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import text

from saldo import migrate
from saldo.catalog.service import load_catalog
from saldo.config import Settings
from saldo.db import make_engine, make_sessionmaker
from saldo.kit.clock import ROME, FixedClock
from saldo.kit.origin import CLI
from saldo.lines.service import add_line
from saldo.models import metadata
from saldo.runtime import Runtime

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "bench" / "out"
START = datetime(2026, 11, 26, 9, 0, tzinfo=ROME)
PLANS = ("GIGA150", "SMART50", "BASE", "GIGA200")


def fresh_runtime(url: str) -> Runtime:
    """An empty, migrated database at ``url`` with the demo catalogue."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    engine = make_engine(url)
    if not url.startswith("sqlite"):
        with engine.begin() as conn:
            names = ", ".join(t.name for t in metadata.sorted_tables)
            conn.execute(text(f"DROP TABLE IF EXISTS {names}, alembic_version CASCADE"))
    migrate.upgrade(engine)
    rt = Runtime(Settings(database_url=url), engine, make_sessionmaker(engine), FixedClock(START))
    with rt.transaction() as session:
        load_catalog(session, path=ROOT / "catalog" / "demo.toml", clock=rt.clock)
    return rt


def msisdn(i: int) -> str:
    return f"+39347{i:07d}"


def add_lines(rt: Runtime, count: int, *, credit_cents: int = 5000, chunk: int = 1000) -> list[str]:
    numbers = [msisdn(i) for i in range(count)]
    for start in range(0, count, chunk):
        with rt.transaction() as session:
            for i in range(start, min(start + chunk, count)):
                add_line(
                    session,
                    msisdn=numbers[i],
                    plan_code=PLANS[i % len(PLANS)],
                    credit_cents=credit_cents,
                    clock=rt.clock,
                    origin=CLI,
                )
    return numbers


def percentiles(samples: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99 of ``samples`` (seconds) in milliseconds."""
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50": q[49] * 1000, "p95": q[94] * 1000, "p99": q[98] * 1000}
