"""The balance snapshot with 100,000 lines stored: p95 <= 1 ms (SQLite and PostgreSQL).

Run: .venv/bin/python -m bench.core.snapshot [--lines N] [--samples N] [--pg URL]
"""

from __future__ import annotations

import argparse
import random
import time

from bench.core.common import (
    OUT,
    add_pg_option,
    clone_lines,
    fresh_runtime,
    machine_speed,
    percentiles,
)
from saldo.balances.service import get_snapshot
from saldo.runtime import Runtime


def measure(rt: Runtime, numbers: list[str], samples: int) -> dict[str, float]:
    rnd = random.Random(1)
    now = rt.clock.now()
    times = []
    for _ in range(samples):
        msisdn = rnd.choice(numbers)
        started = time.perf_counter()
        with rt.read() as session:
            get_snapshot(session, msisdn=msisdn, now=now)
        times.append(time.perf_counter() - started)
    return percentiles(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=5_000)
    add_pg_option(parser)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for name, url in (
        ("sqlite", f"sqlite:///{OUT / 'bench-snapshot.db'}"),
        ("postgresql", args.pg),
    ):
        rt = fresh_runtime(url)
        started = time.perf_counter()
        numbers = clone_lines(rt, count=args.lines)
        print(f"{name}: {len(numbers):,} lines stored in {time.perf_counter() - started:.0f}s")
        measure(rt, numbers, 500)  # warm the caches
        print(f"{name}: machine {machine_speed()}")
        figures = measure(rt, numbers, args.samples)
        print(
            f"{name}: snapshot (one read transaction, {args.samples} random lines) "
            f"p50 {figures['p50']:.3f} ms, p95 {figures['p95']:.3f} ms, "
            f"p99 {figures['p99']:.3f} ms (target p95 <= 1 ms)"
        )
        rt.engine.dispose()


if __name__ == "__main__":
    main()
