"""Sign-in of business users: one answer for every wrong credential, the lockout, TOTP,
logout revoking the token server-side."""

from __future__ import annotations

import json
from datetime import timedelta

from saldo.identity.totp import totp_now
from saldo.kit.clock import FixedClock
from tests.accounts.support import PASSWORD, VAT_A, make_account, make_company
from tests.channels.business.support import API, login
from tests.channels.web.support import Web


def _setup(web: Web) -> None:
    make_company(web.rt, vat=VAT_A, lines=1)
    make_account(web.rt, vat=VAT_A, admin="admin@azienda.it")


def test_wrong_email_and_wrong_password_get_the_same_answer(web: Web) -> None:
    _setup(web)
    client = web.client()
    nobody = client.post(f"{API}/token", json={"email": "x@y.it", "password": PASSWORD})
    wrong = client.post(f"{API}/token", json={"email": "admin@azienda.it", "password": "no" * 7})
    assert nobody.status_code == wrong.status_code == 401
    assert (
        nobody.json()
        == wrong.json()
        == {
            "code": "bad_credentials",
            "message": "credenziali non valide",
        }
    )
    good = client.post(f"{API}/token", json={"email": "Admin@Azienda.it", "password": PASSWORD})
    assert good.status_code == 200
    assert good.json()["token_type"] == "bearer" and good.json()["expires_in"] == 3600


def test_an_email_or_password_with_a_nul_byte_or_lone_surrogate_is_a_wrong_credential(
    web: Web,
) -> None:
    # found by schemathesis: PostgreSQL refuses a NUL byte as a parameter (it was a 500)
    _setup(web)
    client = web.client()
    # a NUL byte is text JSON may carry: a wrong credential; a lone surrogate is not valid
    # Unicode: the request is malformed
    for email, password, status in (
        ("\u0000`\u0003admin@azienda.it", PASSWORD, 401),
        ("admin@azienda.it\u0000", PASSWORD, 401),
        ("admin@azienda.it", "\u0000" * 12, 401),
        ("\udbcd\udd4e@azienda.it", PASSWORD, 401),  # a surrogate pair: one character
        ("admin@azienda.it", "\udaf8" * 12, 422),
    ):
        answer = client.post(
            f"{API}/token",
            content=json.dumps({"email": email, "password": password}),
            headers={"Content-Type": "application/json"},
        )
        assert answer.status_code == status, (email, answer.text)
    lines = client.get(f"{API}/lines", params={"q": "\u0000"})
    assert lines.status_code == 401  # not signed in: the filter is reached below


def test_five_failures_lock_even_the_right_password_for_fifteen_minutes(web: Web) -> None:
    _setup(web)
    client = web.client()
    for _ in range(5):
        bad = client.post(f"{API}/token", json={"email": "admin@azienda.it", "password": "x" * 12})
        assert bad.status_code == 401
    locked = client.post(f"{API}/token", json={"email": "admin@azienda.it", "password": PASSWORD})
    assert locked.status_code == 429
    assert 840 <= int(locked.headers["Retry-After"]) <= 900
    clock = web.rt.clock
    assert isinstance(clock, FixedClock)
    clock.set(clock.now() + timedelta(minutes=15, seconds=1))
    assert login(web, "admin@azienda.it").get(f"{API}/lines").status_code == 200


def test_totp_when_on_is_needed_for_a_token(web: Web) -> None:
    _setup(web)
    admin = login(web, "admin@azienda.it")
    setup = admin.post(f"{API}/profile/totp")
    assert setup.status_code == 200
    secret = setup.json()["secret"]
    assert setup.json()["uri"].startswith("otpauth://totp/")
    assert setup.json()["qr_svg"].startswith("<svg")
    assert admin.post(f"{API}/profile/totp/confirm", json={"code": "000000"}).status_code == 422
    now = web.rt.clock.now()
    on = admin.post(f"{API}/profile/totp/confirm", json={"code": totp_now(secret, now=now)})
    assert on.status_code == 204
    client = web.client()
    body = {"email": "admin@azienda.it", "password": PASSWORD}
    missing = client.post(f"{API}/token", json=body)
    assert missing.status_code == 401 and missing.json()["code"] == "totp_required"
    wrong = client.post(f"{API}/token", json={**body, "totp": "123456"})
    assert wrong.status_code == 401 and wrong.json()["code"] == "bad_credentials"
    right = client.post(f"{API}/token", json={**body, "totp": totp_now(secret, now=now)})
    assert right.status_code == 200


def test_logout_revokes_the_token_server_side(web: Web) -> None:
    _setup(web)
    admin = login(web, "admin@azienda.it")
    assert admin.delete(f"{API}/token").status_code == 204
    assert admin.get(f"{API}/lines").status_code == 401
