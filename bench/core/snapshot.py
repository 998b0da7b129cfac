"""The balance snapshot with 100,000 lines stored: p95 <= 1 ms (SQLite and PostgreSQL).

Run: .venv/bin/python -m bench.core.snapshot [--lines N] [--samples N] [--only …] [--smoke]
"""

from __future__ import annotations

import argparse
import random
import time

from bench import harness
from bench.core.common import clone_lines, fresh_runtime, percentiles
from bench.saldo_api import get_snapshot
from saldo.runtime import Runtime


def measure(rt: Runtime, numbers: list[str], samples: int) -> tuple[dict[str, float], int]:
    """Percentiles of ``samples`` snapshots, and how many were of another line."""
    rnd = random.Random(1)
    now = rt.clock.now()
    times = []
    wrong = 0
    for _ in range(samples):
        msisdn = rnd.choice(numbers)
        started = time.perf_counter()
        with rt.read() as session:
            snapshot = get_snapshot(session, msisdn=msisdn, now=now)
        times.append(time.perf_counter() - started)
        wrong += snapshot.msisdn != msisdn
    return percentiles(times), wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=5_000)
    args = harness.parse(parser, smoke={"lines": 200, "samples": 200})
    with harness.Record("core.snapshot", args) as record:
        for db in record.databases():
            rt = fresh_runtime(db.url)
            started = time.perf_counter()
            numbers = clone_lines(rt, count=args.lines)
            took = time.perf_counter() - started
            print(f"{db.label}: {len(numbers):,} lines stored in {took:.0f}s")
            measure(rt, numbers, min(500, args.samples))  # warm the caches
            print(f"{db.label}: machine {harness.machine()}")
            figures, wrong = measure(rt, numbers, args.samples)
            print(
                f"{db.label}: snapshot (one read transaction, {args.samples} random lines) "
                f"p50 {figures['p50']:.3f} ms, p95 {figures['p95']:.3f} ms, "
                f"p99 {figures['p99']:.3f} ms (target p95 <= 1 ms)"
            )
            record.figure(db, "balance snapshot p95", figures["p95"], "ms", target=("<=", 1))
            record.error(db, "snapshots of another line", wrong)
            rt.engine.dispose()


if __name__ == "__main__":
    main()
