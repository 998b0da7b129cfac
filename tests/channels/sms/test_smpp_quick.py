from __future__ import annotations

from saldo.runtime import Runtime
from tests.channels.sms.support import SmscPeer, bind_to, run, running
from tests.factories import make_line


def test_saldo_over_smpp(rt: Runtime) -> None:
    msisdn = make_line(rt, credit="20")

    async def scenario() -> None:
        peer = await SmscPeer.start()
        try:
            bind_to(rt, peer.port)
            async with running(rt):
                await peer.expect("bound")
                status = await peer.mo(msisdn.removeprefix("+"), "saldo", id="X1")
                assert status == 0
                submit = await peer.expect("submit")
                print(submit)
        finally:
            await peer.stop()

    run(scenario())
