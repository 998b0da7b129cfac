"""CDR import: rejects with line numbers, duplicates, and a killed import run again."""

from __future__ import annotations

import csv
import io
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import func, select

from saldo.balances.service import ledger_mismatches
from saldo.charging.cdr import HEADER, import_usage
from saldo.charging.models import UsageRecord
from saldo.checkpoints import BackgroundCheckpoints
from saldo.db import fetch_all, transaction
from saldo.kit.quantities import GB, MB
from saldo.notifications.service import enqueue
from saldo.runtime import Runtime
from tests.factories import ROOT, make_line, remaining, snapshot


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows)


def _events(msisdns: list[str], n: int, seed: int = 7) -> list[list[str]]:
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        service = rnd.choice(["voice", "sms", "data", "data", "mms"])
        zone = rnd.choice(["national", "national", "eu", "international", "world"])
        quantity = {"voice": rnd.randint(1, 900), "sms": 1, "mms": 1}.get(
            service, rnd.randint(1, 400 * MB)
        )
        rows.append(
            [
                f"ev{i}",
                rnd.choice(msisdns),
                service,
                zone,
                f"2026-11-26T10:{i % 60:02d}:00+01:00",
                str(quantity),
                "",
            ]
        )
    return rows


def test_bad_lines_go_to_rejects_and_the_rest_loads(rt: Runtime, tmp_path: Path) -> None:
    msisdn = make_line(rt, plan="SMART50", credit="20")
    path = tmp_path / "cdr.csv"
    _write(
        path,
        [
            ["e1", msisdn, "data", "national", "2026-11-26T10:00:00+01:00", str(GB), ""],
            ["e2", "12345", "data", "national", "2026-11-26T10:00:00+01:00", "10", ""],
            ["e3", msisdn, "fax", "national", "2026-11-26T10:00:00+01:00", "10", ""],
            ["e4", msisdn, "sms", "mars", "2026-11-26T10:00:00+01:00", "1", ""],
            ["e5", msisdn, "sms", "national", "yesterday", "1", ""],
            ["e6", msisdn, "sms", "national", "2026-11-26T10:00:00+01:00", "-1", ""],
            ["e7", msisdn, "sms", "national"],
            ["e8", "+393479999999", "sms", "national", "2026-11-26T10:00:00+01:00", "1", ""],
            ["e1", msisdn, "data", "national", "2026-11-26T10:00:00+01:00", str(GB), ""],
            ["e9", msisdn, "sms", "national", "2026-11-26T10:01:00+01:00", "2", "+393331234567"],
        ],
    )
    rejects = io.StringIO()
    summary = import_usage(rt.sessions, path=path, clock=rt.clock, rejects=rejects, batch_size=4)
    assert (summary.rated, summary.duplicates, summary.rejected) == (2, 1, 7)
    lines = list(csv.reader(io.StringIO(rejects.getvalue())))
    assert lines[0] == ["line", "reason", *HEADER]
    reasons = {int(r[0]): r[1] for r in lines[1:]}
    assert reasons == {
        3: "invalid msisdn '12345'",
        4: "invalid service 'fax'",
        5: "invalid zone 'mars'",
        6: "invalid started_at 'yesterday'",
        7: "invalid quantity '-1'",
        8: "expected 7 fields, found 4",
        9: "unknown line +393479999999",
    }
    snap = snapshot(rt, msisdn)
    assert remaining(snap, "data") == 49 * GB and remaining(snap, "sms") == 98


def test_second_run_over_the_same_file_charges_nothing(rt: Runtime, tmp_path: Path) -> None:
    lines = [make_line(rt, plan=p, credit="30") for p in ("BASE", "SMART50", "GIGA150")]
    path = tmp_path / "cdr.csv"
    _write(path, _events(lines, 600))
    first = import_usage(rt.sessions, path=path, clock=rt.clock, batch_size=100)
    before = [snapshot(rt, m) for m in lines]
    second = import_usage(rt.sessions, path=path, clock=rt.clock, batch_size=100)
    assert first.rated == 600 and first.credit_charged_cents > 0
    assert (second.rated, second.duplicates, second.credit_charged_cents) == (0, 600, 0)
    assert [snapshot(rt, m) for m in lines] == before
    with rt.transaction() as session:
        assert ledger_mismatches(session) == []


