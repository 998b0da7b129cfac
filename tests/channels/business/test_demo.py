"""The demo: its business lines belong to a demo company whose admin can sign in; e-mails
stay in the outbox, listed by ``saldo outbox list --to EMAIL --json`` and shown at
/demo/mail."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from saldo.cli import app as cli_app
from saldo.cli import context as cli_context
from saldo.demo.seed import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, seed
from saldo.runtime import Runtime
from tests.channels.business.support import API, login
from tests.channels.web.support import Server, Web


@pytest.fixture
def demo(server: Server, rt: Runtime) -> Iterator[Web]:
    rt.settings.demo = True
    with rt.transaction() as session:
        seed(session, clock=rt.clock)
    app = Web(server, rt)
    yield app
    app.close()


def test_the_demo_company_admin_sees_the_business_lines(demo: Web) -> None:
    admin = login(demo, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD)
    lines = admin.get(f"{API}/lines").json()
    assert {(x["msisdn"], x["label"]) for x in lines} == {
        ("+393481234000", "Furgone consegne"),
        ("+393409998877", "Ufficio"),
    }
    with demo.rt.transaction() as session:
        seed(session, clock=demo.rt.clock)  # a second seed adds nothing
    assert len(admin.get(f"{API}/lines").json()) == 2


def test_emails_stay_in_the_outbox_and_show_in_the_demo_mailbox(
    demo: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = login(demo, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD)
    invited = admin.post(
        f"{API}/users", json={"email": "Mario@Officina.example", "role": "manager"}
    )
    assert invited.status_code == 201
    monkeypatch.setattr(cli_context, "_runtime", demo.rt)
    listed = CliRunner().invoke(
        cli_app, ["outbox", "list", "--to", "MARIO@officina.example", "--json"]
    )
    assert listed.exit_code == 0, listed.output
    (mail,) = json.loads(listed.output)
    assert mail["channel"] == "email" and mail["status"] == "pending"
    assert "/business/invite/" in mail["body"] and mail["subject"].startswith("Invito")
    page = demo.client().get("/demo/mail", params={"to": "mario@officina.example"})
    assert page.status_code == 200
    assert "/business/invite/" in page.text and "Posta demo" in page.text
    english = demo.client(cookies={"saldo_lang": "en"}).get("/demo/mail")
    assert "Demo mailbox" in english.text


def test_no_demo_mailbox_outside_the_demo(web: Web) -> None:
    assert web.client().get("/demo/mail").status_code == 404
