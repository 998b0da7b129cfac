"""Shared pieces of the core benchmarks: fresh databases, many lines, percentiles."""

from __future__ import annotations

import os
import statistics
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from bench.harness import ROOT
from bench.saldo_api import add_line, load_catalog
from saldo import migrate
from saldo.config import Settings
from saldo.db import make_engine, make_sessionmaker
from saldo.kit.clock import ROME, Clock, FixedClock
from saldo.kit.origin import CLI
from saldo.runtime import Runtime

START = datetime(2026, 11, 26, 9, 0, tzinfo=ROME)
PLANS = ("GIGA150", "SMART50", "BASE", "GIGA200")


def fresh_runtime(url: str, clock: Clock | None = None) -> Runtime:
    """The empty database at ``url`` (``harness.Database.url``) migrated, with the demo
    catalogue; the runtime's clock is ``clock``, else fixed at ``START``."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    clock = clock or FixedClock(START)
    rt = Runtime(Settings(database_url=url), engine, make_sessionmaker(engine), clock)
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


def postgres_cpu() -> float:
    """CPU seconds (user + system) spent so far by the processes of a PostgreSQL server on
    this machine, from /proc; 0 where there is none to see."""
    total = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue  # ended meanwhile
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        if name.startswith("postgres"):
            fields = stat[stat.rindex(")") + 2 :].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def clone_lines(rt: Runtime, *, count: int, plans: Sequence[str] = PLANS) -> list[str]:
    """``count`` lines made like ``add_line`` makes them, copied in bulk from one per plan.

    Creating 100,000 lines one by one through the service takes minutes; the benchmark of the
    snapshot only needs them stored exactly as the service stores them.
    """
    from sqlalchemy import select

    from bench.saldo_api import Bucket, Customer, LedgerEntry, Line
    from saldo.db import table

    templates = []
    for i, plan in enumerate(plans):
        with rt.transaction() as session:
            line = add_line(
                session,
                msisdn=msisdn(i),
                plan_code=plan,
                credit_cents=5000,
                clock=rt.clock,
                origin=CLI,
            )
            templates.append(line.id)
    customer_t, line_t, bucket_t, ledger_t = (
        table(Customer),
        table(Line),
        table(Bucket),
        table(LedgerEntry),
    )
    with rt.transaction() as session:
        lines = {
            r.id: r._asdict()
            for r in session.execute(select(line_t).where(line_t.c.id.in_(templates)))
        }
        buckets = [
            r._asdict()
            for r in session.execute(select(bucket_t).where(bucket_t.c.line_id.in_(templates)))
        ]
        customer = session.execute(select(customer_t).limit(1)).one()._asdict()
    numbers = [msisdn(i) for i in range(len(plans))]
    batch = 5000
    for start in range(len(plans), count, batch):
        with rt.transaction() as session:
            stop = min(start + batch, count)
            customers = [{**customer, "id": None} for _ in range(start, stop)]
            for c in customers:
                c.pop("id")
            ids = (
                session.execute(customer_t.insert().returning(customer_t.c.id), customers)
                .scalars()
                .all()
            )
            new_lines = []
            for n, cid in zip(range(start, stop), ids, strict=True):
                template = lines[templates[n % len(templates)]]
                row = {**template, "msisdn": msisdn(n), "customer_id": cid}
                row.pop("id")
                new_lines.append(row)
                numbers.append(msisdn(n))
            line_ids = (
                session.execute(line_t.insert().returning(line_t.c.id), new_lines).scalars().all()
            )
            new_buckets, owners = [], []
            for n, lid in zip(range(start, stop), line_ids, strict=True):
                for b in buckets:
                    if b["line_id"] == templates[n % len(templates)]:
                        row = {**b, "line_id": lid}
                        row.pop("id")
                        new_buckets.append(row)
                        owners.append(lid)
            bucket_ids = (
                session.execute(bucket_t.insert().returning(bucket_t.c.id), new_buckets)
                .scalars()
                .all()
            )
            session.execute(
                ledger_t.insert(),
                [
                    {
                        "line_id": lid,
                        "bucket_id": bid,
                        "kind": "grant",
                        "delta": b["remaining"],
                        "reference": "bench clone",
                        "actor": "bench",
                        "channel": "bench",
                        "idempotency_key": f"bench:{bid}",
                        "created_at": rt.clock.now(),
                    }
                    for lid, bid, b in zip(owners, bucket_ids, new_buckets, strict=True)
                ],
            )
    return numbers
