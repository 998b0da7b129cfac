"""Top-up in the app and the API: paid once whatever the clicks, failures in plain words."""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
from sqlalchemy import func, select, update

from saldo.kit.clock import FixedClock
from saldo.payments.models import Topup
from saldo.payments.orders.models import SandboxCharge, TopupOrder
from saldo.payments.providers import parse_card
from tests.channels.web.support import Web, form_token, text_of
from tests.factories import make_line, snapshot

CARD = {"card_number": "4242 4242 4242 4242", "card_expiry": "08/29", "card_cvc": "123"}
DECLINED = {**CARD, "card_number": "4000 0000 0000 0002"}
NO_FUNDS = {**CARD, "card_number": "4000 0000 0000 9995"}
PROVIDER_DOWN = {**CARD, "card_number": "4000 0000 0000 0119"}


def _counts(web: Web) -> tuple[int, int]:
    """(approved sandbox charges, top-ups applied)."""
    with web.rt.transaction() as session:
        charges = session.scalar(select(func.count()).where(SandboxCharge.outcome == "approved"))
        topups = session.scalar(select(func.count()).select_from(Topup))
    return int(charges or 0), int(topups or 0)


def _open_order(client: httpx.Client, amount: int = 1000) -> tuple[str, str]:
    """Choose an amount; returns (order path, csrf token of the card form)."""
    page = client.get("/topup")
    chosen = client.post(
        "/topup",
        data={
            "amount": str(amount),
            "key": form_token(page.text, "key"),
            "csrf": form_token(page.text),
        },
    )
    assert chosen.status_code == 303, chosen.text
    path = chosen.headers["location"]
    form = client.get(path)
    assert form.status_code == 200 and 'name="card_number"' in form.text
    return path, form_token(form.text)


def test_top_up_with_a_card_updates_the_credit_at_once(web: Web) -> None:
    msisdn = make_line(web.rt, credit="20")
    before = snapshot(web.rt, msisdn).credit_cents
    client = web.browser_login(msisdn)
    page = client.get("/topup")
    amounts = re.findall(r'name="amount" value="(\d+)"', page.text)
    assert amounts == ["500", "1000", "1500", "2000", "2500", "5000"]
    path, csrf = _open_order(client, 1500)
    assert _counts(web) == (0, 0)  # choosing an amount charges nothing
    paid = client.post(f"{path}/pay", data={**CARD, "csrf": csrf})
    assert paid.status_code == 303 and paid.headers["location"] == path
    receipt = text_of(client.get(path).text)
    assert "Ricarica effettuata" in receipt and "15,00 €" in receipt and "visa •••• 4242" in receipt
    assert snapshot(web.rt, msisdn).credit_cents == before + 1500
    assert f"{(before + 1500) // 100},{(before + 1500) % 100:02d} €" in receipt
    history = text_of(client.get("/topup").text)
    assert "Le tue ricariche" in history and "visa •••• 4242" in history
    inbox = text_of(client.get("/messages").text)
    assert "Ricarica di 15,00 € effettuata" in inbox
    assert _counts(web) == (1, 1)


def test_refresh_back_and_double_submit_never_charge_twice(web: Web) -> None:
    msisdn = make_line(web.rt, credit="20")
    before = snapshot(web.rt, msisdn).credit_cents
    client = web.browser_login(msisdn)
    path, csrf = _open_order(client)
    cookies = dict(client.cookies)

    def submit(_: int) -> int:
        with httpx.Client(base_url=web.url, cookies=cookies, timeout=20) as c:
            return c.post(f"{path}/pay", data={**CARD, "csrf": csrf}).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(submit, range(4)))
    assert statuses == [303] * 4
    again = client.post(f"{path}/pay", data={**CARD, "csrf": csrf})  # "refresh" re-posts
    assert again.status_code == 303
    back = client.get(path)  # the back button lands on the order: its receipt, no form
    assert "Ricarica effettuata" in back.text and 'name="card_number"' not in back.text
    assert back.headers["cache-control"] == "no-store"
    assert snapshot(web.rt, msisdn).credit_cents == before + 1000
    assert _counts(web) == (1, 1)


