"""aiosmpplib's ESME, hardened where 0.7.4 falls short for an operator's bind.

- A PDU with an unknown command id (or a vendor command_status) gets a generic_nack and the
  bind carries on; stock aiosmpplib drops the connection on it.
- An inbound deliver_sm is acknowledged only once its handler returned, with the status the
  handler chose (ESME_RX_T_APPN asks the SMSC to redeliver after a temporary failure), and
  several are handled at once instead of one by one in the read loop.
- Long inbound messages are reassembled per sender: stock aiosmpplib keys the parts by
  reference number alone (two phones using the same reference get each other's text), sorts
  part numbers as strings (part 10 before part 2) and misreads 16-bit references.
- A broken connection is closed before the next bind (no leaked transport).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import struct
import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiosmpplib import (
    ESME,
    AbstractRateLimiter,
    DeliverSm,
    GenericNack,
    PduHeader,
    SmppCommand,
    SmppCommandStatus,
)
from aiosmpplib.correlator import SimpleCorrelator
from aiosmpplib.protocol import MESSAGE_TYPE_MAP, PDU_HEADER_LENGTH
from aiosmpplib.state import COMMAND_RESPONSE_MAP

log = structlog.get_logger(__name__)

MAX_PDU_LENGTH = 2**16 + 1024
"""Beyond this a length is not believed: the stream is out of step and the bind is dropped."""

DeliverCallback = Callable[[DeliverSm], Awaitable[int]]
"""Handles one deliver_sm; returns the command_status of its deliver_sm_resp."""


class Reassembler(SimpleCorrelator):  # type: ignore[misc]
    """Parts of long inbound messages, kept per sender; no receipt store (receipts go to the
    database, where every ``saldo smpp`` process sees them)."""

    def __init__(self, name: str, *, ttl_seconds: float = 600.0) -> None:
        super().__init__(name, max_ttl_response=60.0, max_ttl_delivery=ttl_seconds)

    async def put_delivery(self, smsc_message_id: str, submit_sm: Any) -> None:
        return None

    async def _remove_expired(self) -> None:
        # stock aiosmpplib scans every store on each request and response; once a second is
        # plenty for entries that live 60 s and more
        now = time.monotonic()
        if now - getattr(self, "_swept_at", 0.0) >= 1.0:
            self._swept_at = now
            await super()._remove_expired()

    async def put_delivery_segmented(self, deliver_sm: DeliverSm) -> DeliverSm | None:
        ref, number, total = deliver_sm.get_segmentation_data()
        if ref > 0xFFFF:  # 0.7.4 reads a 16-bit UDH reference as 4 bytes: keep the first two
            ref >>= 16
        key = f"{deliver_sm.source.number}:{ref}:{total}"
        text = deliver_sm.short_message or deliver_sm.message_payload
        stored = self._delivery_segment_store.get(key)
        parts: dict[str, str] = dict(stored[1]) if stored else {}
        parts[str(number)] = text
        if len(parts) < total:
            self._delivery_segment_store[key] = (time.monotonic(), parts)
            await self._remove_expired()
            return None
        self._delivery_segment_store.pop(key, None)
        whole = "".join(parts[k] for k in sorted(parts, key=int))
        if deliver_sm.short_message:
            deliver_sm.short_message = whole
        else:
            deliver_sm.message_payload = whole
        await self._remove_expired()
        return deliver_sm


class TokenBucket(AbstractRateLimiter):  # type: ignore[misc]
    """At most ``rate`` submit_sm per second, in bursts of a tenth of a second's worth."""

    def __init__(self, rate: float) -> None:
        self.rate = max(rate, 1.0)
        self.burst = max(1.0, self.rate / 10)
        self.tokens = self.burst
        self.at = time.monotonic()

    async def limit(self) -> None:
        while True:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
            self.at = now
            if self.tokens >= 1.0:
                self.tokens -= 1.0
                return
            await asyncio.sleep((1.0 - self.tokens) / self.rate)


class LogBridge(logging.Handler):
    """aiosmpplib's log records into structlog."""

    QUIET = ("Could not correlate delivery receipt",)

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage().split(" >>> ", 1)[0]
        level = record.levelno
        if message.startswith(self.QUIET):
            level = logging.DEBUG
        log.log(level, "smpp.lib", detail=message)


