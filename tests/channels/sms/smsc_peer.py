"""An SMSC for tests and benchmarks: the ``smpp34`` package's server, run as its own process.

Independent of Saldo (it imports nothing from it): it is the operator's side of the bind.
Driven by JSON lines on stdin, it reports on stdout, one JSON object a line:

    {"ev": "listening", "port": 40123}
    {"ev": "bound", "session": "...", "system_id": "saldo"}       an ESME bound
    {"ev": "submit", "id": "M1", "src": "4155", "dst": "39347…", "sm": "<hex>", …}
    {"ev": "mo_resp", "ref": 7, "status": 0}                       the ESME answered a deliver_sm
    {"ev": "unbound", "session": "..."}

Commands: {"op": "mo", "ref": 7, "from": "39347…", "to": "4155", "text": "SALDO", "id": "X1"}
(or "hex" instead of "text", plus "esm_class", "data_coding", "ton", "tlvs": [[tag, hex]]);
{"op": "dlr", "id": "M1", "stat": "DELIVRD", "from": …, "to": …};
{"op": "mode", "accept": "accept" | "hold" | "reject", "dlr": "" | "DELIVRD" | "UNDELIV"};
{"op": "release"} (accept the submit_sm held so far); {"op": "load", …} (see ``_load``);
{"op": "drain", "timeout": 60} (see ``_drain``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

import smpp34


def listening_ports() -> set[int]:
    """TCP ports this process listens on (to learn the port the OS gave for port 0)."""
    inodes = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(name) as table:
            for row in table.readlines()[1:]:
                cols = row.split()
                if cols[3] == "0A" and cols[9] in inodes:
                    ports.add(int(cols[1].rsplit(":", 1)[1], 16))
    return ports


@dataclass(eq=False)
class LoadPhase:
    """The MOs of one load (or the single MOs sent with ``expect_reply``) and their replies."""

    name: str
    start: float
    sent: int = 0
    latencies: list[float] = field(default_factory=list)
    reply_times: list[float] = field(default_factory=list)
    """Replies within the settle window: until the load reported ``load_done``."""
    done: bool = False
    """``load_done`` was reported: a reply from now on is late."""
    late: int = 0
    late_latencies: list[float] = field(default_factory=list)
    refused: int = 0
    """MOs the ESME answered with a command_status other than 0: no reply will come."""
    waiting: int = 0
    """MOs still expecting a reply (entries in ``Peer.waiting``)."""


class Peer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.server = smpp34.Server("127.0.0.1", port, system_id="TESTSMSC")
        self.sessions: dict[str, smpp34.Esme] = {}
        self.turn = 0
        self.has_esme = asyncio.Event()
        self.accept = "accept"
        self.dlr = ""
        self.held: list[Any] = []
        self.counter = 0
        self.waiting: dict[str, deque[tuple[float, LoadPhase]]] = defaultdict(deque)
        """Per destination, the MOs still expecting a reply (sent at, phase), oldest first; a
        reply is the oldest's. Kept across loads: a late reply is counted for its own load."""
        self.phases: list[LoadPhase] = []
        self.single = LoadPhase("mo", time.monotonic())
        """The phase of the MOs sent one by one with ``expect_reply``."""
        self.tasks: set[asyncio.Task[Any]] = set()
        self.quiet = False
        """While a load runs, submit_sm are timed, not reported one by one."""

    def emit(self, **event: Any) -> None:
        sys.stdout.write(json.dumps(event) + "\n")
        sys.stdout.flush()

    def spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def start(self) -> None:
        before = listening_ports()
        await self.server.start()
        if self.port == 0:
            self.port = (listening_ports() - before).pop()
        self.emit(ev="listening", port=self.port)

    async def serve(self) -> None:
        while True:
            event = await self.server.next()
            if isinstance(event, smpp34.Esme):
                self.sessions[event.session_id] = event
                self.has_esme.set()
                self.emit(ev="bound", session=event.session_id, system_id=event.system_id)
            elif isinstance(event, smpp34.Unbound):
                self.sessions.pop(event.session_id, None)
                self.emit(ev="unbound", session=event.session_id)
            elif isinstance(event, smpp34.SubmitSmEvent):
                self.on_submit(event)

    def on_submit(self, event: smpp34.SubmitSmEvent) -> None:
        if self.accept == "reject":
            event.reject(smpp34.ESME_RSYSERR)
            self.emit(ev="rejected", dst=event.destination_addr)
            return
        if self.accept == "hold":
            self.held.append(event)
            self.emit(ev="held", dst=event.destination_addr)
            return
        self.accept_submit(event)

    @property
    def esme(self) -> smpp34.Esme | None:
        """The bound ESME sessions in turn (several binds share the traffic)."""
        if not self.sessions:
            return None
        self.turn += 1
        sessions = list(self.sessions.values())
        return sessions[self.turn % len(sessions)]

    def accept_submit(self, event: smpp34.SubmitSmEvent) -> None:
        self.counter += 1
        message_id = f"M{self.counter}"
        event.accept(message_id)
        now = time.monotonic()
        queue = self.waiting.get(event.destination_addr)
        if queue:
            sent_at, phase = queue.popleft()
            phase.waiting -= 1
            if phase.done:
                phase.late += 1
                phase.late_latencies.append(now - sent_at)
            else:
                phase.latencies.append(now - sent_at)
                phase.reply_times.append(now)
        if self.dlr:
            self.spawn(self.send_dlr(message_id, self.dlr, event.destination_addr))
        if self.quiet:
            return
        self.emit(
            ev="submit",
            id=message_id,
            src=event.source_addr,
            src_ton=event.source_addr_ton,
            src_npi=event.source_addr_npi,
            dst=event.destination_addr,
            dst_ton=event.dest_addr_ton,
            dst_npi=event.dest_addr_npi,
            esm_class=event.esm_class,
            data_coding=event.data_coding,
            registered_delivery=event.registered_delivery,
            sm=event.short_message.hex(),
            tlvs=[[t.tag, t.value.hex()] for t in event.tlvs],
        )

    async def send_dlr(self, message_id: str, stat: str, sender: str, to: str = "4155") -> None:
        await asyncio.wait_for(self.has_esme.wait(), 10)
        esme = self.esme
        assert esme is not None
        text = (
            f"id:{message_id} sub:001 dlvrd:{'001' if stat == 'DELIVRD' else '000'} "
            f"submit date:2611260900 done date:2611260901 stat:{stat} err:000 text:"
        )
        resp = await esme.deliver_sm(
            to,
            text.encode(),
            source_addr=sender,
            source_addr_ton=1,
            source_addr_npi=1,
            esm_class=0x04,
        )
        self.emit(ev="dlr_resp", id=message_id, status=resp.command_status)

    async def send_mo(self, cmd: dict[str, Any], phase: LoadPhase | None = None) -> None:
        await asyncio.wait_for(self.has_esme.wait(), 10)
        esme = self.esme
        assert esme is not None
        body = bytes.fromhex(cmd["hex"]) if "hex" in cmd else cmd.get("text", "").encode()
        tlvs = [smpp34.Tlv(int(tag), bytes.fromhex(value)) for tag, value in cmd.get("tlvs", [])]
        if cmd.get("id"):
            tlvs.append(smpp34.Tlv(smpp34.TLV_RECEIPTED_MESSAGE_ID, cmd["id"].encode() + b"\0"))
        entry = None
        if cmd.get("expect_reply"):
            if phase is None:
                phase = self.single
                phase.sent += 1
            entry = (time.monotonic(), phase)
            self.waiting[cmd["from"]].append(entry)
            phase.waiting += 1
        resp = await esme.deliver_sm(
            cmd.get("to", "4155"),
            body,
            source_addr=cmd["from"],
            source_addr_ton=cmd.get("ton", 1),
            source_addr_npi=1,
            esm_class=cmd.get("esm_class", 0),
            data_coding=cmd.get("data_coding", 0),
            tlvs=tlvs,
        )
        if entry is not None and resp.command_status != 0:
            self.forget_refused(cmd["from"], entry)
        if not cmd.get("quiet"):
            self.emit(ev="mo_resp", ref=cmd.get("ref"), status=resp.command_status)

    def forget_refused(self, sender: str, entry: tuple[float, LoadPhase]) -> None:
        """The ESME refused an MO expecting a reply: it waits no longer (nor takes the reply
        meant for a later MO from the same number)."""
        entry[1].refused += 1
        queue = self.waiting[sender]
        try:
            queue.remove(entry)
        except ValueError:  # a reply to a later MO took its place: that one is the answered one
            if not queue:
                return
            entry = queue.popleft()
        entry[1].waiting -= 1

    async def _load(self, cmd: dict[str, Any]) -> None:
        """Open-loop load: ``count`` MO "text" at ``rate`` a second from ``numbers`` in turn,
        then wait up to ``settle`` seconds for the replies. Reports the MO -> reply latencies
        (seconds) and the instants replies arrived, of the replies within that window; a reply
        after it is counted as late for this load (see ``_drain``), never for a later load."""
        numbers, rate, count = cmd["numbers"], float(cmd["rate"]), int(cmd["count"])
        self.quiet = True
        start = time.monotonic()
        phase = LoadPhase(cmd.get("prefix", "L"), start)
        self.phases.append(phase)
        earlier_late = sum(p.late for p in self.phases)
        for i in range(count):
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            mo = {
                "from": numbers[i % len(numbers)],
                "text": cmd.get("text", "SALDO"),
                "id": f"{cmd.get('prefix', 'L')}{i}",
                "expect_reply": True,
                "quiet": True,
            }
            phase.sent += 1
            self.spawn(self.send_mo(mo, phase))
        sent_at = time.monotonic()
        deadline = sent_at + float(cmd.get("settle", 10.0))
        while len(phase.latencies) + phase.refused < count and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        phase.done = True
        self.emit(
            ev="load_done",
            sent=count,
            offered_seconds=sent_at - start,
            latencies=phase.latencies,
            reply_times=[t - start for t in phase.reply_times],
            phase=phase.name,
            refused=phase.refused,
            waiting=phase.waiting,
            late_of_earlier=sum(p.late for p in self.phases) - earlier_late,
        )

    async def _drain(self, cmd: dict[str, Any]) -> None:
        """Wait until no load runs and no MO expects a reply, or ``timeout`` seconds passed;
        report, in all and by load (its ``prefix``): the MOs still waiting (never answered),
        those answered after their load's settle window (``late``, the latest after
        ``late_max`` seconds), those the ESME refused, and those never sent (the ESME gone)."""
        start = time.monotonic()
        deadline = start + float(cmd.get("timeout", 60.0))

        def busy() -> bool:
            loads = any(not p.done for p in self.phases)
            return loads or any(p.waiting for p in [*self.phases, self.single])

        while busy() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        counts = ("sent", "replies", "late", "refused", "waiting", "unsent")
        total: dict[str, Any] = {**dict.fromkeys(counts, 0), "late_max": 0.0}
        by_name: dict[str, dict[str, Any]] = {}
        for p in [*self.phases, self.single]:
            if not (p.sent or p.late or p.refused or p.waiting):
                continue
            replies = len(p.latencies)
            unsent = max(0, p.sent - replies - p.late - p.refused - p.waiting)
            values = (p.sent, replies, p.late, p.refused, p.waiting, unsent)
            row = by_name.setdefault(p.name, {**dict.fromkeys(counts, 0), "late_max": 0.0})
            for figures in (row, total):
                for key, value in zip(counts, values, strict=True):
                    figures[key] += value
                figures["late_max"] = max(figures["late_max"], *p.late_latencies, 0.0)
        self.emit(ev="drain_done", seconds=time.monotonic() - start, **total, phases=by_name)

    async def control(self) -> None:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        while line := await reader.readline():
            cmd = json.loads(line)
            op = cmd.pop("op")
            if op == "mo":
                self.spawn(self.send_mo(cmd))
            elif op == "dlr":
                self.spawn(
                    self.send_dlr(cmd["id"], cmd["stat"], cmd["from"], cmd.get("to", "4155"))
                )
            elif op == "mode":
                self.accept = cmd.get("accept", self.accept)
                self.dlr = cmd.get("dlr", self.dlr)
                self.emit(ev="mode", accept=self.accept, dlr=self.dlr)
            elif op == "release":
                held, self.held = self.held, []
                for event in held:
                    self.accept_submit(event)
            elif op == "load":
                self.spawn(self._load(cmd))
            elif op == "drain":
                self.spawn(self._drain(cmd))
            elif op == "stop":
                break


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    peer = Peer(args.port)
    await peer.start()
    serving = asyncio.create_task(peer.serve())
    await peer.control()
    serving.cancel()
    await peer.server.stop()


if __name__ == "__main__":
    asyncio.run(main())