def test_a_declined_card_is_explained_and_another_card_pays_the_same_order(web: Web) -> None:
    msisdn = make_line(web.rt, credit="20")
    before = snapshot(web.rt, msisdn).credit_cents
    client = web.browser_login(msisdn)
    path, csrf = _open_order(client)
    client.post(f"{path}/pay", data={**DECLINED, "csrf": csrf})
    page = text_of(client.get(path).text)
    assert "la tua banca ha rifiutato il pagamento" in page.lower()
    assert "Non ti è stato addebitato nulla" in page
    client.post(f"{path}/pay", data={**NO_FUNDS, "csrf": csrf})
    assert "non ci sono fondi sufficienti" in text_of(client.get(path).text)
    client.post(f"{path}/pay", data={**PROVIDER_DOWN, "csrf": csrf})
    assert "non ha risposto" in text_of(client.get(path).text)
    assert snapshot(web.rt, msisdn).credit_cents == before
    assert _counts(web) == (0, 0)
    client.post(f"{path}/pay", data={**CARD, "csrf": csrf})
    assert "Ricarica effettuata" in client.get(path).text
    assert snapshot(web.rt, msisdn).credit_cents == before + 1000
    assert _counts(web) == (1, 1)


def test_bad_amounts_and_bad_cards_change_nothing(web: Web) -> None:
    msisdn = make_line(web.rt)
    client = web.browser_login(msisdn)
    page = client.get("/topup")
    token, key = form_token(page.text), form_token(page.text, "key")
    for amount in ("700", "-500", "abc", "", "100000"):
        refused = client.post("/topup", data={"amount": amount, "key": key, "csrf": token})
        assert refused.status_code == 422 and "scegli uno degli importi" in refused.text
    with web.rt.transaction() as session:
        assert session.scalar(select(func.count()).select_from(TopupOrder)) == 0
    path, csrf = _open_order(client)
    bad = client.post(f"{path}/pay", data={**CARD, "card_number": "4242424242424241", "csrf": csrf})
    assert bad.status_code == 422 and "controlla le cifre" in bad.text
    forged = client.post(f"{path}/pay", data={**CARD, "csrf": "nope"})
    assert forged.status_code == 422
    with web.rt.transaction() as session:
        assert session.scalar(select(TopupOrder.status)) == "pending"
    assert _counts(web) == (0, 0)


def test_a_top_up_resumes_a_suspended_plan(web: Web) -> None:
    msisdn = make_line(web.rt, credit="5")  # GIGA150 costs 9,99 €: suspended from the start
    assert snapshot(web.rt, msisdn).plan.status == "suspended"
    client = web.browser_login(msisdn)
    page = text_of(client.get("/topup").text)
    assert "con una ricarica di almeno 4,99 € riparte subito" in page
    path, csrf = _open_order(client, 500)
    client.post(f"{path}/pay", data={**CARD, "csrf": csrf})
    after = snapshot(web.rt, msisdn)
    assert after.plan.status == "active" and after.credit_cents == 1000 - 999


def test_an_order_interrupted_after_the_charge_is_settled_from_the_provider(
    web: Web, clock: FixedClock
) -> None:
    msisdn = make_line(web.rt, credit="20")
    before = snapshot(web.rt, msisdn).credit_cents
    client = web.browser_login(msisdn)
    path, _csrf = _open_order(client)
    ref = path.rsplit("/", 1)[1]
    # the request died between the provider's approval and the settlement
    card = parse_card(CARD["card_number"], "08/29", "123", today=clock.now().date())
    web.app.state.payment_provider.charge(key=f"{ref}:1", amount_cents=1000, card=card)
    with web.rt.transaction() as session:
        session.execute(
            update(TopupOrder).where(TopupOrder.ref == ref).values(status="processing", attempts=1)
        )
    assert "Pagamento in corso" in client.get(path).text
    clock.set(clock.now() + timedelta(seconds=61))
    assert "Ricarica effettuata" in client.get(path).text
    assert snapshot(web.rt, msisdn).credit_cents == before + 1000
    assert _counts(web) == (1, 1)


