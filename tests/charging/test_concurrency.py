"""Several processes debiting, topping up and changing options of the same lines at once."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import func, select

from saldo.balances.models import Bucket, LedgerEntry
from saldo.balances.service import ledger_mismatches
from saldo.charging.models import UsageRecord
from saldo.lines.models import LineOption
from saldo.payments.models import Topup
from saldo.runtime import Runtime
from tests.factories import ROOT, make_line

PROCESSES = 4
OPERATIONS = 150


def test_no_lost_update_no_negative_credit_every_entry_accounted(rt: Runtime, db_url: str) -> None:
    lines = [make_line(rt, plan="BASE", credit="3") for _ in range(3)]
    lines.append(make_line(rt, plan="SMART50", credit="10"))
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.charging.hammer",
                db_url,
                str(seed),
                ",".join(lines),
                str(OPERATIONS),
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in range(PROCESSES)
    ]
    errors = [proc.communicate(timeout=300)[1] for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * PROCESSES, errors

    with rt.transaction() as session:
        assert ledger_mismatches(session) == []
        for msisdn in lines:
            from saldo.lines.repository import line_by_msisdn

            line = line_by_msisdn(session, msisdn)
            credit = session.scalar(
                select(Bucket.remaining).where(
                    Bucket.line_id == line.id, Bucket.service == "credit"
                )
            )
            topped = session.scalar(
                select(func.coalesce(func.sum(Topup.amount_cents), 0)).where(
                    Topup.line_id == line.id
                )
            )
            spent = session.scalar(
                select(func.coalesce(func.sum(UsageRecord.credit_cents), 0)).where(
                    UsageRecord.line_id == line.id
                )
            )
            fees = session.scalar(
                select(func.coalesce(func.sum(LedgerEntry.delta), 0)).where(
                    LedgerEntry.line_id == line.id, LedgerEntry.kind == "fee"
                )
            )
            initial = 300 if line.plan_code == "BASE" else 1000
            assert credit is not None and credit >= 0
            # money in minus money out, each from its own table, is exactly the credit
            assert credit == initial + topped - spent + fees
        # each shared event id was rated once, each shared reference applied once
        events = session.scalars(select(UsageRecord.event_id)).all()
        assert len(events) == len(set(events))
        assert any(e.startswith("shared-") for e in events)
        refs = session.scalars(select(Topup.ref)).all()
        assert len(refs) == len(set(refs)) and refs
        # options were added (and removed) under the charges
        assert session.scalar(select(func.count()).select_from(LineOption))
        entries = session.scalar(
            select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == "charge")
        )
        assert entries is not None and entries > 0