class HardenedEsme(ESME):  # type: ignore[misc]
    """The ESME Saldo binds with; see the module docstring for what differs from stock."""

    _writer: asyncio.StreamWriter | None

    def __init__(
        self,
        *args: Any,
        on_deliver: DeliverCallback,
        on_response: Callable[[PduHeader, Any], None],
        on_bound: Callable[[], None],
        on_lost: Callable[[], None],
        inbound_window: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._on_deliver = on_deliver
        self._on_response = on_response
        self._on_bound = on_bound
        self._on_lost = on_lost
        self._inbound = asyncio.Semaphore(max(1, inbound_window))
        self._handlers: set[asyncio.Task[None]] = set()
        self._generation = 0
        """Counts binds: a response is never sent on a connection newer than its request's."""

    async def connect(self) -> None:
        stale = self._writer
        if stale is not None and self._session_state != self.bind_mode.session_state:
            stale.close()
            self._writer = None
        self._generation += 1
        await super().connect()
        if self._session_state == self.bind_mode.session_state:
            self._on_bound()

    async def _disconnect(self) -> None:
        writer = self._writer
        await super()._disconnect()
        if writer is not None:  # stock aiosmpplib half-closes and forgets the transport
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()

    def _ack_now(self) -> None:
        """Acknowledge what was read at once (Linux TCP_QUICKACK). An SMSC that leaves Nagle's
        algorithm on holds its next small PDU until our ACK, which the kernel would otherwise
        delay by up to 40 ms: a customer's next SALDO would wait for it."""
        quickack = getattr(socket, "TCP_QUICKACK", None)
        sock = self._writer.get_extra_info("socket") if self._writer is not None else None
        if quickack is not None and sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, quickack, 1)

    async def _get_pdu(self) -> tuple[bytes, PduHeader]:
        while True:
            head: bytes = await self._reader.readexactly(PDU_HEADER_LENGTH)
            length, command_id, status, sequence = struct.unpack("!IIII", head)
            if not PDU_HEADER_LENGTH <= length <= MAX_PDU_LENGTH:
                raise ValueError(f"PDU length {length} out of range: stream out of step")
            body: bytes = await self._reader.readexactly(length - PDU_HEADER_LENGTH)
            self._ack_now()
            try:
                command = SmppCommand(command_id)
            except ValueError:
                log.warning("smpp.unknown_command", command_id=hex(command_id), seq=sequence)
                nack = GenericNack(sequence, SmppCommandStatus.ESME_RINVCMDID)
                await self._send_data(nack)
                continue
            try:
                command_status = SmppCommandStatus(status)
            except ValueError:
                command_status = SmppCommandStatus.ESME_RUNKNOWNERR
            return head + body, PduHeader(length, command, command_status, sequence)

    async def _receive_data(self) -> bytes | None:
        try:
            while True:
                if self._is_shutting_down or self._session_state != self.bind_mode.session_state:
                    return None
                pdu, header = await self._get_pdu()
                self._data_received.set()
                if header.smpp_command not in COMMAND_RESPONSE_MAP:
                    self._on_response(header, await self._handle_response(pdu, header))
                    continue
                message = await self._handle_request(pdu, header)
                if message is None:
                    continue  # it was answered with a generic_nack
                if isinstance(message, DeliverSm):
                    await self._inbound.acquire()
                    task = asyncio.create_task(
                        self._deliver(message, header.sequence_num, self._generation)
                    )
                    self._handlers.add(task)
                    task.add_done_callback(self._handlers.discard)
                    continue
                # enquire_link, unbind, or one part of a long message (kept until complete)
                response = MESSAGE_TYPE_MAP[COMMAND_RESPONSE_MAP[header.smpp_command]]
                await self._send_data(response(header.sequence_num))
                if header.smpp_command == SmppCommand.UNBIND:
                    log.info("smpp.unbound_by_smsc")
                    return None
        finally:
            self._on_lost()

    async def _deliver(self, message: DeliverSm, sequence: int, generation: int) -> None:
        response = MESSAGE_TYPE_MAP[SmppCommand.DELIVER_SM_RESP]
        try:
            status = await self._on_deliver(message)
            if generation != self._generation or not self._bound.is_set():
                log.info("smpp.resp_not_sent", seq=sequence)  # the SMSC redelivers
                return
            await self._send_data(response(sequence, SmppCommandStatus(status)))
        except (ConnectionError, OSError):
            log.info("smpp.resp_not_sent", seq=sequence)  # the SMSC redelivers: dedup answers
        finally:
            self._inbound.release()

    async def drain_handlers(self) -> None:
        """Wait for the inbound messages being handled (on shutdown)."""
        if self._handlers:
            await asyncio.gather(*self._handlers, return_exceptions=True)
