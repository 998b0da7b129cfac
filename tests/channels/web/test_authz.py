"""Authorization: every page and API route, tried with no session and with another
customer's identifiers. Nothing of the other line leaks, nothing of it changes."""

from __future__ import annotations

import re
from typing import Any

import httpx
from sqlalchemy import select

from saldo.channels.selfcare import (
    home,
    invoices,
    login,
    messages,
    options,
    plan,
    profile,
    tickets,
    topup,
    usage,
)
from saldo.lines.models import Line
from saldo.notifications.models import OutboxMessage
from saldo.notifications.service import enqueue
from saldo.payments.orders.models import TopupOrder
from tests.channels.web.support import Web, form_token
from tests.factories import make_line, snapshot

PUBLIC = {"/login", "/login/code", "/lang/{code}", "/manifest.webmanifest", "/logout"}
PAGE_MODULES = (home, login, topup, plan, options, usage, messages, invoices, profile, tickets)


def _page_routes() -> list[tuple[str, str]]:
    routes = []
    for module in PAGE_MODULES:
        for route in module.router.routes:
            for method in sorted(getattr(route, "methods", ())):
                routes.append((method, route.path))  # type: ignore[attr-defined]
    return routes


def _api_routes(client: httpx.Client) -> list[tuple[str, str]]:
    paths = client.get("/openapi.json").json()["paths"]
    return [
        (method.upper(), path)
        for path, operations in paths.items()
        if path.startswith("/api/v1/me")
        for method in operations
    ]


