"""``saldo smpp`` against an independent SMSC (the smpp34 server, in its own process) over TCP."""

from __future__ import annotations

import asyncio
import struct

from saldo.channels.sms import texts
from saldo.kit.origin import CLI
from saldo.lines.service import add_option
from saldo.notifications.models import OutboxMessage
from saldo.notifications.service import enqueue, list_messages
from saldo.runtime import Runtime
from tests.channels.sms.support import Relay, SmscPeer, bind_to, eventually, gsm, run, running
from tests.factories import make_line, snapshot

UDH_IE_CONCAT = 0x00


def messages(rt: Runtime, msisdn: str | None = None) -> list[OutboxMessage]:
    with rt.transaction() as session:
        return list(reversed(list_messages(session, recipient=msisdn)))


async def statuses(rt: Runtime, msisdn: str | None = None) -> list[str]:
    return [m.status for m in await asyncio.to_thread(messages, rt, msisdn)]


def test_saldo_from_a_customer_is_answered_from_4155_with_the_figures(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="GIGA150", credit="22.33")
    expected = texts.summary(snapshot(rt, msisdn))
    assert expected.startswith("Credito 12,34 €. Giga 150GB/150GB")

    async def scenario() -> None:
        peer = await SmscPeer.start()
        try:
            bind_to(rt, peer.port)
            async with running(rt):
                bound = await peer.expect("bound")
                assert bound["system_id"] == "saldo"
                assert await peer.mo(msisdn[1:], "saldo", id="MO-1") == 0
                submit = await peer.expect("submit")
                assert (submit["src"], submit["src_ton"], submit["src_npi"]) == ("4155", 3, 0)
                assert (submit["dst"], submit["dst_ton"], submit["dst_npi"]) == (msisdn[1:], 1, 1)
                assert (submit["esm_class"], submit["data_coding"]) == (0, 0)
                assert submit["registered_delivery"] == 1
                assert bytes.fromhex(submit["sm"]) == gsm(expected)
                await eventually(lambda: _is(rt, msisdn, ["sent"]))
                (sent,) = messages(rt, msisdn)
                assert sent.external_id == submit["id"]
        finally:
            await peer.stop()

    run(scenario())


async def _is(rt: Runtime, msisdn: str | None, expected: list[str]) -> bool:
    return await statuses(rt, msisdn) == expected


def test_a_stranger_gets_the_polite_reply_and_nothing_else(rt: Runtime) -> None:
    make_line(rt, msisdn="+393470000001")

    async def scenario() -> None:
        peer = await SmscPeer.start()
        try:
            bind_to(rt, peer.port)
            async with running(rt):
                assert await peer.mo("393479999999", "SALDO", id="S-1") == 0
                submit = await peer.expect("submit", dst="393479999999")
                assert bytes.fromhex(submit["sm"]) == gsm(texts.not_customer("Saldo Mobile"))
        finally:
            await peer.stop()

    run(scenario())


def test_a_redelivered_deliver_sm_is_answered_once(rt: Runtime) -> None:
    msisdn = make_line(rt)

    async def scenario() -> None:
        peer = await SmscPeer.start()
        try:
            bind_to(rt, peer.port)
            async with running(rt):
                assert await peer.mo(msisdn[1:], "SALDO", id="SMSC-77") == 0
                assert await peer.mo(msisdn[1:], "SALDO", id="SMSC-77") == 0  # redelivery
                assert await peer.mo(msisdn[1:], "AIUTO", id="SMSC-78") == 0
                first = await peer.expect("submit", dst=msisdn[1:])
                second = await peer.expect("submit", dst=msisdn[1:])
                assert bytes.fromhex(second["sm"]) == gsm(texts.help_text("4155"))
                assert bytes.fromhex(first["sm"]).startswith(b"Credito")
                assert peer.unconsumed("submit") == []
                assert len(messages(rt, msisdn)) == 2
        finally:
            await peer.stop()

    run(scenario())


def test_delivery_receipts_mark_the_message_delivered_or_failed(rt: Runtime) -> None:
    ok, ko = make_line(rt), make_line(rt)

    async def scenario() -> None:
        peer = await SmscPeer.start()
        try:
            bind_to(rt, peer.port)
            async with running(rt):
                await peer.send("mode", dlr="DELIVRD")
                await peer.expect("mode")
                await peer.mo(ok[1:], "SALDO", id="D-1")
                await peer.expect("dlr_resp", status=0)
                await eventually(lambda: _is(rt, ok, ["delivered"]))
                await peer.send("mode", dlr="UNDELIV")
                await peer.expect("mode")
                await peer.mo(ko[1:], "SALDO", id="D-2")
                await peer.expect("dlr_resp", status=0)
                await eventually(lambda: _is(rt, ko, ["failed"]))
                # a receipt for a message nobody knows is acknowledged and changes nothing
                await peer.send("dlr", id="NOPE", stat="DELIVRD", **{"from": ok[1:]})
                assert (await peer.expect("dlr_resp", id="NOPE"))["status"] == 0
                assert await statuses(rt) == ["delivered", "failed"]
        finally:
            await peer.stop()

    run(scenario())