def _api_topup(
    client: httpx.Client, key: str | None, amount: int = 1000, number: str = "4242424242424242"
) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key else {}
    body = {"amount_cents": amount, "card": {"number": number, "expiry": "08/29", "cvc": "123"}}
    return client.post("/api/v1/me/topups", json=body, headers=headers)


def test_api_top_up_is_idempotent_by_its_key(web: Web) -> None:
    msisdn = make_line(web.rt, credit="20")
    before = snapshot(web.rt, msisdn).credit_cents
    api = web.api_login(msisdn)
    key = str(uuid.uuid4())
    first = _api_topup(api, key)
    assert first.status_code == 201 and first.json()["status"] == "paid"
    replay = _api_topup(api, key)
    assert replay.status_code == 201 and replay.json() == first.json()
    reused = _api_topup(api, key, amount=2000)
    assert reused.status_code == 409 and reused.json()["code"] == "idempotency_key_reused"
    assert snapshot(web.rt, msisdn).credit_cents == before + 1000
    assert _counts(web) == (1, 1)
    listed = api.get("/api/v1/me/topups").json()
    assert [t["ref"] for t in listed] == [first.json()["ref"]]
    assert api.get(f"/api/v1/me/topups/{first.json()['ref']}").json() == first.json()


def test_api_top_up_failures_and_bad_input(web: Web) -> None:
    msisdn = make_line(web.rt, credit="20")
    before = snapshot(web.rt, msisdn).credit_cents
    api = web.api_login(msisdn)
    missing = _api_topup(api, None)
    assert missing.status_code == 422 and "Idempotency-Key" in missing.json()["message"]
    declined = _api_topup(api, "key-declined-1", number="4000000000000002")
    assert declined.status_code == 402
    assert declined.json()["code"] == "payment_declined"
    assert "Non ti è stato addebitato nulla" in declined.json()["message"]
    assert _api_topup(api, "key-declined-1", number="4000000000000002").json() == declined.json()
    no_funds = _api_topup(api, "key-no-funds-1", number="4000000000009995")
    assert (no_funds.status_code, no_funds.json()["code"]) == (402, "payment_insufficient_funds")
    for amount in (499, 15001, 0, -100):
        wrong = _api_topup(api, f"key-amount-{amount}", amount=amount)
        assert wrong.status_code == 422 and wrong.json()["code"] == "topup_amount_invalid"
    bad_card = _api_topup(api, "key-bad-card", number="4242424242424241")
    assert bad_card.status_code == 422 and bad_card.json()["code"] == "card_invalid"
    assert _api_topup(api, "short").status_code == 422
    assert snapshot(web.rt, msisdn).credit_cents == before
    assert _counts(web) == (0, 0)


def test_api_concurrent_retries_with_one_key_charge_once(web: Web) -> None:
    msisdn = make_line(web.rt, credit="20")
    before = snapshot(web.rt, msisdn).credit_cents
    api = web.api_login(msisdn)
    headers = dict(api.headers)

    def send(_: int) -> tuple[int, str]:
        with httpx.Client(base_url=web.url, headers=headers, timeout=20) as c:
            answer = _api_topup(c, "one-key-for-all")
            return answer.status_code, answer.json().get("code", answer.json().get("status"))

    with ThreadPoolExecutor(max_workers=5) as pool:
        answers = list(pool.map(send, range(5)))
    assert all(a in {(201, "paid"), (409, "topup_in_progress")} for a in answers), answers
    assert (201, "paid") in answers
    assert snapshot(web.rt, msisdn).credit_cents == before + 1000
    assert _counts(web) == (1, 1)
