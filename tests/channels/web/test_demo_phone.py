"""The demo phone simulator: only under ``saldo serve --demo``; it drives the real SMS keyword
engine and the real dialog engine of the voice line and USSD."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import pytest

from saldo.channels.menus.speech import credit_sentence
from saldo.channels.sms import texts
from saldo.runtime import Runtime
from tests.channels.web.support import Server, Web, form_token, text_of
from tests.factories import make_line, snapshot


@pytest.fixture
def demo(server: Server, rt: Runtime) -> Iterator[Web]:
    rt.settings.demo = True
    app = Web(server, rt)
    yield app
    app.close()


def _screen(html: str) -> str:
    match = re.search(r'data-testid="screen">(.*?)</div>', html, flags=re.S)
    assert match, "no phone screen on the page"
    return unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


def test_the_simulator_is_not_there_without_demo(web: Web) -> None:
    make_line(web.rt)
    assert web.client().get("/demo/phone").status_code == 404


def test_an_sms_to_4155_is_answered_by_the_keyword_engine(demo: Web) -> None:
    msisdn = make_line(demo.rt, credit="20")
    phone = demo.client()
    page = phone.get("/demo/phone", params={"phone": msisdn})
    sent = phone.post(
        "/demo/phone/sms", data={"phone": msisdn, "text": "saldo", "csrf": form_token(page.text)}
    )
    assert sent.status_code == 303
    received = phone.get(sent.headers["location"])
    assert texts.summary(snapshot(demo.rt, msisdn)) in unescape(received.text)


def test_dial_4242_and_answer_on_the_keypad(demo: Web) -> None:
    msisdn = make_line(demo.rt, credit="20")
    phone = demo.client()
    token = form_token(phone.get("/demo/phone", params={"phone": msisdn}).text)
    dialled = phone.post(
        "/demo/phone/dial", data={"phone": msisdn, "number": "4242", "csrf": token}
    )
    page = phone.get(dialled.headers["location"])
    greeting = _screen(page.text)
    assert credit_sentence(snapshot(demo.rt, msisdn), "it") in greeting
    assert 'lang="it" data-say' in page.text  # read aloud with the browser's voice
    step = form_token(page.text, "step")
    pressed = phone.post(
        "/demo/phone/key",
        data={
            "phone": msisdn,
            "call": form_token(page.text, "call"),
            "dialled": "4242",
            "step": step,
            "key": "1",
            "csrf": token,
        },
    )
    after = phone.get(pressed.headers["location"])
    assert _screen(after.text) and _screen(after.text) != greeting
    assert int(form_token(after.text, "step")) == int(step) + 1
    assert phone.get(pressed.headers["location"]).text.count("data-say") == after.text.count(
        "data-say"
    )  # a refresh replays the turn, it does not press again


def test_dial_the_ussd_code(demo: Web) -> None:
    msisdn = make_line(demo.rt, credit="20")
    phone = demo.client()
    token = form_token(phone.get("/demo/phone", params={"phone": msisdn}).text)
    dialled = phone.post(
        "/demo/phone/dial", data={"phone": msisdn, "number": "*133#", "csrf": token}
    )
    menu = phone.get(dialled.headers["location"])
    first = _screen(menu.text)
    assert first
    pressed = phone.post(
        "/demo/phone/key",
        data={
            "phone": msisdn,
            "call": form_token(menu.text, "call"),
            "dialled": "*133#",
            "inputs": "",
            "key": "1",
            "csrf": token,
        },
    )
    assert "inputs=1" in pressed.headers["location"]
    assert _screen(phone.get(pressed.headers["location"]).text) != first


def test_the_login_code_sms_can_be_read_on_the_phone(demo: Web) -> None:
    msisdn = make_line(demo.rt)
    browser = demo.client()
    token = form_token(browser.get("/login").text)
    browser.post("/login", data={"msisdn": msisdn, "csrf": token})
    page = demo.client().get("/demo/phone", params={"phone": msisdn})
    assert f"Ultimo codice di accesso: {demo.last_code(msisdn)}" in text_of(page.text)


def test_phone_forms_need_their_token(demo: Web) -> None:
    msisdn = make_line(demo.rt)
    phone = demo.client()
    phone.get("/demo/phone")
    refused = phone.post("/demo/phone/sms", data={"phone": msisdn, "text": "SALDO"})
    assert refused.status_code == 422
    assert "Credito" not in phone.get("/demo/phone", params={"phone": msisdn}).text
