"""CDR import of 1,000,000 events over 10,000 lines, through ``saldo usage import``.

Targets on SQLite: >= 20,000 events/s with peak memory <= 300 MB; on both databases a second
run over the same file charging nothing.
Run: .venv/bin/python -m bench.core.cdr_import [--events N] [--lines N] [--only …] [--smoke]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench import harness
from bench.core.common import START, clone_lines, fresh_runtime, msisdn
from bench.harness import OUT, ROOT

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
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=10_000)
    args = harness.parse(parser, smoke={"events": 2_000, "lines": 100})
    OUT.mkdir(parents=True, exist_ok=True)
    cdr = OUT / f"cdr-{args.events}-{args.lines}.csv"
    if not cdr.exists():
        write_cdr(cdr, events=args.events, lines=args.lines)
    now = START.isoformat()
    with harness.Record("core.cdr_import", args) as record:
        for db in record.databases():
            t0 = time.perf_counter()
            rt = fresh_runtime(db.url)
            clone_lines(rt, count=args.lines)
            rt.engine.dispose()  # the last connection to close checkpoints SQLite's WAL
            print(f"{db.label}: {args.lines} lines ready in {time.perf_counter() - t0:.1f} s")
            load = os.getloadavg()[0]
            print(f"{db.label}: machine {harness.machine()}")
            elapsed, cpu, summary, peak_kb = run_import(db.url, cdr, now)
            rate = summary["rated"] / elapsed
            print(f"{db.label} first run:  {summary} in {elapsed:.1f}s (load before: {load:.2f})")
            print(f"  throughput {rate:,.0f} events/s wall clock (target on SQLite >= 20,000)")
            print(
                f"  throughput {summary['rated'] / cpu:,.0f} events per CPU second of the importer"
            )
            print(f"  peak RSS   {peak_kb / 1024:.0f} MB (target on SQLite <= 300 MB)")
            elapsed2, _, again, _ = run_import(db.url, cdr, now)
            print(f"{db.label} second run: {again} in {elapsed2:.1f}s")
            charged = again["credit_charged_cents"]
            print(f"  credit charged on the second run: {charged} cents (target 0)")
            judged = db.backend == "sqlite"
            record.figure(
                db,
                "CDR import, events/s",
                rate,
                "events/s",
                target=(">=", 20_000) if judged else None,
            )
            record.figure(
                db,
                "CDR import, peak RSS",
                peak_kb / 1024,
                "MB",
                target=("<=", 300) if judged else None,
            )
            record.figure(
                db, "CDR import again, credit charged", charged, "cents", target=("<=", 0)
            )
            record.error(db, "CDR lines rejected", summary["rejected"])
            record.error(
                db,
                "CDR events neither rated nor duplicates",
                args.events - summary["rated"] - summary["duplicates"],
            )
            record.error(
                db,
                "events of the second run not seen as duplicates",
                args.events - again["duplicates"],
            )


if __name__ == "__main__":
    main()
