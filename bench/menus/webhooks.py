"""One webhook step (TwiML and USSD) under 50 concurrent calls: p95 <= 20 ms server time.

A real uvicorn server on loopback, in a process of its own (``bench.menus._server``), serves
the app; this process plays 50 calls at once with httpx, each signing its requests as Twilio
does. "Server time" is what the server reports in ``Server-Timing``: from the request
reaching the application to the end of the response, waiting for a worker thread included.

Two loads: "calls" — 50 calls in progress at once, each caller taking 1-3 s between keys (a
real caller listens to a prompt for 5-20 s first, so this is already several times the step
rate of 50 real calls): the target applies here; and "flood" — the same 50 with no pause at
all, every caller firing its next step the moment the last answer arrives: the ceiling.

The server process is given the URL of the database this benchmark prepared (a database of
its own, ``harness.Database.url``), never the one it was pointed at.

Run: .venv/bin/python -m bench.menus.webhooks [--calls 50] [--rounds 2] [--think 3]
[--only sqlite|postgresql] [--pg URL] [--smoke]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import html
import os
import random
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from twilio.request_validator import RequestValidator

from bench import harness
from bench.core.common import clone_lines, fresh_runtime, percentiles
from bench.harness import ROOT
from bench.menus._server import GATEWAY, TOKEN

FAILURES = ("error", "unknown_caller")  # prompts that say a step went wrong
KEYS = ["1", "3", "*", "2", "7", "0", "1"]  # details, offer, repeat, SMS, invalid, English…
USSD = ["", "9", "2"]  # root, an invalid choice, the consumption screen


@dataclass
class Samples:
    server: dict[str, list[float]] = field(default_factory=lambda: {"twiml": [], "ussd": []})
    client: dict[str, list[float]] = field(default_factory=lambda: {"twiml": [], "ussd": []})
    errors: int = 0


async def _post(
    client: httpx.AsyncClient, kind: str, url: str, data: dict[str, str], headers: dict[str, str],
    samples: Samples, auth: tuple[str, str] | None = None,
) -> httpx.Response:  # fmt: skip
    started = time.perf_counter()
    if auth is not None:
        response = await client.post(url, data=data, headers=headers, auth=auth)
    else:
        response = await client.post(url, data=data, headers=headers)
    samples.client[kind].append(time.perf_counter() - started)
    if response.status_code != 200 or _failed(kind, data, html.unescape(response.text)):
        samples.errors += 1
    timing = response.headers.get("server-timing", "dur=0").split("dur=")[1]
    samples.server[kind].append(float(timing) / 1000)
    return response


@functools.cache
def _failure_texts() -> tuple[str, ...]:
    """What the IVR says when a step failed or the caller is not a line of this database."""
    from bench.saldo_api import PromptContext, render_prompts

    ctx = PromptContext(operator="")
    return tuple(
        text for lang in ("it", "en") for _, text in render_prompts(FAILURES, lang, ctx) if text
    )


def _failed(kind: str, data: dict[str, str], body: str) -> bool:
    """An answer given with status 200 that is still a failure: a webhook answers the caller
    even when the database fails (an apology and the end of the call or session)."""
    if kind == "twiml":
        return any(text in body for text in _failure_texts())
    return data["text"] == "" and not body.startswith("CON ")  # a line's USSD menu goes on


async def _call(
    client: httpx.AsyncClient, base: str, caller: str, sid: str, pause: tuple[float, float],
    rnd: random.Random, samples: Samples,
) -> None:  # fmt: skip
    validator = RequestValidator(TOKEN)
    params = {"CallSid": sid, "From": caller, "To": "4242", "AccountSid": "AC" + "0" * 32}
    url = f"{base}/channels/ivr/twilio/voice"
    for step, key in enumerate([None, *KEYS]):
        data = params if key is None else {**params, "Digits": key}
        signature = validator.compute_signature(url, data)
        await _post(client, "twiml", url, data, {"X-Twilio-Signature": signature}, samples)
        url = f"{base}/channels/ivr/twilio/gather?step={step}"
        if pause[1]:
            await asyncio.sleep(rnd.uniform(*pause))


async def _ussd(
    client: httpx.AsyncClient, base: str, caller: str, sid: str, pause: tuple[float, float],
    rnd: random.Random, samples: Samples,
) -> None:  # fmt: skip
    inputs: list[str] = []
    for choice in USSD:
        if choice:
            inputs.append(choice)
        data = {"sessionId": sid, "serviceCode": "*133#", "phoneNumber": caller,
                "text": "*".join(inputs)}  # fmt: skip
        await _post(client, "ussd", f"{base}/channels/ussd", data, {}, samples, GATEWAY)
        if pause[1]:
            await asyncio.sleep(rnd.uniform(*pause))


async def _load(
    base: str, numbers: list[str], *, calls: int, rounds: int, pause: tuple[float, float],
    tag: str,
) -> Samples:  # fmt: skip
    samples = Samples()
    # idle connections are dropped before uvicorn's 5 s keep-alive closes them under us
    limits = httpx.Limits(
        max_connections=calls * 2, max_keepalive_connections=calls * 2, keepalive_expiry=2.0
    )
    # no Nagle: headers and body leave at once, as from a telephony provider's HTTP client
    transport = httpx.AsyncHTTPTransport(
        limits=limits, socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
    )
    async with httpx.AsyncClient(transport=transport, timeout=60) as client:

        async def caller(n: int) -> None:
            rnd = random.Random(n)
            if pause[1]:  # calls arrive spread out, not all in the same millisecond
                await asyncio.sleep(rnd.uniform(0, pause[1]))
            for r in range(rounds):
                number = numbers[(n * rounds + r) % len(numbers)]
                await _call(client, base, number, f"CA{tag}{n:04d}{r:04d}", pause, rnd, samples)
                await _ussd(client, base, number, f"U{tag}{n:04d}{r:04d}", pause, rnd, samples)

        await asyncio.gather(*(caller(n) for n in range(calls)))
    return samples


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux): robust to a busy shared machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _report(
    record: harness.Record, db: harness.Database, load: str, samples: Samples, elapsed: float,
    cpu: float,
) -> None:  # fmt: skip
    total = sum(len(v) for v in samples.server.values())
    for kind in ("twiml", "ussd"):
        server, client = percentiles(samples.server[kind]), percentiles(samples.client[kind])
        print(
            f"{db.label} {load:5} {kind:5}: server p50 {server['p50']:6.2f} ms, "
            f"p95 {server['p95']:6.2f} ms (target p95 <= 20 ms) | round trip p50 "
            f"{client['p50']:6.2f} ms, p95 {client['p95']:6.2f} ms | "
            f"{len(samples.server[kind])} steps"
        )
        if load == "calls":
            name = "TwiML" if kind == "twiml" else "USSD"
            record.figure(db, f"{name} step, server p95", server["p95"], "ms", target=("<=", 20))
    print(
        f"{db.label} {load:5} total: {total / elapsed:.0f} steps/s, server CPU "
        f"{cpu / total * 1000:.2f} ms a step, load average {os.getloadavg()[0]:.1f}, "
        f"{samples.errors} errors"
    )
    if load == "calls":
        record.figure(db, "webhook step, server CPU", cpu / total * 1000, "ms")
    else:
        record.figure(db, "webhook steps with no pause (flood)", total / elapsed, "steps/s")
    record.error(db, f"webhook steps failed: not 200, or an apology ({load})", samples.errors)


def start_server(url: str) -> tuple[subprocess.Popen[str], str]:
    """``bench.menus._server`` on ``url``, and its base URL once it listens."""
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.menus._server", "--url", url],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    port = server.stdout.readline().strip()
    if not port.isdigit():
        server.kill()
        raise RuntimeError(f"the webhook server did not start (exit {server.wait()})")
    return server, f"http://127.0.0.1:{port}"


def run(
    record: harness.Record, db: harness.Database, *, calls: int, rounds: int, lines: int,
    think: float,
) -> None:  # fmt: skip
    rt = fresh_runtime(db.url)
    numbers = clone_lines(rt, count=lines)
    rt.engine.dispose()
    server, base = start_server(db.url)
    try:
        asyncio.run(_load(base, numbers, calls=calls, rounds=1, pause=(0, 0), tag="w"))
        for load, pause in (("calls", (think / 3, think)), ("flood", (0.0, 0.0))):
            started, cpu = time.perf_counter(), _cpu_seconds(server.pid)
            samples = asyncio.run(
                _load(base, numbers, calls=calls, rounds=rounds, pause=pause, tag=load[0])
            )
            elapsed, cpu = time.perf_counter() - started, _cpu_seconds(server.pid) - cpu
            _report(record, db, load, samples, elapsed, cpu)
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2, help="calls each caller makes")
    parser.add_argument("--lines", type=int, default=2_000)
    parser.add_argument("--think", type=float, default=3.0, help="most seconds between keys")
    args = harness.parse(parser, smoke={"calls": 4, "rounds": 1, "lines": 40, "think": 0.15})
    print(f"{args.calls} concurrent calls, {os.cpu_count()} CPUs, one uvicorn worker")
    with harness.Record("menus.webhooks", args) as record:
        for db in record.databases():
            run(
                record, db, calls=args.calls, rounds=args.rounds, lines=args.lines,
                think=args.think,
            )  # fmt: skip


if __name__ == "__main__":
    main()
