"""What every benchmark shares with ``bench.run_all``: its common options, the databases it
measures, and its figures written as one JSON record (``bench/results/<name>.json``).

Common options:

- ``--smoke``: the shortest settings (about a second per phase, few lines): does it still run?
- ``--only sqlite|postgresql``: one database only.
- ``--pg URL``: the PostgreSQL server (``SALDO_BENCH_PG``, else the local one). On it the
  benchmark creates a database of its own afresh (``saldo_bench_<name>``) and uses only that:
  the benchmark and every process it starts get :attr:`Database.url`, and nothing else.

PostgreSQL is measured when it answers; when it does not, the benchmark says so and measures
SQLite only, unless ``SALDO_REQUIRE_ALL_BACKENDS=1`` (CI) or ``--only postgresql``.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
RESULTS = ROOT / "bench" / "results"
LOCAL_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BACKENDS = ("sqlite", "postgresql")
LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def parse(parser: argparse.ArgumentParser, *, smoke: dict[str, Any]) -> argparse.Namespace:
    """The benchmark's own options plus the common ones; ``--smoke`` turns the defaults into
    ``smoke`` (an option given on the command line still wins)."""
    parser.add_argument("--smoke", action="store_true", help="the shortest settings")
    parser.add_argument("--only", choices=BACKENDS, help="one database only")
    parser.add_argument("--pg", default=os.environ.get("SALDO_BENCH_PG", LOCAL_PG))
    known, _ = parser.parse_known_args()
    if known.smoke:
        parser.set_defaults(**smoke)
        global REPEAT
        REPEAT = 3
    return parser.parse_args()


REPEAT = 7
"""Runs of the reference workload (its median is the figure): fewer in a smoke run."""


def reference_workload(repeat: int | None = None) -> float:
    """The CPU time of a fixed Python workload in ms (median of ``repeat``): how fast the shared
    machine runs Python just now, to tell a slow phase of the machine from a slow build."""

    def work() -> int:
        counts: dict[int, int] = {}
        for i in range(200_000):
            counts[i & 1023] = counts.get(i & 1023, 0) + i * i % 7
        return len(counts)

    times = []
    for _ in range(repeat or REPEAT):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return round(statistics.median(times) * 1e3, 1)


def machine() -> str:
    """One line on the machine's state, for the benchmarks' own output."""
    return (
        f"reference workload {reference_workload():.0f} ms of CPU (less is faster), "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


def commit() -> str:
    """The build measured: ``git rev-parse HEAD``, with ``+changes`` when the work tree differs
    from it (the benchmarks' own records and README aside)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    changed = subprocess.run(
        ["git", "diff", "--quiet", "HEAD", "--", ".", ":!bench/results", ":!bench/README.md"],
        cwd=ROOT,
        check=False,
    )
    return head + ("+changes" if changed.returncode else "")


def pg_reachable(url: str) -> bool:
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(url).set(drivername="postgresql", database="postgres")
    try:
        psycopg.connect(base.render_as_string(hide_password=False), connect_timeout=3).close()
    except psycopg.OperationalError:
        return False
    return True


def require_all() -> bool:
    return os.environ.get("SALDO_REQUIRE_ALL_BACKENDS") == "1"


@dataclass(frozen=True)
class Database:
    backend: str
    """``sqlite`` or ``postgresql``."""
    url: str
    """An empty database of the benchmark's own: the only URL it and its processes use."""

    @property
    def label(self) -> str:
        return LABELS[self.backend]


def empty_database(backend: str, name: str, pg: str) -> str:
    """A new, empty database for benchmark ``name``: a file in bench/out, or
    ``saldo_bench_<name>`` on the PostgreSQL server of ``pg`` (dropped first if there)."""
    if backend == "sqlite":
        OUT.mkdir(parents=True, exist_ok=True)
        path = OUT / f"bench-{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(pg)
    database = "saldo_bench_" + name.replace(".", "_")
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {database}"))
    admin.dispose()
    return base.set(database=database).render_as_string(hide_password=False)


