"""The default secret key signs nothing on a real server; rotated keys still verify."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from saldo.config import DEFAULT_SECRET_KEY
from saldo.runtime import Runtime
from tests.channels.web.support import Server, Web
from tests.factories import make_line

KEY = "the-operator-s-own-key-" + "r" * 20
OLD_KEY = "the-key-before-the-rotation-" + "o" * 20


def _mac(key: str, purpose: str, value: str) -> str:
    return hmac.new(key.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def _login_cookie(key: str, msisdn: str) -> str:
    """The cookie of a sign-in under way, as the app signs it: ``<number> <next>|<mac>``."""
    value = f"{msisdn} /"
    return f"{value}|{_mac(key, 'login', value)}"


@pytest.fixture
def app(server: Server, rt: Runtime) -> Iterator[Web]:
    rt.settings.web.secret_key = SecretStr(KEY)
    rt.settings.web.previous_secret_keys = [SecretStr(OLD_KEY)]
    web = Web(server, rt)
    yield web
    web.close()


def _send_code(app: Web, key: str, msisdn: str) -> int:
    """POST /login with a CSRF token made with ``key``; its status."""
    client = app.client()
    client.cookies.set("saldo_form", "seed-chosen-by-the-attacker")
    answer = client.post(
        "/login",
        data={"msisdn": msisdn, "csrf": _mac(key, "form", "seed-chosen-by-the-attacker")},
    )
    return answer.status_code


def _code_page(app: Web, cookie: str) -> int:
    client = app.client()
    client.cookies.set("saldo_login", cookie)
    return client.get("/login/code").status_code


def test_forged_session_cookie_and_csrf_token_with_the_default_key_are_refused(
    app: Web,
) -> None:
    msisdn = make_line(app.rt)
    assert _send_code(app, DEFAULT_SECRET_KEY, msisdn) == 422
    assert app.codes_sent(msisdn) == 0
    assert _code_page(app, _login_cookie(DEFAULT_SECRET_KEY, msisdn)) == 303  # to /login
    # the same forgeries made with the server's own key pass: the refusal is the key's
    assert _send_code(app, KEY, msisdn) == 303
    assert app.codes_sent(msisdn) == 1
    assert _code_page(app, _login_cookie(KEY, msisdn)) == 200


def test_rotation_accepts_the_previous_key_and_signs_with_the_new_one(app: Web) -> None:
    msisdn = make_line(app.rt)
    assert _code_page(app, _login_cookie(OLD_KEY, msisdn)) == 200
    assert _code_page(app, _login_cookie("a-key-never-configured-" + "n" * 20, msisdn)) == 303
    client = app.client()
    client.cookies.set("saldo_form", "seed-of-a-form-served-before-the-rotation")
    sent = client.post(
        "/login",
        data={
            "msisdn": msisdn,
            "csrf": _mac(OLD_KEY, "form", "seed-of-a-form-served-before-the-rotation"),
        },
    )
    assert sent.status_code == 303 and app.codes_sent(msisdn) == 1
    assert sent.cookies["saldo_login"].strip('"') == _login_cookie(KEY, msisdn)
