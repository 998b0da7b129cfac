"""Tickets with 100,000 stored: lookup by code, a customer's list, the complaints-at-risk
queue; target p95 <= 50 ms each (SQLite and PostgreSQL).

Run: .venv/bin/python -m bench.care.tickets [--lines N] [--tickets N] [--samples N] [--only …] [--smoke]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select

from bench import harness
from bench.core.common import clone_lines, fresh_runtime, percentiles
from bench.saldo_api import Line, Ticket, ticket_by_code, ticket_queue, tickets_of
from saldo.runtime import Runtime

KINDS = ("message", "complaint", "refund")
STATUSES = ("open", "waiting_customer", "answered", "closed")


def store(rt: Runtime, *, count: int, chunk: int = 5000) -> tuple[list[str], list[int]]:
    """``count`` tickets over the stored lines' customers; their codes and customers."""
    now = rt.clock.now()
    with rt.read() as session:
        owners = [tuple(r) for r in session.execute(select(Line.id, Line.customer_id))]
    rnd = random.Random(7)
    codes = []
    table: Any = Ticket.__table__
    for start in range(0, count, chunk):
        rows = []
        for n in range(start + 1, min(count, start + chunk) + 1):
            line_id, customer_id = owners[rnd.randrange(len(owners))]
            kind = KINDS[n % 3]
            opened = now - timedelta(minutes=rnd.randrange(60 * 24 * 40))
            code = f"RC-2026-{n:06d}"
            codes.append(code)
            rows.append(
                dict(
                    code=code,
                    kind=kind,
                    status=STATUSES[n % 4],
                    customer_id=customer_id,
                    line_id=line_id,
                    subject="Segnalazione",
                    channel="api",
                    callback=False,
                    deadline=opened + timedelta(days=30) if kind == "complaint" else None,
                    indemnity_cents=0,
                    indemnity_days=0,
                    created_at=opened,
                    updated_at=opened,
                    amount_cents=500 if kind == "refund" else None,
                    refund_to="credit" if kind == "refund" else None,
                    refund_status="requested" if kind == "refund" else None,
                )
            )
        with rt.transaction() as session:
            session.execute(insert(table), rows)
    return codes, [c for _, c in owners]


def timed(
    rt: Runtime, samples: int, work: Callable[[Any, random.Random], object]
) -> dict[str, float]:
    rnd = random.Random(1)
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        with rt.read() as session:
            work(session, rnd)
        times.append(time.perf_counter() - started)
    return percentiles(times)


def measure(
    rt: Runtime, codes: list[str], customers: list[int], samples: int
) -> tuple[dict[str, dict[str, float]], int]:
    """Percentiles of each read, and how many lookups found another ticket."""
    now = rt.clock.now()
    wrong = 0

    def by_code(session: Any, rnd: random.Random) -> None:
        nonlocal wrong
        code = rnd.choice(codes)
        wrong += ticket_by_code(session, code).code != code

    work: dict[str, Callable[[Any, random.Random], object]] = {
        "lookup by code": by_code,
        "a customer's tickets": lambda s, rnd: tickets_of(
            s, customer_id=rnd.choice(customers), limit=50
        ),
        "complaints-at-risk queue": lambda s, _rnd: ticket_queue(s, now=now, risk_days=3, limit=50),
    }
    results = {}
    for name, fn in work.items():
        timed(rt, min(100, samples), fn)  # warm the caches
        results[name] = timed(rt, samples, fn)
    return results, wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=2_000)
    args = harness.parse(parser, smoke={"lines": 200, "tickets": 2_000, "samples": 100})
    with harness.Record("care.tickets", args) as record:
        for db in record.databases():
            rt = fresh_runtime(db.url)
            clone_lines(rt, count=args.lines)
            started = time.perf_counter()
            codes, customers = store(rt, count=args.tickets)
            print(
                f"{db.label}: {len(codes):,} tickets stored in {time.perf_counter() - started:.0f}s"
            )
            print(f"{db.label}: machine {harness.machine()}")
            results, wrong = measure(rt, codes, customers, args.samples)
            for name, figures in results.items():
                print(
                    f"{db.label}: {name} p50 {figures['p50']:.2f} ms, "
                    f"p95 {figures['p95']:.2f} ms (target p95 <= 50 ms)"
                )
                record.figure(db, f"{name} p95", figures["p95"], "ms", target=("<=", 50))
            record.error(db, "lookups that found another ticket", wrong)
            rt.engine.dispose()


if __name__ == "__main__":
    main()
