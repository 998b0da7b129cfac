"""Free credit in production: the sandbox's test cards top up only where the sandbox is meant."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import func, select

from saldo.balances.models import LedgerEntry
from saldo.payments.models import Topup
from saldo.payments.orders.models import SandboxCharge, TopupOrder
from saldo.payments.sandbox import SANDBOX
from saldo.runtime import Runtime
from tests.channels.web.support import Server, Web, form_token, text_of
from tests.factories import make_line, snapshot

TEST_CARD = {"number": "4242 4242 4242 4242", "expiry": "08/29", "cvc": "123"}


def _api_topup(client: httpx.Client, amount: int = 15000) -> httpx.Response:
    return client.post(
        "/api/v1/me/topups",
        json={"amount_cents": amount, "card": TEST_CARD},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )


def _rows(rt: Runtime, model: type) -> int:
    with rt.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_sandbox_card_does_not_top_up_without_demo(server: Server, rt: Runtime) -> None:
    web = Web(server, rt)  # a server as an operator starts it: no --demo, no provider named
    try:
        msisdn = make_line(rt, credit="20")
        before = snapshot(rt, msisdn).credit_cents
        api = web.api_login(msisdn)
        answers = [_api_topup(api) for _ in range(3)]  # the probe: 3 x 150 € with 4242…
        assert [a.status_code for a in answers] == [503, 503, 503]
        assert answers[0].json()["code"] == "payments_unavailable"
        assert "non sono disponibili" in answers[0].json()["message"]
        english = api.post(
            "/api/v1/me/topups",
            json={"amount_cents": 1000, "card": TEST_CARD},
            headers={"Idempotency-Key": str(uuid.uuid4()), "Accept-Language": "en"},
        )
        assert english.status_code == 503 and "not available" in english.json()["message"]

        browser = web.browser_login(msisdn)
        page = browser.get("/topup")
        assert page.status_code == 503 and "non sono disponibili" in text_of(page.text)
        home = browser.get("/")
        chosen = browser.post(
            "/topup", data={"amount": "1000", "key": "k" * 20, "csrf": form_token(home.text)}
        )
        assert chosen.status_code == 503
        assert "Pagamenti di prova" not in home.text

        assert snapshot(rt, msisdn).credit_cents == before
        assert [_rows(rt, m) for m in (TopupOrder, SandboxCharge, Topup)] == [0, 0, 0]
    finally:
        web.close()


def test_sandbox_named_explicitly_tops_up_as_a_test_with_a_banner(
    server: Server, rt: Runtime
) -> None:
    rt.settings.web.payment_provider = SANDBOX
    web = Web(server, rt)
    try:
        msisdn = make_line(rt, credit="20")
        before = snapshot(rt, msisdn).credit_cents
        api = web.api_login(msisdn)
        paid = _api_topup(api, 1000)
        assert paid.status_code == 201, paid.text
        assert snapshot(rt, msisdn).credit_cents == before + 1000

        with rt.transaction() as session:
            topup = session.scalars(select(Topup)).one()
            marked = session.scalars(
                select(LedgerEntry.channel).where(LedgerEntry.channel.like("%:test"))
            ).all()
            kinds = session.scalars(
                select(LedgerEntry.kind).where(LedgerEntry.channel.like("%:test"))
            ).all()
        assert topup.channel == "api:test"
        assert marked == ["api:test"] and kinds == ["topup"]

        browser = web.browser_login(msisdn)
        for path in ("/", "/topup", "/usage"):
            assert "Pagamenti di prova" in text_of(browser.get(path).text), path
        assert "Pagamenti di prova" in text_of(web.client().get("/login").text)
        browser.get("/lang/en")
        assert "Test payments" in text_of(browser.get("/").text)
    finally:
        web.close()
