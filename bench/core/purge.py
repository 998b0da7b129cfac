"""The worker's purge of a backlog: how long the first pass takes after an upgrade, when a
year of SMS received lies past retention.

Rows are written in bulk, all past retention, then one ``worker.purge`` deletes them in its
batches (each a transaction). No target: the figure tells an operator what the first pass
costs on a table of this size.

Run: .venv/bin/python -m bench.core.purge [--rows 1000000] [--only …] [--smoke]
"""

from __future__ import annotations

import argparse
import time
from datetime import timedelta

from sqlalchemy import insert

from bench import harness
from bench.core.common import fresh_runtime
from bench.saldo_api import SmsInbound, purge
from saldo.db import table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = harness.parse(parser, smoke={"rows": 5_000})
    inbound = table(SmsInbound)
    with harness.Record("core.purge", args) as record:
        for db in record.databases():
            rt = fresh_runtime(db.url)
            now = rt.clock.now()
            for start in range(0, args.rows, 10_000):
                rows = [
                    {
                        "ref": f"smpp:{n}",
                        "sender": "+393471234567",
                        "recipient": "4155",
                        "text": "SALDO",
                        "command": "summary",
                        "outcome": "replied",
                        "received_at": now,
                    }
                    for n in range(start, min(start + 10_000, args.rows))
                ]
                with rt.transaction() as session:
                    session.execute(insert(inbound), rows)
            later = now + timedelta(days=rt.settings.retention_days, seconds=1)
            started = time.perf_counter()
            deleted = purge(rt, now=later)
            elapsed = time.perf_counter() - started
            print(
                f"{db.label}: purged {deleted:,} SMS received in {elapsed:.1f} s ="
                f" {deleted / elapsed:,.0f} rows/s; machine {harness.machine()}"
            )
            record.figure(db, "purge of a backlog, rows/s", deleted / elapsed, "rows/s")
            record.error(
                db, "rows past retention left (or too many deleted)", abs(args.rows - deleted)
            )
            rt.engine.dispose()


if __name__ == "__main__":
    main()