def _fill(path: str, values: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in values, f"no test value for {{{name}}} in {path}: add one"
        return values[name]

    return re.sub(r"\{(\w+)\}", one, path)


def _state(web: Web, msisdn: str) -> dict[str, Any]:
    """Everything of a line that a request could change."""
    with web.rt.transaction() as session:
        line = session.scalars(select(Line).where(Line.msisdn == msisdn)).one()
        orders = session.execute(
            select(TopupOrder.ref, TopupOrder.status, TopupOrder.attempts).where(
                TopupOrder.line_id == line.id
            )
        ).all()
        inbox = session.execute(
            select(OutboxMessage.id, OutboxMessage.read_at).where(OutboxMessage.recipient == msisdn)
        ).all()
        pin, pending = line.pin_hash, line.pending_plan_code
    return {
        "snapshot": snapshot(web.rt, msisdn).model_dump(),
        "orders": sorted(orders),
        "inbox": sorted(inbox),
        "pin": pin,
        "pending": pending,
    }


def _victim(web: Web) -> tuple[str, dict[str, str]]:
    """Line B with an open top-up order, an unread message and an active option."""
    msisdn = make_line(web.rt, credit="40")
    client = web.browser_login(msisdn)
    page = client.get("/topup")
    order = client.post(
        "/topup",
        data={"amount": "1000", "key": form_token(page.text, "key"), "csrf": form_token(page.text)},
    )
    ref = order.headers["location"].rsplit("/", 1)[1]
    confirm = client.get("/options/MONDO_100/on")
    client.post("/options/MONDO_100/on", data={"csrf": form_token(confirm.text)})
    with web.rt.transaction() as session:
        enqueue(
            session,
            recipient=msisdn,
            body="Per B soltanto",
            topic="threshold",
            now=web.rt.clock.now(),
        )
        message_id = session.scalar(
            select(OutboxMessage.id).where(
                OutboxMessage.recipient == msisdn, OutboxMessage.topic == "threshold"
            )
        )
    values = {
        "ref": ref,
        "message_id": str(message_id),
        "code": "MONDO_100",
        "action": "off",
        "msisdn": msisdn,
        "number": "M-2026-000001",
        "attachment_id": "1",
    }
    return msisdn, values


FORM = {
    "csrf": "x",
    "amount": "1000",
    "key": "k" * 20,
    "when": "now",
    "pin": "4829",
    "pin_again": "4829",
    "card_number": "4242424242424242",
    "card_expiry": "08/29",
    "card_cvc": "123",
    "msisdn": "",
    "otp": "000000",
}


def _leaks(answer: httpx.Response, victim: str, values: dict[str, str]) -> bool:
    """B's number or B's private message in the answer (B's order ref may be echoed back
    in a link to the page asked for: the asker typed it)."""
    body = answer.text
    return victim in body or "Per B soltanto" in body or "Paga 10,00 €" in body


def test_pages_without_a_session_send_to_the_login_and_change_nothing(web: Web) -> None:
    victim, values = _victim(web)
    before = _state(web, victim)
    anonymous = web.client()
    checked = 0
    for method, path in _page_routes():
        if path in PUBLIC:
            continue
        url = _fill(path, values)
        answer = anonymous.request(method, url, data=FORM if method == "POST" else None)
        assert answer.status_code == 303, (method, url, answer.status_code)
        assert answer.headers["location"].startswith("/login"), (method, url)
        assert not _leaks(answer, victim, values)
        checked += 1
    assert checked >= 19
    assert _state(web, victim) == before


def test_api_without_a_token_answers_401_and_changes_nothing(web: Web) -> None:
    victim, values = _victim(web)
    anonymous = web.client()
    browser = web.browser_login(victim)  # a page cookie is not an API token
    before = _state(web, victim)
    routes = _api_routes(anonymous)
    assert len(routes) >= 12
    for client in (anonymous, browser):
        for method, path in routes:
            url = _fill(path, values)
            body = {"plan_code": "GIGA200", "option_code": "GIGA_EXTRA_10", "pin": "4829"}
            answer = client.request(method, url, json=body if method in ("POST", "PUT") else None)
            assert answer.status_code == 401, (method, url, answer.status_code)
            assert answer.json()["code"] == "not_signed_in"
            assert not _leaks(answer, victim, values)
    assert _state(web, victim) == before


def test_another_customers_identifiers_reach_nothing(web: Web) -> None:
    victim, values = _victim(web)
    before = _state(web, victim)
    me = make_line(web.rt, credit="40")
    browser = web.browser_login(me)
    api = web.api_login(me)
    token = form_token(browser.get("/").text)
    mine_before = _state(web, me)
    # pages that name an object of B's
    for method, path, expected in [
        ("GET", "/topup/orders/{ref}", 404),
        ("POST", "/topup/orders/{ref}/pay", 404),
        ("POST", "/messages/{message_id}/read", 404),
        ("GET", "/options/{code}/off", 404),
        ("POST", "/options/{code}/off", 409),
    ]:
        url = _fill(path, values)
        answer = browser.request(
            method, url, data={**FORM, "csrf": token} if method == "POST" else None
        )
        assert answer.status_code == expected, (method, url, answer.status_code)
        assert not _leaks(answer, victim, values), answer.text
    # the API, the same objects
    for method, path, expected in [
        ("GET", "/api/v1/me/topups/{ref}", 404),
        ("POST", "/api/v1/me/messages/{message_id}/read", 404),
        ("DELETE", "/api/v1/me/options/{code}", 409),
    ]:
        answer = api.request(method, _fill(path, values))
        assert answer.status_code == expected, (method, path, answer.status_code)
        assert not _leaks(answer, victim, values)
    # a number slipped into the query or the body is ignored: one's own line only
    for path in ("/", "/usage", "/messages", "/topup"):
        page = browser.get(path, params={"msisdn": victim})
        assert page.status_code == 200 and not _leaks(page, victim, values)
        assert me in page.text or path != "/"
    balance = api.get("/api/v1/me/balance", params={"msisdn": victim}).json()
    assert balance["msisdn"] == me
    assert all(
        victim not in api.get(p).text
        for p in (
            "/api/v1/me/usage",
            "/api/v1/me/messages",
            "/api/v1/me/topups",
            "/api/v1/me/options",
        )
    )
    assert _state(web, victim) == before
    assert _state(web, me)["snapshot"] == mine_before["snapshot"]


def test_forms_without_the_sessions_csrf_token_change_nothing(web: Web) -> None:
    me = make_line(web.rt, credit="40")
    browser = web.browser_login(me)
    page = browser.get("/topup")
    ref = (
        browser.post(
            "/topup",
            data={
                "amount": "1000",
                "key": form_token(page.text, "key"),
                "csrf": form_token(page.text),
            },
        )
        .headers["location"]
        .rsplit("/", 1)[1]
    )
    before = _state(web, me)
    other = web.browser_login(make_line(web.rt))
    foreign_token = form_token(other.get("/").text)  # a real token, of another session
    posts = [p for m, p in _page_routes() if m == "POST" and p not in PUBLIC]
    assert len(posts) >= 7
    for path in posts:
        url = _fill(
            path,
            {
                "ref": ref,
                "message_id": "1",
                "code": "GIGA_EXTRA_10",
                "action": "on",
                "number": "M-2026-000001",
            },
        )
        for token in ("", "forged", foreign_token):
            answer = browser.post(url, data={**FORM, "code": "GIGA200", "csrf": token})
            assert answer.status_code in (404, 422), (url, token, answer.status_code)
        cross = browser.post(
            url,
            data={**FORM, "csrf": form_token(browser.get("/").text)},
            headers={"Origin": "https://evil.test"},
        )
        assert cross.status_code in (404, 422), (url, cross.status_code)
    assert _state(web, me) == before
