"""The customer app under 20 concurrent users.

- server time p95 of the dashboard (``GET /``) and of ``GET /api/v1/me/balance``: target
  ≤ 50 ms (``Server-Timing`` measured inside the server process, queueing included);
- the balance API's throughput next to a bare FastAPI endpoint's, same server, same run:
  target ≥ 50 %;
- the dashboard's page weight (HTML + the CSS, script and images it loads): target ≤ 150 KB.

The server is ``saldo``'s real app under uvicorn in a process of its own; the load comes from
another process through a minimal keep-alive HTTP/1.1 client, so that the client costs little
next to the server. SQLite, and PostgreSQL when it answers (``bench.harness``); the server
process is given the URL of the database this benchmark prepared.

    .venv/bin/python -m bench.web.app_load [--seconds 12] [--rounds 4] [--users 20]
    [--only sqlite|postgresql] [--pg URL] [--smoke]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from bench import harness
from bench.core.common import START, fresh_runtime
from bench.harness import ROOT
from bench.saldo_api import Line, UsageEvent, add_line, add_option, charge_usage, open_session
from saldo.kit.origin import CLI
from saldo.kit.quantities import MB

WARMUP = 0.5


@dataclass
class User:
    msisdn: str
    token: str
    cookie: str


def prepare(url: str, count: int) -> list[User]:
    """The empty database at ``url`` with ``count`` customers, each with usage, an option, and
    signed in twice."""
    rt = fresh_runtime(url)
    clock = rt.clock
    users = []
    with rt.transaction() as session:
        for n in range(count):
            msisdn = f"+39347{5_000_000 + n:07d}"
            add_line(
                session,
                msisdn=msisdn,
                plan_code="GIGA150",
                credit_cents=3000,
                clock=clock,
                origin=CLI,
            )
            add_option(session, msisdn=msisdn, option_code="GIGA_EXTRA_10", clock=clock, origin=CLI)
            for k in range(30):
                event = UsageEvent(
                    f"b-{n}-{k}",
                    msisdn,
                    "data",
                    "national",
                    clock.now() - timedelta(hours=k),
                    300 * MB + k,
                )
                charge_usage(session, event=event, now=clock.now(), sender="4155")
            line_id = session.scalar(select(Line.id).where(Line.msisdn == msisdn))
            assert line_id is not None
            life = timedelta(days=1)
            token = open_session(
                session, line_id=line_id, kind="api", now=clock.now(), lifetime=life
            )
            cookie = open_session(
                session, line_id=line_id, kind="browser", now=clock.now(), lifetime=life
            )
            users.append(User(msisdn, token, cookie))
    rt.engine.dispose()
    return users


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.web._server", url, str(port), START.isoformat()], cwd=ROOT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the benchmark server did not start")


class Connection:
    """One keep-alive HTTP/1.1 connection: GET, read the whole answer, keep going."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def get(self, request: bytes) -> tuple[int, dict[str, str], bytes]:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        return status, headers, body

    def close(self) -> None:
        self.writer.close()


def request(path: str, header: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{header}\r\n\r\n".encode()


@dataclass
class Result:
    name: str
    requests: int = 0
    errors: int = 0
    server_ms: list[float] = field(default_factory=list)
    client_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, other: Result) -> None:
        self.requests += other.requests
        self.errors += other.errors
        self.server_ms += other.server_ms
        self.client_ms += other.client_ms
        self.seconds += other.seconds

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


async def load(port: int, name: str, requests: list[bytes], seconds: float) -> Result:
    """One user per request, each on its own connection, asking again as soon as answered."""
    result = Result(name)
    connections = [await Connection.open(port) for _ in requests]
    start = time.perf_counter()
    measure_from = start + WARMUP
    stop = measure_from + seconds

    async def user(conn: Connection, raw: bytes) -> None:
        while (now := time.perf_counter()) < stop:
            status, headers, _ = await conn.get(raw)
            took = (time.perf_counter() - now) * 1000
            if now < measure_from:
                continue
            result.requests += 1
            if status != 200:
                result.errors += 1
            match = re.search(r"dur=([\d.]+)", headers.get("server-timing", ""))
            if match:
                result.server_ms.append(float(match.group(1)))
            result.client_ms.append(took)

    await asyncio.gather(*(user(c, r) for c, r in zip(connections, requests, strict=True)))
    result.seconds = time.perf_counter() - measure_from
    for conn in connections:
        conn.close()
    return result


