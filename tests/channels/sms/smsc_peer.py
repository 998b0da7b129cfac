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
{"op": "release"} (accept the submit_sm held so far); {"op": "load", …} (see ``_load``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections import defaultdict, deque
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
        self.waiting: dict[str, deque[float]] = defaultdict(deque)
        self.latencies: list[float] = []
        self.reply_times: list[float] = []
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
            self.latencies.append(now - queue.popleft())
            self.reply_times.append(now)
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

    async def send_mo(self, cmd: dict[str, Any]) -> None:
        await asyncio.wait_for(self.has_esme.wait(), 10)
        esme = self.esme
        assert esme is not None
        body = bytes.fromhex(cmd["hex"]) if "hex" in cmd else cmd.get("text", "").encode()
        tlvs = [smpp34.Tlv(int(tag), bytes.fromhex(value)) for tag, value in cmd.get("tlvs", [])]
        if cmd.get("id"):
            tlvs.append(smpp34.Tlv(smpp34.TLV_RECEIPTED_MESSAGE_ID, cmd["id"].encode() + b"\0"))
        if cmd.get("expect_reply"):
            self.waiting[cmd["from"]].append(time.monotonic())
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
        if not cmd.get("quiet"):
            self.emit(ev="mo_resp", ref=cmd.get("ref"), status=resp.command_status)

    async def _load(self, cmd: dict[str, Any]) -> None:
        """Open-loop load: ``count`` MO "text" at ``rate`` a second from ``numbers`` in turn,
        then wait up to ``settle`` seconds for the replies. Reports the MO -> reply latencies
        (seconds) and the instants replies arrived."""
        numbers, rate, count = cmd["numbers"], float(cmd["rate"]), int(cmd["count"])
        self.latencies, self.reply_times = [], []
        self.quiet = True
        start = time.monotonic()
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
            self.spawn(self.send_mo(mo))
        sent_at = time.monotonic()
        deadline = sent_at + float(cmd.get("settle", 10.0))
        while len(self.latencies) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        self.emit(
            ev="load_done",
            sent=count,
            offered_seconds=sent_at - start,
            latencies=self.latencies,
            reply_times=[t - start for t in self.reply_times],
        )
        self.waiting.clear()

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