def test_a_long_reply_goes_as_a_concatenated_sms_and_is_delivered_when_every_part_is(
    rt: Runtime,
) -> None:
    msisdn = make_line(rt, plan="SMART50", credit="13")
    with rt.transaction() as session:
        add_option(session, msisdn=msisdn, option_code="MONDO_100", clock=rt.clock, origin=CLI)
    details = texts.details(snapshot(rt, msisdn))
    assert texts.gsm7_length(details) > 160, details

    async def scenario() -> None:
        peer = await SmscPeer.start()
        try:
            bind_to(rt, peer.port)
            async with running(rt) as channel:
                await peer.mo(msisdn[1:], "DETTAGLIO", id="L-1")
                first = await peer.expect("submit")
                second = await peer.expect("submit")
                udh1, udh2 = bytes.fromhex(first["sm"])[:6], bytes.fromhex(second["sm"])[:6]
                assert first["esm_class"] == second["esm_class"] == 0x40
                assert udh1[:3] == udh2[:3] == bytes([0x05, UDH_IE_CONCAT, 0x03])
                assert udh1[3] == udh2[3]  # one reference for both parts
                assert (udh1[4], udh1[5], udh2[4], udh2[5]) == (2, 1, 2, 2)
                body = bytes.fromhex(first["sm"])[6:] + bytes.fromhex(second["sm"])[6:]
                assert body == gsm(details)
                assert len(bytes.fromhex(first["sm"])) - 6 <= 153
                assert first["tlvs"] == second["tlvs"] == []  # UDH, not SAR
                await eventually(lambda: _is(rt, msisdn, ["sent"]))
                await peer.send("dlr", id=first["id"], stat="DELIVRD", **{"from": msisdn[1:]})
                await peer.expect("dlr_resp", id=first["id"])
                assert await statuses(rt, msisdn) == ["sent"]  # one part is not the message
                await peer.send("dlr", id=second["id"], stat="DELIVRD", **{"from": msisdn[1:]})
                await peer.expect("dlr_resp", id=second["id"])
                await eventually(lambda: _is(rt, msisdn, ["delivered"]))
                assert channel.session.binds == 1
        finally:
            await peer.stop()

    run(scenario())


def test_the_smsc_restarting_mid_run_loses_nothing(rt: Runtime) -> None:
    from datetime import timedelta

    msisdn = make_line(rt)
    other = make_line(rt)

    async def scenario() -> None:
        peer = await SmscPeer.start()
        port = peer.port
        try:
            bind_to(rt, port)
            async with running(rt) as channel:
                await peer.mo(msisdn[1:], "SALDO", id="R-1")
                await peer.expect("submit", dst=msisdn[1:])
                await peer.send("mode", accept="hold")
                await peer.expect("mode")
                await peer.mo(other[1:], "OFFERTA", id="R-2")
                await peer.expect("held", dst=other[1:])  # in flight when the SMSC dies
                await peer.kill()
                await eventually(lambda: _not_bound(channel))
                await asyncio.to_thread(_alert, rt, msisdn)  # written while the SMSC is away
                peer = await SmscPeer.start(port)
                await peer.expect("bound")
                assert channel.session.binds == 2
                rt.clock.set(rt.clock.now() + timedelta(minutes=5))  # type: ignore[attr-defined]
                channel.pump.wake()
                got = [await peer.expect("submit"), await peer.expect("submit")]
                by_dst = {s["dst"]: bytes.fromhex(s["sm"]) for s in got}
                assert by_dst[other[1:]].startswith(b"Offerta")
                assert by_dst[msisdn[1:]] == b"Soglia raggiunta"
                await eventually(lambda: _is(rt, None, ["sent", "sent", "sent"]))
                assert peer.unconsumed("submit") == []
        finally:
            await peer.stop()

    run(scenario())


async def _not_bound(channel: object) -> bool:
    return not channel.session.bound.is_set()  # type: ignore[attr-defined]


def _alert(rt: Runtime, msisdn: str) -> None:
    with rt.transaction() as session:
        enqueue(
            session,
            recipient=msisdn,
            body="Soglia raggiunta",
            topic="threshold",
            now=rt.clock.now(),
        )


def _deliver_sm(sequence: int, body: bytes, command_id: int = 0x00000005) -> bytes:
    return struct.pack("!IIII", 16 + len(body), command_id, 0, sequence) + body


