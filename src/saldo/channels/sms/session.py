"""The SMPP session: one transceiver bind to the SMSC, kept up.

Binds with the settings' credentials, sends enquire_link when the line is quiet, rebinds with
exponential backoff when the SMSC goes away, keeps at most ``window`` submit_sm waiting for
their response and sends at most ``throughput`` per second.
"""

from __future__ import annotations

import asyncio
import itertools
import math
from typing import Any

import structlog
from aiosmpplib import (
    NPI,
    TON,
    AbstractBroker,
    AbstractHook,
    BindMode,
    GenericNack,
    PduHeader,
    PhoneNumber,
    SmppCommandStatus,
    SmppMessage,
    SubmitSm,
    SubmitSmResp,
)
from aiosmpplib.retrytimer import SimpleExponentialBackoff

from saldo.channels.sms.esme import (
    DeliverCallback,
    HardenedEsme,
    LogBridge,
    Reassembler,
    TokenBucket,
)
from saldo.channels.sms.segments import DATA_CODING_UCS2, Segment
from saldo.config import SmppSettings
from saldo.kit.validators import is_digits

log = structlog.get_logger(__name__)


class NotBound(ConnectionError):
    """No bind to the SMSC right now."""


class SubmitRejected(Exception):
    """The SMSC answered a submit_sm with an error status."""

    def __init__(self, status: int) -> None:
        super().__init__(f"submit_sm rejected: command_status {status:#010x}")
        self.status = status


class _Broker(AbstractBroker):  # type: ignore[misc]
    """submit_sm waiting to be written; one whose sender gave up (timeout, lost bind) is
    dropped here, so that it can never go out after the outbox scheduled it again."""

    def __init__(self, session: SmppSession) -> None:
        self.session = session
        self.queue: asyncio.Queue[SmppMessage] = asyncio.Queue()

    async def enqueue(self, message: SmppMessage) -> None:
        self.queue.put_nowait(message)

    async def dequeue(self) -> SmppMessage:
        while True:
            message = await self.queue.get()
            if not isinstance(message, SubmitSm) or message.log_id in self.session._pending:
                return message


class _Hook(AbstractHook):  # type: ignore[misc]
    """Learns each submit_sm's sequence number as it goes out."""

    def __init__(self, session: SmppSession) -> None:
        self.session = session

    async def sending(self, smpp_message: SmppMessage, pdu: bytes, client_id: str) -> None:
        if isinstance(smpp_message, SubmitSm):
            if smpp_message.log_id not in self.session._pending:
                # its sender gave up while it waited for a rebind: a ValueError makes
                # aiosmpplib drop this one message and carry on
                raise ValueError("stale submit_sm dropped")
            self.session._sequences[smpp_message.sequence_num] = smpp_message.log_id

    async def received(self, smpp_message: Any, pdu: bytes, client_id: str) -> None:
        return None

    async def send_error(self, smpp_message: Any, error: Exception, client_id: str) -> None:
        if isinstance(smpp_message, SubmitSm):
            self.session._resolve(smpp_message.log_id, error)