def _number(value: float) -> float:
    return round(value, 3) if abs(value) < 100 else round(value, 1)


class Record:
    """The figures of one run of benchmark ``name`` (``core.online``: ``bench.core.online``),
    written to ``bench/results/<name>.json`` (``SALDO_BENCH_RESULTS`` elsewhere) on leaving
    the ``with`` block — also when the run fails, marked as not completed."""

    def __init__(self, name: str, args: argparse.Namespace) -> None:
        self.name = name
        self.args = args
        self.figures: list[dict[str, Any]] = []
        self.errors: list[dict[str, Any]] = []
        self.skipped: list[str] = []
        self.started = datetime.now(UTC)
        self.reference_ms = reference_workload()
        self.load = os.getloadavg()[0]
        print(
            f"{name}: reference workload {self.reference_ms:.0f} ms of CPU (less is faster),"
            f" load average {self.load:.1f} on {os.cpu_count()} cores",
            flush=True,
        )

    def __enter__(self) -> Record:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        failure = "".join(traceback.format_exception_only(exc)).strip() if exc else None
        self.write(failure)

    def databases(self) -> Iterator[Database]:
        """The databases to measure, each created empty just before its turn."""
        for backend in BACKENDS:
            if self.args.only not in (None, backend):
                continue
            if backend == "postgresql" and not pg_reachable(self.args.pg):
                if self.args.only == "postgresql" or require_all():
                    raise SystemExit(f"PostgreSQL at {self.args.pg} does not answer")
                print(f"{self.name}: PostgreSQL at {self.args.pg} does not answer: skipped")
                self.skipped.append(backend)
                continue
            yield Database(backend, empty_database(backend, self.name, self.args.pg))

    def figure(
        self,
        db: Database,
        figure: str,
        value: float,
        unit: str,
        *,
        target: tuple[str, float] | None = None,
        peer: tuple[str, float, str] | None = None,
    ) -> None:
        """One figure: ``target`` as (``"<="`` or ``">="``, bound) in ``unit``; ``peer`` as
        (what, value, unit) measured in the same run for comparison."""
        met = None
        if target is not None:
            op, bound = target
            met = value <= bound if op == "<=" else value >= bound
        self.figures.append(
            {
                "database": db.backend,
                "figure": figure,
                "value": _number(value),
                "unit": unit,
                "target": None if target is None else {"op": target[0], "value": target[1]},
                "peer": None
                if peer is None
                else {"what": peer[0], "value": _number(peer[1]), "unit": peer[2]},
                "met": met,
            }
        )

    def error(self, db: Database, what: str, count: int) -> None:
        """``count`` failures of ``what`` (requests answered with an error, MOs never
        answered…): any above zero fails ``make bench`` and ``make bench-smoke``."""
        self.errors.append({"database": db.backend, "what": what, "count": int(count)})
        if count:
            print(f"{self.name} [{db.label}]: {count} errors: {what}", flush=True)

    def write(self, failure: str | None = None) -> Path:
        directory = Path(os.environ.get("SALDO_BENCH_RESULTS", RESULTS))
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{self.name}.json"
        record = {
            "name": self.name,
            "command": shlex.join(["python", "-m", f"bench.{self.name}", *sys.argv[1:]]),
            "commit": commit(),
            "started": self.started.isoformat(timespec="seconds"),
            "seconds": round((datetime.now(UTC) - self.started).total_seconds(), 1),
            "smoke": bool(self.args.smoke),
            "machine": {
                "reference_workload_ms": self.reference_ms,
                "load_average": round(self.load, 1),
                "cpus": os.cpu_count(),
            },
            "completed": failure is None,
            "failure": failure,
            "skipped": self.skipped,
            "errors": self.errors,
            "figures": self.figures,
        }
        path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path
