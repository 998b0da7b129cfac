"""``saldo sms FROM TEXT``: the engine by hand, and ``saldo outbox list`` showing its reply."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from saldo.channels.sms import texts
from saldo.cli import app
from saldo.cli import context as cli_context
from saldo.runtime import Runtime
from tests.factories import make_line, snapshot


@pytest.fixture
def cli(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(cli_context, "_runtime", rt)
    return CliRunner()


def test_saldo_sms_prints_the_reply_and_leaves_it_in_the_outbox(
    rt: Runtime, cli: CliRunner
) -> None:
    msisdn = make_line(rt, credit="22.33")
    result = cli.invoke(app, ["sms", msisdn[3:], "saldo"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == texts.summary(snapshot(rt, msisdn))
    listed = cli.invoke(app, ["outbox", "list", "--to", msisdn, "--json"])
    (message,) = json.loads(listed.output)
    assert (message["from"], message["to"], message["status"]) == ("4155", msisdn, "pending")
    plain = cli.invoke(app, ["outbox", "list", "--to", msisdn])
    assert "[pending] sms_reply: Credito 12,34 €." in plain.output


def test_saldo_sms_json_and_the_short_code_option(rt: Runtime, cli: CliRunner) -> None:
    msisdn = make_line(rt)
    result = cli.invoke(app, ["sms", msisdn, "Dettaglio", "--json"])
    data = json.loads(result.output)
    assert data["status"] == "replied" and data["command"] == "details"
    assert data["reply"] == texts.details(snapshot(rt, msisdn))
    assert data["parts"] == 1
    other = cli.invoke(app, ["sms", msisdn, "saldo", "--to", "4242"])
    assert other.exit_code == 0
    assert "nessuna risposta" in other.output