def test_a_malformed_pdu_is_refused_and_the_bind_survives(rt: Runtime) -> None:
    msisdn = make_line(rt)

    async def scenario() -> None:
        peer = await SmscPeer.start()
        relay = await Relay(peer.port).start()
        try:
            bind_to(rt, relay.port)
            async with running(rt) as channel:
                await peer.expect("bound")
                # an unknown command id, a deliver_sm cut short, one with TON 9 (no such TON)
                await relay.inject(_deliver_sm(0x7FFF0001, b"\x00\x01\x02", 0x000000F7))
                await relay.inject(_deliver_sm(0x7FFF0002, b"\x00\x01\x01393471"))
                bad_ton = b"\x00\x09\x01" + msisdn[1:].encode() + b"\x00\x00\x00" + b"4155\x00"
                await relay.inject(_deliver_sm(0x7FFF0003, bad_ton + bytes(8) + b"\x05SALDO"))
                await eventually(_answers(relay, 3))
                nacks = {seq: (cmd, status) for cmd, status, seq in relay.answers}
                assert nacks[0x7FFF0001] == (0x80000000, 0x00000003)  # ESME_RINVCMDID
                assert nacks[0x7FFF0002][0] == 0x80000000
                assert nacks[0x7FFF0003][0] == 0x80000000
                assert await peer.mo(msisdn[1:], "SALDO", id="after") == 0
                submit = await peer.expect("submit", dst=msisdn[1:])
                assert bytes.fromhex(submit["sm"]).startswith(b"Credito")
                assert relay.connections == 1 and channel.session.binds == 1
                assert messages(rt, msisdn)[0].body.startswith("Credito")
                assert len(messages(rt)) == 1  # nothing from the malformed ones
        finally:
            await relay.close()
            await peer.stop()

    run(scenario())


def _answers(relay: Relay, n: int):  # type: ignore[no-untyped-def]
    async def check() -> bool:
        return len(relay.answers) >= n

    return check


def test_enquire_link_keeps_a_quiet_bind_alive(rt: Runtime) -> None:
    async def scenario() -> None:
        peer = await SmscPeer.start()
        relay = await Relay(peer.port).start()
        try:
            bind_to(rt, relay.port, enquire_link_seconds=1)
            async with running(rt) as channel:
                await eventually(_seen(relay, 0x00000015), timeout=5)
                assert channel.session.bound.is_set() and channel.session.binds == 1
        finally:
            await relay.close()
            await peer.stop()

    run(scenario())


def _seen(relay: Relay, command_id: int):  # type: ignore[no-untyped-def]
    async def check() -> bool:
        return command_id in relay.seen

    return check


def test_no_more_than_window_submit_sm_wait_for_their_response(rt: Runtime) -> None:
    customers = [make_line(rt) for _ in range(5)]

    async def scenario() -> None:
        peer = await SmscPeer.start()
        try:
            bind_to(rt, peer.port, window=2)
            async with running(rt):
                await peer.send("mode", accept="hold")
                await peer.expect("mode")
                for i, number in enumerate(customers[:4]):
                    await peer.mo(number[1:], "SALDO", id=f"W-{i}")
                await peer.expect("held")
                await peer.expect("held")
                # a round trip through Saldo's database thread: had a third submit_sm gone
                # out regardless of the window, the SMSC would have it by now
                await peer.mo(customers[4][1:], "AIUTO", id="W-barrier")
                assert peer.unconsumed("held") == []
                await peer.send("mode", accept="accept")
                await peer.send("release")
                got = {(await peer.expect("submit"))["dst"] for _ in range(5)}
                assert got == {c[1:] for c in customers}
        finally:
            await peer.stop()

    run(scenario())


def test_many_customers_at_once_each_get_their_own_answer(rt: Runtime) -> None:
    customers = {make_line(rt, credit=f"{10 + i}") for i in range(25)}

    async def scenario() -> None:
        peer = await SmscPeer.start()
        try:
            bind_to(rt, peer.port)
            async with running(rt):
                for i, number in enumerate(sorted(customers)):
                    await peer.send(
                        "mo", ref=1000 + i, text="saldo", id=f"C-{i}", **{"from": number[1:]}
                    )
                got = {}
                for _ in customers:
                    submit = await peer.expect("submit")
                    got[submit["dst"]] = bytes.fromhex(submit["sm"])
                for number in customers:
                    assert got[number[1:]] == gsm(texts.summary(snapshot(rt, number)))
        finally:
            await peer.stop()

    run(scenario())


def test_a_submit_sm_left_unanswered_is_tried_again_later(rt: Runtime) -> None:
    from datetime import timedelta

    msisdn = make_line(rt)

    async def scenario() -> None:
        peer = await SmscPeer.start()
        try:
            bind_to(rt, peer.port, response_timeout_seconds=0.3)
            async with running(rt) as channel:
                await peer.send("mode", accept="hold")
                await peer.expect("mode")
                await peer.mo(msisdn[1:], "SALDO", id="T-1")
                await peer.expect("held", dst=msisdn[1:])
                await eventually(lambda: _is(rt, msisdn, ["pending"]))
                (waiting,) = messages(rt, msisdn)
                assert waiting.attempts == 1 and "TimeoutError" in (waiting.error or "")
                assert waiting.next_attempt_at > rt.clock.now()
                await peer.send("mode", accept="accept")
                await peer.expect("mode")
                rt.clock.set(rt.clock.now() + timedelta(minutes=1))  # type: ignore[attr-defined]
                channel.pump.wake()
                submit = await peer.expect("submit", dst=msisdn[1:])
                assert bytes.fromhex(submit["sm"]).startswith(b"Credito")
                await eventually(lambda: _is(rt, msisdn, ["sent"]))
                assert messages(rt, msisdn)[0].attempts == 2
                assert channel.session.binds == 1
        finally:
            await peer.stop()

    run(scenario())