class SmppSession:
    """Keeps one bind up while ``run()`` runs; ``submit()`` sends one segment on it."""

    def __init__(self, settings: SmppSettings, on_deliver: DeliverCallback) -> None:
        self.settings = settings
        self.on_deliver = on_deliver
        self.bound = asyncio.Event()
        self.binds = 0
        """How many times a bind succeeded (1 + rebinds)."""
        self._window = asyncio.Semaphore(max(1, settings.window))
        self._pending: dict[str, asyncio.Future[str]] = {}
        self._sequences: dict[int, str] = {}
        self._ids = itertools.count(1)
        self._esme: HardenedEsme | None = None
        self._stopping = False

    def _new_esme(self) -> HardenedEsme:
        s = self.settings
        low = max(0.01, s.reconnect_min_seconds)
        doublings = max(0, math.ceil(math.log2(max(s.reconnect_max_seconds, low) / low)))
        return HardenedEsme(
            s.host,
            s.port,
            s.system_id,
            s.password.get_secret_value(),
            system_type=s.system_type,
            bind_mode=BindMode.TRANSCEIVER,
            enquire_link_interval=float(s.enquire_link_seconds),
            socket_timeout=float(s.response_timeout_seconds),
            retry_timer=SimpleExponentialBackoff(int(low * 1000), doublings),
            rate_limiter=TokenBucket(float(s.throughput)),
            correlator=Reassembler(s.system_id),
            hook=_Hook(self),
            broker=_Broker(self),
            log_handler=LogBridge(),
            log_level="INFO",
            log_include_timestamp=False,
            on_deliver=self.on_deliver,
            on_response=self._on_response,
            on_bound=self._on_bound,
            on_lost=self._on_lost,
            inbound_window=s.inbound_window,
        )

    async def run(self) -> None:
        """Bind and stay bound until ``stop()``; a crash of the library means a new ESME."""
        delay = max(0.01, self.settings.reconnect_min_seconds)
        while not self._stopping:
            self._esme = self._new_esme()
            try:
                await self._esme.start()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.error("smpp.esme_crashed", error=repr(exc))
                self._on_lost()
            if self._stopping:
                break
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.settings.reconnect_max_seconds)

    async def drain(self) -> None:
        """Wait for the inbound messages being handled."""
        if self._esme is not None:
            await self._esme.drain_handlers()

    async def stop(self) -> None:
        """Unbind and close; inbound messages being handled are finished first."""
        self._stopping = True
        esme = self._esme
        if esme is None:
            return
        await esme.drain_handlers()
        await esme.stop()

    def _on_bound(self) -> None:
        self.binds += 1
        self.bound.set()
        log.info("smpp.bound", host=self.settings.host, port=self.settings.port, binds=self.binds)

    def _on_lost(self) -> None:
        if self.bound.is_set():
            log.warning("smpp.connection_lost")
        self.bound.clear()
        self._sequences.clear()
        for log_id in list(self._pending):
            self._resolve(log_id, NotBound("connection to the SMSC lost"))

    def _on_response(self, header: PduHeader, message: Any) -> None:
        log_id = self._sequences.pop(header.sequence_num, None)
        if log_id is None:
            return
        if (
            isinstance(message, SubmitSmResp)
            and header.command_status == SmppCommandStatus.ESME_ROK
        ):
            self._resolve(log_id, message.message_id)
        elif isinstance(message, SubmitSmResp | GenericNack) or message is None:
            self._resolve(log_id, SubmitRejected(int(header.command_status)))

    def _resolve(self, log_id: str, result: str | BaseException) -> None:
        future = self._pending.pop(log_id, None)
        if future is None or future.done():
            return
        if isinstance(result, BaseException):
            future.set_exception(result)
        else:
            future.set_result(result)

    def _address(self, number: str, *, source: bool) -> PhoneNumber:
        s = self.settings
        if source:
            if is_digits(number) or not number:
                return PhoneNumber(number, TON(s.source_ton), NPI(s.source_npi))
            return PhoneNumber(number[:11], TON.ALPHANUMERIC, NPI.UNKNOWN)
        if number.startswith("+"):
            return PhoneNumber(number[1:], TON(s.dest_ton), NPI(s.dest_npi))
        return PhoneNumber(number, TON.UNKNOWN, NPI.ISDN)

    async def submit(self, *, source: str, destination: str, segment: Segment, text: str) -> str:
        """Send one segment; the SMSC's message id.

        Raises NotBound, SubmitRejected or TimeoutError: this attempt failed."""
        async with self._window:
            esme = self._esme
            if esme is None or not self.bound.is_set():
                raise NotBound("not bound to the SMSC")
            log_id = f"s{next(self._ids)}"
            message = SubmitSm(
                short_message=text or "-",
                source=self._address(source, source=True),
                destination=self._address(destination, source=False),
                esm_class=segment.esm_class,
                registered_delivery=1 if self.settings.registered_delivery else 0,
                encoding="ucs2" if segment.data_coding == DATA_CODING_UCS2 else None,
                log_id=log_id,
            )
            message.set_encoded_message(segment.short_message)
            future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
            self._pending[log_id] = future
            try:
                await esme.broker.enqueue(message)
                return await asyncio.wait_for(future, self.settings.response_timeout_seconds)
            finally:
                self._pending.pop(log_id, None)
                if future.cancelled():  # timed out: forget its sequence number too
                    stale = [seq for seq, owner in self._sequences.items() if owner == log_id]
                    for seq in stale:
                        del self._sequences[seq]
