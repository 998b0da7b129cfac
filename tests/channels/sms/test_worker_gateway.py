"""``saldo worker --sms-gateway``: alerts and codes leave through the HTTP gateway when no
SMPP bind runs, once each."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from saldo.kit.origin import CLI
from saldo.notifications.service import list_messages
from saldo.payments.service import top_up
from saldo.runtime import Runtime
from tests.channels.sms.test_gateway import Gateway, gateway
from tests.factories import ROOT, make_line

__all__ = ["gateway"]


def _worker(
    rt: Runtime, db_url: str, *args: str, url: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "SALDO_DATABASE_URL": db_url,
        "SALDO_GATEWAY_OUTBOUND_URL": url,
        "SALDO_LANG": "en",
    }
    return subprocess.run(
        [sys.executable, "-m", "saldo.cli", "worker", "--once", "--sms-gateway", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_worker_sends_due_sms_through_the_gateway_once(
    rt: Runtime, db_url: str, gateway: Gateway
) -> None:
    msisdn = make_line(rt, plan="BASE", credit="0")
    with rt.transaction() as session:
        top_up(session, msisdn=msisdn, amount_cents=1000, ref="w-1", clock=rt.clock, origin=CLI)
    first = _worker(rt, db_url, url=gateway.url + "/send")
    assert first.returncode == 0, first.stderr
    assert "sent: 1" in first.stdout
    again = _worker(rt, db_url, url=gateway.url + "/send")
    assert "sent: 0" in again.stdout
    assert len(gateway.requests) == 1
    body = json.loads(gateway.requests[0]["body"])
    assert msisdn in json.dumps(body) and "Ricarica di 10,00 €" in json.dumps(
        body, ensure_ascii=False
    )
    with rt.transaction() as session:
        (message,) = list_messages(session, recipient=msisdn)
        assert message.status == "sent" and message.external_id == "gw-1"


def test_without_an_outbound_url_the_flag_is_refused(rt: Runtime, db_url: str) -> None:
    done = _worker(rt, db_url)
    assert done.returncode == 2 and "set SALDO_GATEWAY_OUTBOUND_URL" in done.stderr
