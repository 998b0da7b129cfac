"""Two bill runs started at once (two processes, as two operators would) on the same month:
every account invoiced once, numbers 1..N without a gap or a duplicate."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from saldo.billing.models import Invoice
from saldo.runtime import Runtime
from tests.billing.factories import load_billing_catalog, postpaid_line
from tests.factories import ROOT

ACCOUNTS = 40


def test_two_runs_at_once_issue_each_account_once_with_gapless_numbers(
    rt: Runtime, db_url: str, tmp_path: Path
) -> None:
    load_billing_catalog(rt, tmp_path)
    for i in range(ACCOUNTS):
        postpaid_line(rt, f"+3934720{i:05d}")
    env = {**os.environ, "SALDO_DATABASE_URL": db_url, "SALDO_LANG": "en"}
    command = [sys.executable, "-m", "saldo.cli", "bill", "run", "--period", "2026-11"]
    command += ["--now", "2026-12-01T02:00:00+01:00", "--json"]
    runs = [
        subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    reports = []
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
        reports.append(json.loads(out))
    issued = reports[0]["issued"] + reports[1]["issued"]
    assert sorted(issued) == [f"M/2026/{n:06d}" for n in range(1, ACCOUNTS + 1)]
    with rt.read() as session:
        rows = session.execute(select(Invoice.number, Invoice.account_id)).all()
    assert len(rows) == ACCOUNTS
    assert len({account for _, account in rows}) == ACCOUNTS
    assert sorted(n for n, _ in rows) == sorted(issued)
