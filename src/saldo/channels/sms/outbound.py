"""The outbox pump of ``saldo smpp``: every due SMS, after commit, at most once.

Replies to inbound SMS arrive already claimed (by the transaction that wrote them) and go out
at once. Every other due SMS (alerts, codes, retries) is claimed from the outbox here, so that
no other process sends it. Each goes through the bind (its parts in order), or through the
HTTP gateway while unbound when one is configured; the outcomes are written in batches: sent
(with the SMSC's id of every part, for the receipts), or failed for this attempt (the outbox
retries it with backoff). Nothing is claimed while there is no way out, so an SMSC outage
spends no attempts.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

import structlog

from saldo.channels.sms import repository
from saldo.channels.sms.repository import Claimed
from saldo.channels.sms.segments import split
from saldo.channels.sms.session import SmppSession
from saldo.db import is_sqlite
from saldo.notifications import service as outbox
from saldo.notifications.service import Transport
from saldo.runtime import Runtime

log = structlog.get_logger(__name__)
T = TypeVar("T")


class Database:
    """Runs the synchronous database work of the channel.

    SQLite: in the event loop's own thread. Its statements take microseconds; what costs is
    Python, which holds the GIL anyway, and a worker thread would only make the loop wait for
    the GIL after each socket call. PostgreSQL: on a few threads, so that the waits for the
    server (a commit's fsync above all) overlap with other messages' work.
    """

    def __init__(self, rt: Runtime) -> None:
        self._pool: ThreadPoolExecutor | None = None
        if not is_sqlite(rt.settings.database_url):
            self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="saldo-db")

    async def run(self, work: Callable[[], T]) -> T:
        if self._pool is None:
            return work()
        return await asyncio.get_running_loop().run_in_executor(self._pool, work)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)


@dataclass(slots=True)
class _Result:
    message: Claimed
    smsc_ids: list[str] | None = None
    external_id: str | None = None
    error: str | None = None


class OutboxPump:
    def __init__(
        self,
        rt: Runtime,
        db: Database,
        session: SmppSession,
        *,
        http: Transport | None,
        default_sender: Callable[[], str],
        poll_seconds: float = 1.0,
        coalesce_seconds: float = 0.005,
        record_seconds: float = 0.02,
    ) -> None:
        self.rt = rt
        self.db = db
        self.session = session
        self.http = http
        self.default_sender = default_sender
        self.poll_seconds = poll_seconds
        self.coalesce_seconds = coalesce_seconds
        self.record_seconds = record_seconds
        """Outcomes are written at most this often: the SMS is out already, only the
        outbox's status waits, and one transaction for many costs far less."""
        self.max_in_flight = max(10, 2 * rt.settings.smpp.window)
        self._wake = asyncio.Event()
        self._recorded = asyncio.Event()
        self._sending: set[asyncio.Task[None]] = set()
        self._results: list[_Result] = []
        self._stopping = False

    def wake(self) -> None:
        """Something was committed to the outbox: look now rather than at the next poll."""
        self._wake.set()

    def send_now(self, message: Claimed) -> None:
        """Send a message this process already claimed (a reply claimed as it was written)."""
        self._start(message, via_smpp=True)

    def _start(self, message: Claimed, *, via_smpp: bool) -> None:
        task = asyncio.create_task(self._send(message, via_smpp))
        self._sending.add(task)
        task.add_done_callback(self._sent)

    async def run(self) -> None:
        recorder = asyncio.create_task(self._record_forever())
        try:
            loop = asyncio.get_running_loop()
            last = 0.0
            while not self._stopping:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
                # under load, claim at most every ``coalesce_seconds``: one claim for several
                # replies costs far less than one each, and adds at most that much latency
                if (pause := last + self.coalesce_seconds - loop.time()) > 0:
                    await asyncio.sleep(pause)
                self._wake.clear()
                last = loop.time()
                await self._pump()
        finally:
            self._stopping = True
            if self._sending:
                await asyncio.gather(*self._sending, return_exceptions=True)
            self._recorded.set()
            await recorder  # writes what is left, then ends

    async def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def _pump(self) -> None:
        while not self._stopping:
            room = self.max_in_flight - len(self._sending)
            via_smpp = self.session.bound.is_set()
            if room <= 0 or not (via_smpp or self.http is not None):
                return
            batch = await self.db.run(partial(self._claim, room))
            for message in batch:
                self._start(message, via_smpp=via_smpp)
            if len(batch) < room:
                return

    def _sent(self, task: asyncio.Task[None]) -> None:
        self._sending.discard(task)
        self._wake.set()  # room again: claim more if more are due

    def _claim(self, limit: int) -> list[Claimed]:
        with self.rt.transaction() as session:
            due = outbox.claim_due(session, now=self.rt.clock.now(), limit=limit, channel="sms")
            return [Claimed.of(m) for m in due]

    async def _send(self, message: Claimed, via_smpp: bool) -> None:
        result = _Result(message)
        sender = message.sender or self.default_sender()
        try:
            if via_smpp:
                result.smsc_ids = []
                for segment in split(message.body, ref=message.id & 0xFF):
                    smsc_id = await self.session.submit(
                        source=sender,
                        destination=message.recipient,
                        segment=segment,
                        text=message.body,
                    )
                    result.smsc_ids.append(smsc_id)
            else:
                assert self.http is not None
                result.external_id = await asyncio.to_thread(
                    self.http.send, sender=sender, recipient=message.recipient, body=message.body
                )
        except Exception as exc:
            result.smsc_ids = None
            result.error = f"{type(exc).__name__}: {exc}"
            log.warning("sms.send_failed", id=message.id, error=result.error)
        self._results.append(result)
        self._recorded.set()

    async def _record_forever(self) -> None:
        """The only writer of outcomes: several finished sends go in one transaction."""
        loop = asyncio.get_running_loop()
        last = 0.0
        while True:
            await self._recorded.wait()
            if not self._stopping and (pause := last + self.record_seconds - loop.time()) > 0:
                await asyncio.sleep(pause)
            self._recorded.clear()
            last = loop.time()
            await self._flush()
            if self._stopping and not self._sending and not self._results:
                return

    async def _flush(self) -> None:
        failures = 0
        while self._results:
            results, self._results = self._results, []
            try:
                await self.db.run(partial(self._write, results))
            except Exception as exc:  # kept, and written once the database is back
                failures += 1
                log.error("sms.record_failed", error=repr(exc), pending=len(results))
                self._results[:0] = results
                if self._stopping and failures >= 3:
                    return  # left "sending": never sent twice, as the outbox promises
                await asyncio.sleep(1.0)

    def _write(self, results: list[_Result]) -> None:
        now = self.rt.clock.now()
        with self.rt.transaction() as session:
            sent = [(r.message.id, r.smsc_ids) for r in results if r.smsc_ids is not None]
            repository.record_sent(session, sent=sent, now=now)
            for r in results:
                m = r.message
                if r.error is not None:
                    outbox.mark_failed(
                        session, message_id=m.id, attempts=m.attempts, error=r.error, now=now
                    )
                elif r.smsc_ids is None:
                    outbox.mark_sent(session, message_id=m.id, external_id=r.external_id, now=now)
