"""Every benchmark in turn, then one table of every target (``make bench``, ``make bench-smoke``).

    python -m bench.run_all [--smoke] [--only sqlite|postgresql] [--readme]

Each benchmark (a module ``bench/<part>/<name>.py`` that runs as ``__main__``) runs as its own
process, so one's memory and caches do not help another; SQLite always, PostgreSQL when it
answers (``bench.harness``). Each writes its figures as one JSON record: full runs to
bench/results/, ``--smoke`` runs (the shortest settings) to bench/out/smoke/. ``--readme``
writes the summary table at the top of bench/README.md.

The exit status is 1 when a benchmark is broken: it exits non-zero, runs past its time, writes
no completed record, or reports an error count above zero. Never because a figure misses its
target: figures are not tests.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.harness import BACKENDS, LABELS, LOCAL_PG, OUT, RESULTS, ROOT, pg_reachable, require_all

README = ROOT / "bench" / "README.md"
START_MARK = "<!-- latest full run: written by `make bench` (bench/run_all.py) -->"
END_MARK = "<!-- end of the latest full run -->"


def modules() -> list[str]:
    found = []
    for path in sorted((ROOT / "bench").glob("*/*.py")):
        if path.name.startswith("_") or path.name in {"common.py", "support.py"}:
            continue
        text = path.read_text(encoding="utf-8")
        if 'if __name__ == "__main__":' in text:
            found.append(".".join(path.relative_to(ROOT).with_suffix("").parts))
    return found


@dataclass
class Outcome:
    module: str
    seconds: float
    problem: str | None
    """Why the benchmark counts as broken; None when it ran through."""
    record: dict[str, Any] | None

    @property
    def name(self) -> str:
        return self.module.removeprefix("bench.")


def run(module: str, options: list[str], results: Path, timeout: float) -> Outcome:
    """``module`` in a process group of its own (its servers and clients with it)."""
    name = module.removeprefix("bench.")
    path = results / f"{name}.json"
    path.unlink(missing_ok=True)
    print(f"\n=== {module} {' '.join(options)} ===", flush=True)
    env = {**os.environ, "SALDO_BENCH_RESULTS": str(results)}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", module, *options], cwd=ROOT, env=env, start_new_session=True
    )
    try:
        status: int | None = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        status = None
    seconds = time.perf_counter() - started
    record = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
    problem = None
    if status is None:
        problem = f"still running after {timeout:.0f} s: stopped"
    elif status != 0:
        problem = f"exit status {status}"
    elif record is None:
        problem = "no record written (bench.harness.Record)"
    elif not record["completed"]:
        problem = f"failed: {record['failure']}"
    elif errors := sum(e["count"] for e in record["errors"]):
        problem = f"{errors} errors: " + "; ".join(
            f"{e['what']} ({e['database']}): {e['count']}" for e in record["errors"] if e["count"]
        )
    return Outcome(module, seconds, problem, record)


def _amount(value: float, unit: str) -> str:
    digits = 0 if abs(value) >= 100 or unit in {"%", "cents"} else 1 if abs(value) >= 10 else 2
    return f"{value:,.{digits}f} {unit}"


def table(outcomes: list[Outcome]) -> list[str]:
    """One row per figure: today's value, its peer's from the same run, target, verdict."""
    rows = [
        "| benchmark | database | figure | today | peer, same run | target | verdict |",
        "|---|---|---|---:|---:|---|---|",
    ]
    for outcome in outcomes:
        if outcome.record is None:
            rows.append(f"| {outcome.name} | | | | | | **broken**: {outcome.problem} |")
            continue
        for f in outcome.record["figures"]:
            peer, target = f["peer"], f["target"]
            seen = f"{peer['what']} {_amount(peer['value'], peer['unit'])}" if peer else ""
            bound = "none"
            if target:
                op = {"<=": "≤", ">=": "≥"}[target["op"]]
                bound = f"{op} {target['value']:,} {f['unit']}"
            verdict = "—" if f["met"] is None else "met" if f["met"] else "**missed**"
            rows.append(
                f"| {outcome.name} | {LABELS[f['database']]} | {f['figure']} "
                f"| {_amount(f['value'], f['unit'])} | {seen} | {bound} | {verdict} |"
            )
        if outcome.problem:
            rows.append(f"| {outcome.name} | | | | | | **broken**: {outcome.problem} |")
    return rows


def heading(outcomes: list[Outcome], smoke: bool) -> str:
    records = [o.record for o in outcomes if o.record]
    if not records:
        return "No benchmark wrote a record."
    commits = sorted({r["commit"][:10] + r["commit"][40:] for r in records})
    work = [r["machine"]["reference_workload_ms"] for r in records]
    loads = [r["machine"]["load_average"] for r in records]
    when = datetime.now(UTC).strftime("%d %b %Y %H:%M UTC")
    return (
        f"{'Smoke run' if smoke else 'Full run'} of {when}, commit {', '.join(commits)}; "
        f"reference workload {min(work):.0f}–{max(work):.0f} ms of CPU (less is faster), "
        f"load average {min(loads):.1f}–{max(loads):.1f} at the benchmarks' starts; "
        f"{sum(o.seconds for o in outcomes) / 60:.0f} min in all ("
        + ", ".join(f"{o.name} {o.seconds:.0f} s" for o in outcomes)
        + ")."
    )


def write_readme(lines: list[str]) -> None:
    text = README.read_text(encoding="utf-8")
    block = "\n".join([START_MARK, *lines, END_MARK])
    if START_MARK in text and END_MARK in text:
        before, rest = text.split(START_MARK, 1)
        text = before + block + rest.split(END_MARK, 1)[1]
    else:
        head, _, body = text.partition("\n\n")
        text = f"{head}\n\n{block}\n\n{body}"
    README.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="the shortest settings")
    parser.add_argument("--only", choices=BACKENDS)
    parser.add_argument("--readme", action="store_true", help="the table into bench/README.md")
    parser.add_argument("--timeout", type=float, help="seconds per benchmark (smoke 150)")
    args = parser.parse_args()
    results = OUT / "smoke" if args.smoke else RESULTS
    results.mkdir(parents=True, exist_ok=True)
    timeout = args.timeout or (150 if args.smoke else 3600)
    options = ["--smoke"] if args.smoke else []
    only = args.only
    pg = os.environ.get("SALDO_BENCH_PG", LOCAL_PG)
    if only != "sqlite" and not pg_reachable(pg):
        if require_all() or only == "postgresql":
            print(f"PostgreSQL at {pg} does not answer", file=sys.stderr)
            return 1
        print(f"PostgreSQL at {pg} does not answer: SQLite only")
        only = "sqlite"
    if only:
        options += ["--only", only]
    started = time.perf_counter()
    outcomes = [run(module, options, results, timeout) for module in modules()]
    lines = [heading(outcomes, args.smoke), "", *table(outcomes)]
    print("\n" + "\n".join(lines))
    if args.readme:
        write_readme(lines)
    broken = [o for o in outcomes if o.problem]
    took = time.perf_counter() - started
    if broken:
        print(f"\n{len(broken)} of {len(outcomes)} benchmarks broken ({took:.0f} s):")
        for o in broken:
            print(f"  {o.module}: {o.problem}")
        return 1
    print(f"\nall {len(outcomes)} benchmarks ran ({took:.0f} s); figures are not tests")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