def test_batch_import_rates_exactly_as_single_events(rt: Runtime, tmp_path: Path) -> None:
    """The batch path and the one-event path give the same balances for the same events."""
    from saldo.charging.schemas import UsageEvent
    from saldo.charging.service import charge_usage
    from saldo.kit.clock import parse_instant

    batch_lines = [make_line(rt, plan=p, credit="25") for p in ("BASE", "SMART50", "GIGA150")]
    single_lines = [make_line(rt, plan=p, credit="25") for p in ("BASE", "SMART50", "GIGA150")]
    rows = _events(batch_lines, 300, seed=11)
    path = tmp_path / "cdr.csv"
    _write(path, rows)
    import_usage(rt.sessions, path=path, clock=rt.clock, batch_size=64)
    twin = dict(zip(batch_lines, single_lines, strict=True))
    for row in rows:
        event = UsageEvent(
            "single-" + row[0], twin[row[1]], row[2], row[3], parse_instant(row[4]), int(row[5])
        )
        with rt.transaction() as session:
            charge_usage(session, event=event, now=rt.clock.now(), sender="4155", source="cdr")
    for a, b in twin.items():
        sa, sb = snapshot(rt, a), snapshot(rt, b)
        assert sa.credit_cents == sb.credit_cents
        assert [x.remaining for x in sa.allowances] == [x.remaining for x in sb.allowances]


def _balances(rt: Runtime, lines: list[str]) -> list[tuple[int, list[int | None]]]:
    return [
        (s.credit_cents, [a.remaining for a in s.allowances])
        for s in (snapshot(rt, m) for m in lines)
    ]


def test_killed_import_run_again_ends_as_one_uninterrupted_run(
    rt: Runtime, tmp_path: Path, db_url: str
) -> None:
    plans = ["BASE", "SMART50", "GIGA150", "SMART50"] * 5
    numbers = [f"+39347555{i:04d}" for i in range(len(plans))]
    for msisdn, plan in zip(numbers, plans, strict=True):
        make_line(rt, plan=plan, credit="40", msisdn=msisdn)
    path = tmp_path / "cdr.csv"
    _write(path, _events(numbers, 30_000, seed=3))
    import_usage(rt.sessions, path=path, clock=rt.clock, batch_size=500)
    expected = _balances(rt, numbers)

    # the same lines afresh, then an import killed after some batches committed
    from tests.conftest import _empty
    from tests.factories import load_demo_catalog

    _empty(rt.engine)
    load_demo_catalog(rt)
    for msisdn, plan in zip(numbers, plans, strict=True):
        make_line(rt, plan=plan, credit="40", msisdn=msisdn)
    env = {**os.environ, "SALDO_DATABASE_URL": db_url, "SALDO_NOW": rt.clock.now().isoformat()}
    command = [
        sys.executable,
        "-m",
        "saldo.cli",
        "usage",
        "import",
        str(path),
        "--batch-size",
        "500",
    ]
    proc = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 180  # a busy machine starts Python slowly
    committed = 0
    while time.monotonic() < deadline and proc.poll() is None:
        # a read-only unit: on SQLite it must not queue for the importer's write lock, or the
        # import could finish before the count is read
        with rt.read() as session:
            committed = int(session.scalar(select(func.count()).select_from(UsageRecord)) or 0)
        if committed >= 2_000:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 < committed < 30_000, "the import must be killed half way"
    again = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert "duplicati" in again.stdout
    assert _balances(rt, numbers) == expected
    with rt.transaction() as session:
        assert int(session.scalar(select(func.count()).select_from(UsageRecord)) or 0) == 30_000
        assert ledger_mismatches(session) == []


def test_bulk_units_leave_checkpoints_to_a_thread_of_their_own(rt: Runtime) -> None:
    """SQLite: a bulk unit's commit does not copy the WAL into the database file, the import's
    checkpoint thread does; other units checkpoint as usual again."""
    if rt.engine.dialect.name != "sqlite":
        pytest.skip("WAL checkpoints are SQLite's")

    def in_database_file() -> int:
        """Outbox rows in the database file itself, the WAL ignored (immutable=1)."""
        uri = f"file:{rt.engine.url.database}?mode=ro&immutable=1"
        with closing(sqlite3.connect(uri, uri=True)) as conn:
            sql = "SELECT count(*) FROM outbox_message WHERE topic = 'wal-test'"
            return int(conn.execute(sql).fetchone()[0])

    with closing(sqlite3.connect(str(rt.engine.url.database))) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()  # all so far in the file
    with transaction(rt.sessions, bulk=True) as session:
        assert fetch_all(session, "PRAGMA wal_autocheckpoint", ()) == [(0,)]
        for i in range(6000):  # ~6 MB: past the 1,000 pages that trigger a checkpoint
            enqueue(
                session,
                recipient="+393470000000",
                body=f"{i:06d}" + "x" * 1000,
                topic="wal-test",
                now=rt.clock.now(),
            )
    assert in_database_file() == 0
    with BackgroundCheckpoints(rt.engine) as checkpoints:
        checkpoints.committed()
    assert in_database_file() == 6000
    with rt.transaction() as session:
        assert fetch_all(session, "PRAGMA wal_autocheckpoint", ()) == [(1000,)]
