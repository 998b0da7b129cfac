"""The business area with 1,000 lines in one company, 20 users at once.

- server time p95 of ``GET /api/v1/business/lines?limit=50``: target ≤ 50 ms;
- server time p95 of the dashboard page (``GET /business/lines``, 25 lines a page): target
  ≤ 50 ms.

``Server-Timing`` measured inside the server (queueing included), the real app under uvicorn in
a process of its own, given the URL of the database this benchmark prepared; the load comes
from another process (``bench.web.app_load``'s keep-alive client). Each user asks for another
page of the table (offsets spread over the 1,000 lines). SQLite, and PostgreSQL when it answers.

    .venv/bin/python -m bench.business.lines [--lines 1000] [--seconds 12] [--rounds 4]
    [--users 20] [--only sqlite|postgresql] [--pg URL] [--smoke]
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta

from bench import harness
from bench.core.common import fresh_runtime
from bench.web.app_load import Result, load, pct, request, start_server
from saldo.accounts.models import BusinessUser, CompanyAccount
from saldo.identity.schemas import BUSINESS_USER, Principal
from saldo.identity.service import open_principal_session
from saldo.kit.origin import CLI
from saldo.lines.service import add_line

VAT = "01234560017"


def prepare(url: str, lines: int, users: int) -> list[tuple[str, str]]:
    """``lines`` business lines of one company, ``users`` managers signed in (api, browser)."""
    rt = fresh_runtime(url)
    clock = rt.clock
    for start in range(0, lines, 500):
        with rt.transaction() as session:
            for i in range(start, min(start + 500, lines)):
                add_line(
                    session, msisdn=f"+39348{i:07d}", plan_code="BUSINESS100", credit_cents=4000,
                    vat_number=VAT, clock=clock, origin=CLI,
                )  # fmt: skip
    sessions = []
    with rt.transaction() as session:
        from saldo.accounts.repository import first_business_customer

        customer = first_business_customer(session, VAT)
        assert customer is not None
        account = CompanyAccount(
            customer_id=customer, vat_number=VAT, name="Bench Srl", created_at=clock.now()
        )
        session.add(account)
        session.flush()
        for n in range(users):
            user = BusinessUser(
                account_id=account.id, email=f"u{n}@bench.example", role="manager",
                status="active", totp_enabled=False, created_at=clock.now(),
            )  # fmt: skip
            session.add(user)
            session.flush()
            principal = Principal(BUSINESS_USER, user.id)
            life = timedelta(days=1)
            api = open_principal_session(
                session, principal=principal, kind="api", now=clock.now(), lifetime=life
            )
            browser = open_principal_session(
                session, principal=principal, kind="browser", now=clock.now(), lifetime=life
            )
            sessions.append((api, browser))
    rt.engine.dispose()
    return sessions


def run(record: harness.Record, db: harness.Database, args: argparse.Namespace) -> None:
    sessions = prepare(db.url, args.lines, args.users)
    process, port = start_server(db.url)
    pages = max(1, args.lines // 50)
    try:
        scenarios = {
            "GET /api/v1/business/lines?limit=50": [
                request(
                    f"/api/v1/business/lines?limit=50&offset={(n % pages) * 50}",
                    f"Authorization: Bearer {api}",
                )
                for n, (api, _) in enumerate(sessions)
            ],
            "GET /business/lines (dashboard)": [
                request(
                    f"/business/lines?page={n % (pages * 2) + 1}", f"Cookie: saldo_business={c}"
                )
                for n, (_, c) in enumerate(sessions)
            ],
        }
        results = {name: Result(name) for name in scenarios}
        for _ in range(args.rounds):
            for name, reqs in scenarios.items():
                results[name].add(asyncio.run(load(port, name, reqs, args.seconds / args.rounds)))
    finally:
        process.terminate()
        process.wait(timeout=20)
    print(
        f"\n[{db.label}] {args.lines} lines in one company, {args.users} concurrent users, "
        f"{args.seconds:g} s each in {args.rounds} rounds; {harness.machine()}"
    )
    for r in results.values():
        p95 = pct(r.server_ms, 95)
        print(
            f"  {r.name}: {r.throughput:.0f} req/s, server p50 {pct(r.server_ms, 50):.1f} ms, "
            f"p95 {p95:.1f} ms (target ≤ 50 ms) {'ok' if p95 <= 50 else 'MISSED'}; client p95 "
            f"{pct(r.client_ms, 95):.1f} ms; errors {r.errors}"
        )
        record.error(db, f"{r.name}: answers other than 200", r.errors)
        record.figure(db, f"{r.name.split(' (')[0]}, server p95", p95, "ms", target=("<=", 50))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=12, help="each scenario, all rounds")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--users", type=int, default=20)
    args = harness.parse(parser, smoke={"lines": 60, "seconds": 1, "rounds": 1, "users": 4})
    with harness.Record("business.lines", args) as record:
        for db in record.databases():
            run(record, db, args)


if __name__ == "__main__":
    main()