async def page_weight(port: int, cookie: str) -> tuple[int, list[tuple[str, int]]]:
    """Bytes of the dashboard and of everything it loads (first visit, nothing cached)."""
    conn = await Connection.open(port)
    _, _, html = await conn.get(request("/", f"Cookie: saldo_session={cookie}"))
    parts = [("/", len(html))]
    refs = re.findall(rb'<(?:link|script|img)[^>]+(?:href|src)="(/[^"]+)"', html)
    for ref in dict.fromkeys(refs):
        path = ref.decode()
        _, _, body = await conn.get(request(path, "Accept: */*"))
        parts.append((path.split("?")[0], len(body)))
    conn.close()
    return sum(size for _, size in parts), parts


def run(record: harness.Record, db: harness.Database, args: argparse.Namespace) -> None:
    users = prepare(db.url, args.users)
    process, port = start_server(db.url)
    try:
        scenarios = {
            "bare FastAPI endpoint": [request("/bench/bare", "Accept: */*")] * len(users),
            "GET /api/v1/me/balance": [
                request("/api/v1/me/balance", f"Authorization: Bearer {u.token}") for u in users
            ],
            "GET / (dashboard)": [request("/", f"Cookie: saldo_session={u.cookie}") for u in users],
        }
        # interleaved rounds: the shared machine's noise falls on every scenario alike
        results = {name: Result(name) for name in scenarios}
        for _ in range(args.rounds):
            for name, reqs in scenarios.items():
                results[name].add(asyncio.run(load(port, name, reqs, args.seconds / args.rounds)))
        weight, parts = asyncio.run(page_weight(port, users[0].cookie))
    finally:
        process.terminate()
        process.wait(timeout=20)
    report(record, db, args, results, weight, parts)


def report(
    record: harness.Record, db: harness.Database, args: argparse.Namespace,
    results: dict[str, Result], weight: int, parts: list[tuple[str, int]],
) -> None:  # fmt: skip
    print(
        f"\n[{db.label}] {args.users} concurrent users, {args.seconds:g} s each in"
        f" {args.rounds} interleaved rounds, one uvicorn process; {harness.machine()}"
    )
    print(f"{'':26} {'req/s':>8} {'server p50':>11} {'server p95':>11} {'client p95':>11} errors")
    for r in results.values():
        print(
            f"{r.name:26} {r.throughput:8.0f} {pct(r.server_ms, 50):9.1f}ms "
            f"{pct(r.server_ms, 95):9.1f}ms {pct(r.client_ms, 95):9.1f}ms {r.errors:6d}"
        )
        record.error(db, f"{r.name}: answers other than 200", r.errors)
    bare = results["bare FastAPI endpoint"].throughput
    balance = results["GET /api/v1/me/balance"]
    dashboard = results["GET / (dashboard)"]
    for r in (balance, dashboard):
        p95 = pct(r.server_ms, 95)
        verdict = "ok" if p95 <= 50 else "MISSED"
        print(
            f"  {r.name}: server p95 {p95:.1f} ms (target ≤ 50 ms) {verdict}; "
            f"seen by the client p95 {pct(r.client_ms, 95):.1f} ms"
        )
        record.figure(db, f"{r.name.split(' (')[0]}, server p95", p95, "ms", target=("<=", 50))
    share = balance.throughput / bare * 100 if bare else 0.0
    print(
        f"  balance API throughput: {share:.0f}% of the bare endpoint "
        f"(target ≥ 50%) {'ok' if share >= 50 else 'MISSED'}"
    )
    record.figure(
        db,
        "GET /api/v1/me/balance, share of a bare endpoint (req/s)",
        share,
        "%",
        target=(">=", 50),
        peer=("bare endpoint", bare, "req/s"),
    )
    detail = ", ".join(f"{path} {size / 1024:.1f}" for path, size in parts)
    print(
        f"  dashboard page weight: {weight / 1024:.1f} KB (target ≤ 150 KB) "
        f"{'ok' if weight <= 150 * 1024 else 'MISSED'} [{detail}]"
    )
    record.figure(db, "dashboard page weight", weight / 1024, "KB", target=("<=", 150))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=12, help="each scenario, all rounds")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--users", type=int, default=20)
    args = harness.parse(parser, smoke={"seconds": 1, "rounds": 1, "users": 4})
    with harness.Record("web.app_load", args) as record:
        for db in record.databases():
            run(record, db, args)


if __name__ == "__main__":
    main()
