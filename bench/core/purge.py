"""The worker's purge of a backlog: how long the first pass takes after an upgrade, when a
year of SMS received lies past retention.

Rows are written in bulk, all past retention, then one ``worker.purge`` deletes them in its
batches (each a transaction). No target: the figure tells an operator what the first pass
costs on a table of this size.

Run: .venv/bin/python -m bench.core.purge [--rows 1000000]
"""

from __future__ import annotations

import argparse
import time
from datetime import timedelta

from sqlalchemy import insert

from bench.core.common import OUT, add_pg_option, fresh_runtime, machine_speed
from saldo.channels.sms.models import SmsInbound
from saldo.db import table
from saldo.worker import purge


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    add_pg_option(parser)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    inbound = table(SmsInbound)
    for name, url in (("sqlite", f"sqlite:///{OUT / 'bench-purge.db'}"), ("postgresql", args.pg)):
        rt = fresh_runtime(url)
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
            f"{name}: purged {deleted:,} SMS received in {elapsed:.1f} s ="
            f" {deleted / elapsed:,.0f} rows/s; machine {machine_speed()}"
        )
        rt.engine.dispose()


if __name__ == "__main__":
    main()
