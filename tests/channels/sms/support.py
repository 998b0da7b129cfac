"""Test support for the SMPP channel: the SMSC peer process, a relay that can slip raw bytes
into the bind, and Saldo's channel running against them."""

from __future__ import annotations

import asyncio
import itertools
import json
import struct
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

from pydantic import SecretStr

from saldo.channels.sms.service import SmppChannel
from saldo.config import SmppSettings
from saldo.runtime import Runtime

PEER_SCRIPT = Path(__file__).with_name("smsc_peer.py")
T = TypeVar("T")

# GSM 03.38 (3GPP TS 23.038) codes of the non-ASCII characters Saldo's texts use, from the table
GSM_CODES = {"€": "\x1be", "è": "\x04", "é": "\x05", "ù": "\x06", "ì": "\x07", "ò": "\x08"}


def gsm(text: str) -> bytes:
    """The GSM 03.38 bytes of a reply, written out by hand (not with the code under test)."""
    return "".join(GSM_CODES.get(c, c) for c in text).encode("ascii")


def run(coro: Coroutine[Any, Any, T], *, timeout: float = 60.0) -> T:
    """Run one test scenario in a fresh event loop, never longer than ``timeout``."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


class SmscPeer:
    """The SMSC process (``smsc_peer.py``, the smpp34 server) and its event stream."""

    def __init__(self, process: asyncio.subprocess.Process, port: int) -> None:
        self.process = process
        self.port = port
        self.events: list[dict[str, Any]] = []
        self._changed = asyncio.Event()
        self._refs = itertools.count(1)
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(cls, port: int = 0) -> SmscPeer:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(PEER_SCRIPT),
            "--port",
            str(port),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=2**24,  # a benchmark's report is one long line
        )
        assert process.stdout is not None
        first = json.loads(await asyncio.wait_for(process.stdout.readline(), 20))
        assert first["ev"] == "listening", first
        return cls(process, int(first["port"]))

    async def _read(self) -> None:
        assert self.process.stdout is not None
        while line := await self.process.stdout.readline():
            self.events.append(json.loads(line))
            self._changed.set()

    async def send(self, op: str, **command: Any) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps({"op": op, **command}) + "\n").encode())
        await self.process.stdin.drain()

    async def expect(self, kind: str, *, timeout: float = 10.0, **match: Any) -> dict[str, Any]:
        """The next unconsumed event of ``kind`` whose fields match; waits for it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for index, event in enumerate(self.events):
                if event["ev"] == kind and all(event.get(k) == v for k, v in match.items()):
                    del self.events[index]
                    return event
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = [e["ev"] for e in self.events[-20:]]
                raise AssertionError(f"no {kind} {match} in {timeout}s; last events: {recent}")
            self._changed.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    def unconsumed(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["ev"] == kind]

    async def mo(self, sender: str, text: str = "", **options: Any) -> int:
        """Send one deliver_sm from ``sender``; the command_status Saldo answered with."""
        ref = next(self._refs)
        await self.send("mo", ref=ref, **{"from": sender, "text": text, **options})
        return int((await self.expect("mo_resp", ref=ref))["status"])

    async def kill(self) -> None:
        """The SMSC dies at once (SIGKILL): no unbind, connections reset."""
        if self.process.returncode is None:
            self.process.kill()
        await self.process.wait()
        if self.process.stdin is not None:
            self.process.stdin.close()
        self._reader.cancel()
        await asyncio.gather(self._reader, return_exceptions=True)

    async def stop(self) -> None:
        if self.process.returncode is None:
            try:
                await self.send("stop")
                await asyncio.wait_for(self.process.wait(), 5)
            except (TimeoutError, ConnectionError):
                pass
        await self.kill()


class Relay:
    """A TCP relay between Saldo and the SMSC. ``inject`` writes raw bytes to Saldo; Saldo's
    answers to injected sequence numbers are kept in ``answers`` instead of forwarded."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.connections = 0
        self.injected: set[int] = set()
        self.answers: list[tuple[int, int, int]] = []  # command_id, command_status, sequence
        self.seen: list[int] = []
        """command_id of every PDU Saldo sent through the relay."""
        self._client: asyncio.StreamWriter | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> Relay:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        self._client = writer
        for pump in (self._to_smsc(reader, up_writer), self._copy(up_reader, writer)):
            task = asyncio.create_task(pump)
            self._tasks.add(task)

    async def _copy(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _to_smsc(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readexactly(16)
                length, command_id, status, sequence = struct.unpack("!IIII", head)
                body = await reader.readexactly(length - 16)
                self.seen.append(command_id)
                if sequence in self.injected and command_id & 0x80000000:
                    self.answers.append((command_id, status, sequence))
                    continue
                writer.write(head + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def inject(self, raw: bytes) -> None:
        assert self._client is not None, "nobody connected through the relay"
        self.injected.add(struct.unpack("!I", raw[12:16])[0])
        self._client.write(raw)
        await self._client.drain()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()


def bind_to(rt: Runtime, port: int, **overrides: Any) -> None:
    """Point ``rt``'s SMPP settings at a test SMSC, with quick rebinds."""
    values: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "system_id": "saldo",
        "password": SecretStr("secret"),
        "reconnect_min_seconds": 0.05,
        "reconnect_max_seconds": 0.4,
        "response_timeout_seconds": 3.0,
        **overrides,
    }
    rt.settings = rt.settings.model_copy(update={"smpp": SmppSettings(**values)})


@asynccontextmanager
async def running(rt: Runtime, **kwargs: Any) -> AsyncIterator[SmppChannel]:
    """Saldo's ``saldo smpp`` channel, bound before the body runs, stopped after it."""
    channel = SmppChannel(rt, **kwargs)
    task = asyncio.create_task(channel.run())
    try:
        await asyncio.wait_for(channel.session.bound.wait(), 10)
        yield channel
    finally:
        await channel.stop()
        await asyncio.wait_for(task, 15)


async def eventually(check: Callable[[], Awaitable[bool]], *, timeout: float = 10.0) -> None:
    """Wait until ``check()`` holds (polled); fail the test if it never does."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)
