"""CDR import of 1,000,000 events over 10,000 lines on SQLite.

Target: >= 20,000 events/s with peak memory <= 300 MB, and a second run over the same file
charging nothing. Run: .venv/bin/python -m bench.core.cdr_import [--events N] [--lines N]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.core.common import (
    OUT,
    ROOT,
    START,
    add_lines,
    fresh_runtime,
    machine_speed,
    msisdn,
)

HEADER = ["event_id", "msisdn", "service", "zone", "started_at", "quantity", "destination"]


def write_cdr(path: Path, *, events: int, lines: int, seed: int = 42) -> None:
    rnd = random.Random(seed)
    numbers = [msisdn(i) for i in range(lines)]
    mix = ["data"] * 5 + ["voice"] * 3 + ["sms"] * 2
    zones = ["national"] * 8 + ["eu", "international"]
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for i in range(events):
            service = mix[i % 10]
            zone = zones[rnd.randrange(10)]
            if service == "data":
                quantity = rnd.randrange(1, 50_000_000)
            elif service == "voice":
                quantity = rnd.randrange(1, 600)
            else:
                quantity = 1
            minute = i % 1440
            writer.writerow(
                [
                    f"e{i:08d}",
                    numbers[rnd.randrange(lines)],
                    service,
                    zone,
                    f"2026-11-26T{9 + minute // 60 % 14:02d}:{minute % 60:02d}:00+01:00",
                    quantity,
                    "",
                ]
            )


def run_import(url: str, path: Path, now: str) -> tuple[float, float, dict[str, int], int]:
    """Wall seconds, CPU seconds of the importer, the summary, and its peak RSS in KB."""
    env = {**os.environ, "SALDO_DATABASE_URL": url, "SALDO_NOW": now}
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "saldo.cli", "usage", "import", str(path), "--json"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    return elapsed, cpu, json.loads(out.stdout), max(usage.ru_maxrss, before)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=10_000)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    cdr = OUT / f"cdr-{args.events}-{args.lines}.csv"
    if not cdr.exists():
        write_cdr(cdr, events=args.events, lines=args.lines)
    db = OUT / "bench-import.db"
    pristine = OUT / f"lines-{args.lines}.db"
    if not pristine.exists():
        rt = fresh_runtime(f"sqlite:///{pristine}")
        t0 = time.perf_counter()
        add_lines(rt, args.lines)
        print(f"setup: {args.lines} lines in {time.perf_counter() - t0:.1f}s")
        rt.engine.dispose()  # the last connection to close checkpoints the WAL
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    shutil.copyfile(pristine, db)
    url = f"sqlite:///{db}"
    now = START.isoformat()
    load = os.getloadavg()[0]
    print(f"machine: {machine_speed()}")
    elapsed, cpu, summary, peak_kb = run_import(url, cdr, now)
    rate = summary["rated"] / elapsed
    print(f"first run:  {summary} in {elapsed:.1f}s (load average before: {load:.2f})")
    print(f"  throughput {rate:,.0f} events/s wall clock (target >= 20,000)")
    print(f"  throughput {summary['rated'] / cpu:,.0f} events per CPU second of the importer")
    print(f"  peak RSS   {peak_kb / 1024:.0f} MB (target <= 300 MB)")
    elapsed2, _, summary2, _ = run_import(url, cdr, now)
    print(f"second run: {summary2} in {elapsed2:.1f}s")
    print(
        f"  credit charged on the second run: {summary2['credit_charged_cents']} cents (target 0)"
    )


if __name__ == "__main__":
    main()
