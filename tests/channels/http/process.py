"""``saldo`` as an operator runs it: a real subprocess, and ``saldo serve`` on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

KEY = "k3y-" + "x" * 40
"""A secret key ``saldo serve`` accepts (what an operator generates)."""


def environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALDO_")}
    env.update(
        SALDO_DATABASE_URL=f"sqlite:///{tmp_path / 'serve.db'}",
        SALDO_LANG="en",
        SALDO_LOG_LEVEL="WARNING",
    )
    env.update(settings)
    return env


def saldo(tmp_path: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "saldo.cli", *args],
        env=environment(tmp_path, **settings),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(tmp_path: Path, *args: str, **settings: str) -> Iterator[tuple[int, int]]:
    """``saldo serve ARGS`` until it answers /healthz; yields (pid, port), then stops it."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "saldo.cli", "serve", "--port", str(port), *args],
        env=environment(tmp_path, **settings),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 240  # a loaded CI machine migrates slowly
        while True:
            if process.poll() is not None:
                output = process.stdout.read() if process.stdout else ""
                raise AssertionError(f"saldo serve exited {process.returncode}: {output}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "saldo serve did not start"
            time.sleep(0.1)
        yield process.pid, port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


def rss_kib(pid: int) -> int:
    """The resident memory of process ``pid`` (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")
