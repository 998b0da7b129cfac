"""The monthly bill run: invoices per second over many postpaid accounts, each with a month of
charges, every FatturaPA built and validated against the official schema before it is stored;
then courtesy PDFs (WeasyPrint) of a sample of those invoices; and the process's peak memory.

Accounts are made in bulk as the services make them (a customer with its invoice data, a
postpaid line, its billing account, 30 charges: plan fee, TCG, 28 out-of-bundle traffic
charges). The clock stands on the 1st of the month after, as the worker's run does.

Targets: at least 200 invoices/s with XML and validation, at least 20/s with PDF.

Run: .venv/bin/python -m bench.billing.bill_run [--accounts 10000] [--pdfs 200] [--only …] [--smoke]
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from datetime import datetime

from sqlalchemy import func, insert, select, text

from bench import harness
from bench.core.common import START, fresh_runtime
from bench.saldo_api import (
    BillableCharge,
    BilledLine,
    BillingAccount,
    Customer,
    Document,
    Invoice,
    Line,
    add_line,
    courtesy_copies,
    render_pdf,
    run_bills,
)
from saldo.db import table
from saldo.kit.clock import ROME
from saldo.kit.origin import CLI
from saldo.runtime import Runtime

CHARGES = 30
RUN_AT = datetime(2026, 12, 1, 3, 0, tzinfo=ROME)
SERVICES = ("voice", "sms", "data", "voice")
PLAN = "BUSINESSPRO"
PIVA = "01234560017"


def make_accounts(rt: Runtime, count: int) -> None:
    """``count`` business customers with one postpaid line each, copied from one made by the
    service, and ``CHARGES`` charges per line in November."""
    with rt.transaction() as session:
        template = add_line(session, msisdn="+393400000000", plan_code=PLAN, vat_number=PIVA,
                            name="Rossi Impianti S.r.l.", postpaid=True, clock=rt.clock, origin=CLI)  # fmt: skip
        line_row = (
            session.execute(select(table(Line)).where(table(Line).c.id == template.id))
            .one()
            ._asdict()
        )
        customer_row = (
            session.execute(
                select(table(Customer)).where(table(Customer).c.id == template.customer_id)
            )
            .one()
            ._asdict()
        )
    data = {"address": "Via Dante 7", "zip": "20121", "city": "Milano", "province": "MI", "country": "IT",
            "email": "conti@rossi.example", "pec": "fatture@pec.rossi.example"}  # fmt: skip
    customer_row.update(data)
    with rt.transaction() as session:
        session.execute(
            table(Customer)
            .update()
            .where(table(Customer).c.id == template.customer_id)
            .values(**data)
        )
    customer_row.pop("id")
    line_row.pop("id")
    batch = 1000
    for start in range(1, count, batch):
        stop = min(start + batch, count)
        with rt.transaction() as session:
            ids = session.execute(insert(table(Customer)).returning(table(Customer).c.id),
                                  [dict(customer_row) for _ in range(start, stop)]).scalars().all()  # fmt: skip
            numbers = [f"+39340{n:07d}" for n in range(start, stop)]
            lines = session.execute(
                insert(table(Line)).returning(table(Line).c.id),
                [{**line_row, "msisdn": m, "customer_id": c} for m, c in zip(numbers, ids, strict=True)],
            ).scalars().all()  # fmt: skip
            accounts = session.execute(
                insert(table(BillingAccount)).returning(table(BillingAccount).c.id),
                [{"customer_id": c, "created_at": START} for c in ids],
            ).scalars().all()  # fmt: skip
            session.execute(insert(table(BilledLine)), [
                {"line_id": line, "account_id": a, "msisdn": m, "opened_at": START}
                for line, a, m in zip(lines, accounts, numbers, strict=True)
            ])  # fmt: skip
            charges = []
            for line in lines:
                charges.append({"line_id": line, "kind": "plan_fee", "net_cents": 2499, "vat_rate_bp": 2200,
                                "code": PLAN, "service": None, "zone": None, "occurred_at": START,
                                "reference": f"fee:b:{line}"})  # fmt: skip
                for k in range(CHARGES - 2):
                    charges.append({"line_id": line, "kind": "usage", "net_cents": 7 + k % 13,
                                    "vat_rate_bp": 2200, "code": None, "service": SERVICES[k % 4], "zone": "national",
                                    "occurred_at": START, "reference": f"usage:b:{line}:{k}"})  # fmt: skip
            session.execute(insert(table(BillableCharge)), charges)
    if rt.engine.dialect.name == "postgresql":
        # a database in service has statistics (autovacuum); one loaded a second ago has none
        # yet, and the planner would scan the charges for every account
        with rt.engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--pdfs", type=int, default=200)
    args = harness.parse(parser, smoke={"accounts": 100, "pdfs": 5})
    with harness.Record("billing.bill_run", args) as record:
        for db in record.databases():
            rt = fresh_runtime(db.url)
            rt.settings.sepa_dir = str(harness.OUT / "sepa")
            make_accounts(rt, args.accounts)
            with rt.read() as session:
                stored = session.scalar(select(func.count()).select_from(table(BillableCharge)))
            print(f"{db.label}: {args.accounts:,} accounts, {stored:,} charges stored", flush=True)
            started = time.perf_counter()
            report = run_bills(rt, period="2026-11", now=RUN_AT)
            elapsed = time.perf_counter() - started
            issued = len(report.issued)
            print(f"{db.label}: {issued:,} invoices (XML validated) in {elapsed:.1f} s ="
                  f" {issued / elapsed:,.0f}/s", flush=True)  # fmt: skip
            record.figure(db, "bill run with XML and validation, invoices/s", issued / elapsed,
                          "invoices/s", target=(">=", 200))  # fmt: skip
            record.error(db, "accounts not invoiced", args.accounts - issued + len(report.errors))
            sample = report.issued[: args.pdfs]
            started = time.perf_counter()
            for number in sample[: max(1, len(sample) // 4)]:  # one process, on a quarter
                with rt.read() as session:
                    row = session.execute(
                        select(Invoice.document, Invoice.xml, Invoice.file_name).where(
                            Invoice.number == number
                        )
                    ).one()
                render_pdf(Document.from_json(row[0]), xml=row[1].encode(), file_name=row[2])
            single = max(1, len(sample) // 4) / (time.perf_counter() - started)
            workers = os.cpu_count() or 1
            started = time.perf_counter()
            written = courtesy_copies(
                rt, numbers=sample, folder=harness.OUT / "pdf", workers=workers
            )
            pdf_elapsed = time.perf_counter() - started
            with_pdf = 1 / (elapsed / issued + pdf_elapsed / written)
            print(f"{db.label}: PDFs {single:,.1f}/s in one process; {written} by {workers} processes in"
                  f" {pdf_elapsed:.1f} s = {written / pdf_elapsed:,.1f}/s; with PDF {with_pdf:,.1f} invoices/s",
                  flush=True)  # fmt: skip
            record.figure(db, "courtesy PDFs in one process, PDFs/s", single, "PDFs/s")
            record.figure(db, f"bill run with XML, validation and PDF ({workers} processes), invoices/s",
                          with_pdf, "invoices/s", target=(">=", 20))  # fmt: skip
            record.error(db, "PDFs not written", len(sample) - written)
            again = run_bills(rt, period="2026-11", now=RUN_AT)
            record.error(db, "invoices issued twice by a second run", len(again.issued))
            # the process's high-water mark so far (this database's run and any before it)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{db.label}: peak memory {peak:,.0f} MB; machine {harness.machine()}")
            record.figure(db, "peak memory of the process (resident)", peak, "MB")
            rt.engine.dispose()


if __name__ == "__main__":
    main()
