"""aiosmpplib 0.7.4 (pinned): its known bugs on the SAR path, and how Saldo stays clear of them.

Outbound: a submit_sm without UDHI that aiosmpplib must split itself (the SAR path) reads a
variable that only its UDH branch sets: the ESME dies with UnboundLocalError, every later
message unsent. Saldo splits replies itself (``segments.py``) and hands the library finished
parts, so that path is never taken.

Inbound: long messages are reassembled by SAR reference alone (two phones that pick the same
reference get each other's text), parts are ordered as strings ("10" before "2"), and a 16-bit
UDH reference is read as four bytes. Saldo's ``Reassembler`` keys by sender and reference.
"""

from __future__ import annotations

import asyncio
import logging

import pytest
from aiosmpplib import ESME, DeliverSm, OptionalParam, PhoneNumber, SubmitSm
from aiosmpplib.correlator import SimpleCorrelator
from aiosmpplib.retrytimer import SimpleExponentialBackoff

from saldo.channels.sms import texts
from saldo.channels.sms.esme import Reassembler
from saldo.runtime import Runtime
from tests.channels.sms.support import SmscPeer, bind_to, gsm, run, running
from tests.factories import make_line, snapshot

SAR_REF, SAR_TOTAL, SAR_SEQ = 0x020C, 0x020E, 0x020F


def test_the_pinned_aiosmpplib_still_dies_on_its_own_sar_path() -> None:
    """A canary: when an upgrade fixes it, this fails; the workaround may then be revisited."""

    async def scenario() -> None:
        peer = await SmscPeer.start()
        esme = ESME(
            "127.0.0.1",
            peer.port,
            "canary",
            "secret",
            retry_timer=SimpleExponentialBackoff(50, 1),
            log_handler=logging.NullHandler(),
            log_level="CRITICAL",
        )
        started = asyncio.create_task(esme.start())
        try:
            await peer.expect("bound")
            long_text = "Credito 1,00€. " * 20
            message = SubmitSm(
                short_message=long_text,
                source=PhoneNumber("4155"),
                destination=PhoneNumber("393470000001"),
                auto_message_payload=False,
            )
            await esme.broker.enqueue(message)
            with pytest.raises(UnboundLocalError):
                await asyncio.wait_for(started, 10)
            assert peer.unconsumed("submit") == []
        finally:
            if not started.done():
                started.cancel()
            await asyncio.gather(started, return_exceptions=True)
            if esme._writer is not None:
                esme._writer.close()
            await peer.stop()

    run(scenario())


def _part(sender: str, text: str, ref: int, seq: int, total: int) -> DeliverSm:
    params = [
        OptionalParam(SAR_REF, ref),
        OptionalParam(SAR_SEQ, seq),
        OptionalParam(SAR_TOTAL, total),
    ]
    return DeliverSm(short_message=text, source=PhoneNumber(sender), optional_params=params)


def test_stock_reassembly_mixes_senders_and_saldo_keeps_them_apart() -> None:
    async def interleave(store: SimpleCorrelator) -> list[str]:
        done = []
        for part in (
            _part("393471111111", "DETT", 7, 1, 2),
            _part("393472222222", "SAL", 7, 1, 2),
            _part("393471111111", "AGLIO", 7, 2, 2),
            _part("393472222222", "DO", 7, 2, 2),
        ):
            whole = await store.put_delivery_segmented(part)
            if whole is not None:
                done.append(f"{whole.source.number}:{whole.short_message}")
        return done

    stock = asyncio.run(interleave(SimpleCorrelator("stock")))
    assert stock == ["393471111111:SALAGLIO"]  # the canary: 0.7.4's bug, still there
    fixed = asyncio.run(interleave(Reassembler("saldo")))
    assert fixed == ["393471111111:DETTAGLIO", "393472222222:SALDO"]


def test_ten_or_more_parts_are_joined_in_numeric_order() -> None:
    letters = ["D", "E", "T", "T", "A", "G", "L", "I", " ", "O"]

    async def join(store: SimpleCorrelator) -> str:
        whole = None
        for seq, letter in enumerate(letters, start=1):
            whole = await store.put_delivery_segmented(_part("39347", letter, 9, seq, 10))
        assert whole is not None
        return str(whole.short_message)

    assert asyncio.run(join(SimpleCorrelator("stock"))) == "DOETTAGLI "
    assert asyncio.run(join(Reassembler("saldo"))) == "DETTAGLI O"


def _sar(ref: int, seq: int, total: int) -> list[list[object]]:
    return [
        [SAR_REF, ref.to_bytes(2, "big").hex()],
        [SAR_TOTAL, bytes([total]).hex()],
        [SAR_SEQ, bytes([seq]).hex()],
    ]


def test_long_messages_from_two_phones_with_the_same_reference_over_the_wire(
    rt: Runtime,
) -> None:
    first, second = make_line(rt), make_line(rt)

    async def scenario() -> None:
        peer = await SmscPeer.start()
        try:
            bind_to(rt, peer.port)
            async with running(rt):
                for sender, text, seq in ((first, "DETT", 1), (second, "SAL", 1)):
                    assert await peer.mo(sender[1:], text, tlvs=_sar(7, seq, 2)) == 0
                for sender, text, seq in ((first, "AGLIO", 2), (second, "DO", 2)):
                    assert await peer.mo(sender[1:], text, tlvs=_sar(7, seq, 2)) == 0
                got = {}
                for _ in range(2):
                    submit = await peer.expect("submit")
                    got[submit["dst"]] = submit
                summary = texts.summary(snapshot(rt, second))
                assert bytes.fromhex(got[second[1:]]["sm"]) == gsm(summary)
                details = texts.details(snapshot(rt, first))
                assert bytes.fromhex(got[first[1:]]["sm"]) == gsm(details)
        finally:
            await peer.stop()

    run(scenario())


def test_a_16_bit_udh_reference_is_understood(rt: Runtime) -> None:
    msisdn = make_line(rt)

    def udh(seq: int) -> str:
        return bytes([6, 0x08, 4, 0x12, 0x34, 2, seq]).hex()

    async def scenario() -> None:
        peer = await SmscPeer.start()
        try:
            bind_to(rt, peer.port)
            async with running(rt):
                for seq, text in ((1, b"SAL"), (2, b"DO")):
                    payload = udh(seq) + text.hex()
                    assert await peer.mo(msisdn[1:], hex=payload, esm_class=0x40) == 0
                submit = await peer.expect("submit", dst=msisdn[1:])
                assert bytes.fromhex(submit["sm"]).startswith(b"Credito")
        finally:
            await peer.stop()

    run(scenario())
