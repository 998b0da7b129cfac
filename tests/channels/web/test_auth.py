"""Login codes and sessions: the rules of the issue, exactly, over real HTTP."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from saldo.identity.models import LoginCode
from saldo.identity.models import PrincipalSession as WebSession
from saldo.kit.clock import FixedClock
from tests.channels.web.support import Web, form_token, text_of
from tests.factories import make_line

STRANGER = "+393489990001"  # a valid Italian mobile number that is nobody's line


def _otp(client, msisdn: str):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/auth/otp", json={"msisdn": msisdn})


def _token(client, msisdn: str, code: str):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/auth/token", json={"msisdn": msisdn, "otp": code})


def test_code_is_valid_five_minutes(web: Web, clock: FixedClock) -> None:
    msisdn = make_line(web.rt)
    client = web.client()
    start = clock.now()
    assert _otp(client, msisdn).status_code == 202
    code = web.last_code(msisdn)
    clock.set(start + timedelta(minutes=5))
    late = _token(client, msisdn, code)
    assert late.status_code == 401
    assert late.json()["code"] == "otp_invalid"
    clock.set(start + timedelta(minutes=5, seconds=1))
    assert _otp(client, msisdn).status_code == 202
    clock.set(start + timedelta(minutes=9, seconds=59))
    ok = _token(client, msisdn, web.last_code(msisdn))
    assert ok.status_code == 200
    body = ok.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    assert len(body["access_token"]) >= 40


def test_five_wrong_tries_burn_the_code(web: Web) -> None:
    msisdn = make_line(web.rt)
    client = web.client()
    _otp(client, msisdn)
    code = web.last_code(msisdn)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    answers = [_token(client, msisdn, wrong).json()["message"] for _ in range(4)]
    assert answers[0].endswith("4 tentativi") and answers[3].endswith("ti resta 1 tentativo")
    fifth = _token(client, msisdn, wrong)
    assert fifth.status_code == 401 and "bloccato" in fifth.json()["message"]
    after = _token(client, msisdn, code)  # the right code, too late
    assert after.status_code == 401 and "bloccato" in after.json()["message"]
    with web.rt.transaction() as session:
        assert session.scalar(select(LoginCode.status)) == "burned"
        assert session.scalar(select(WebSession.id)) is None


def test_the_right_code_on_the_fifth_try_still_works(web: Web) -> None:
    msisdn = make_line(web.rt)
    client = web.client()
    _otp(client, msisdn)
    code = web.last_code(msisdn)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(4):
        _token(client, msisdn, wrong)
    assert _token(client, msisdn, code).status_code == 200
    assert _token(client, msisdn, code).status_code == 401  # used once only


def test_three_codes_per_number_per_fifteen_minutes(web: Web, clock: FixedClock) -> None:
    msisdn = make_line(web.rt)
    client = web.client()
    start = clock.now()
    for minute in (0, 1, 2):
        clock.set(start + timedelta(minutes=minute))
        assert _otp(client, msisdn).status_code == 202
    refused = _otp(client, msisdn)
    assert refused.status_code == 429
    assert refused.json()["code"] == "otp_rate_limited"
    assert refused.headers["Retry-After"] == str(13 * 60)
    assert web.codes_sent(msisdn) == 3
    clock.set(start + timedelta(minutes=15, seconds=1))
    assert _otp(client, msisdn).status_code == 202
    assert web.codes_sent(msisdn) == 4


def test_a_new_code_replaces_the_previous_one(web: Web) -> None:
    msisdn = make_line(web.rt)
    client = web.client()
    _otp(client, msisdn)
    first = web.last_code(msisdn)
    _otp(client, msisdn)
    second = web.last_code(msisdn)
    if first != second:
        assert _token(client, msisdn, first).status_code == 401
    assert _token(client, msisdn, second).status_code == 200


def test_codes_are_stored_only_as_keyed_hashes(web: Web) -> None:
    msisdn = make_line(web.rt)
    _otp(web.client(), msisdn)
    code = web.last_code(msisdn)
    with web.rt.transaction() as session:
        stored = session.scalar(select(LoginCode.code_hash))
    assert stored is not None and code not in stored and len(stored) == 64


def test_no_enumeration_a_stranger_gets_the_same_answers(web: Web) -> None:
    msisdn = make_line(web.rt)
    client = web.client()
    mine, theirs = _otp(client, msisdn), _otp(client, STRANGER)
    assert (mine.status_code, mine.json()) == (theirs.status_code, theirs.json())
    assert web.codes_sent(STRANGER) == 0  # no SMS to a number that is not a customer
    wrong_mine = _token(client, msisdn, "000000" if web.last_code(msisdn) != "000000" else "1")
    wrong_theirs = _token(client, STRANGER, "000000")
    assert (wrong_mine.status_code, wrong_mine.json()) == (
        wrong_theirs.status_code,
        wrong_theirs.json(),
    )
    for _ in range(2):  # the limit counts the same for both
        _otp(client, msisdn)
        _otp(client, STRANGER)
    limited_mine, limited_theirs = _otp(client, msisdn), _otp(client, STRANGER)
    assert limited_mine.status_code == limited_theirs.status_code == 429
    assert limited_mine.json() == limited_theirs.json()
    # the login page says the same sentence for both numbers
    pages = []
    for number in (msisdn, STRANGER):
        browser = web.client()
        token = form_token(browser.get("/login").text)
        sent = browser.post("/login", data={"msisdn": number, "csrf": token})
        pages.append((sent.status_code, text_of(sent.text).replace(number, "N")))
    assert pages[0] == pages[1]


def test_bad_input_is_answered_and_changes_nothing(web: Web) -> None:
    msisdn = make_line(web.rt)
    client = web.client()
    for body in ({"msisdn": "12"}, {"msisdn": "+3906123456"}, {}, {"msisdn": "x" * 41}):
        answer = client.post("/api/v1/auth/otp", json=body)
        assert answer.status_code == 422
        assert set(answer.json()) == {"code", "message"}
    _otp(client, msisdn)
    for code in ("12345", "abcdef", "1234567"):
        answer = _token(client, msisdn, code)
        assert answer.status_code == 422, answer.text
    with web.rt.transaction() as session:
        assert session.scalar(select(LoginCode.attempts)) == 0
    assert client.post("/api/v1/auth/otp", content=b"{not json").status_code == 422


def test_browser_login_sets_a_safe_cookie_and_logout_ends_it(web: Web) -> None:
    msisdn = make_line(web.rt)
    client = web.client()
    token = form_token(client.get("/login").text)
    client.post("/login", data={"msisdn": msisdn, "csrf": token})
    done = client.post("/login/code", data={"otp": web.last_code(msisdn), "csrf": token})
    cookie = done.headers["set-cookie"].lower()
    assert "saldo_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # plain HTTP here; see the TLS test below
    home = client.get("/")
    assert home.status_code == 200 and msisdn in home.text
    old_cookie = client.cookies.get("saldo_session")
    out = client.post("/logout", data={"csrf": form_token(home.text)})
    assert out.status_code == 303 and out.headers["location"] == "/login?reason=bye"
    again = web.client(cookies={"saldo_session": old_cookie or ""})
    assert again.get("/").headers["location"].startswith("/login")


def test_cookies_are_secure_behind_tls(web: Web) -> None:
    web.rt.settings.web.secure_cookies = True
    client = web.client()
    page = client.get("/login")
    assert "secure" in page.headers["set-cookie"].lower()


def test_sessions_expire_when_idle(web: Web, clock: FixedClock) -> None:
    msisdn = make_line(web.rt)
    browser = web.browser_login(msisdn)
    api = web.api_login(msisdn)
    start = clock.now()
    clock.set(start + timedelta(minutes=29))
    assert browser.get("/").status_code == 200  # activity moves the idle deadline
    assert api.get("/api/v1/me/balance").status_code == 200
    clock.set(start + timedelta(minutes=58))
    assert browser.get("/").status_code == 200
    clock.set(start + timedelta(minutes=58 + 30))
    expired = browser.get("/usage")
    assert expired.status_code == 303
    assert expired.headers["location"] == "/login?next=%2Fusage&reason=expired"
    refused = api.get("/api/v1/me/balance")
    assert refused.status_code == 401 and refused.json()["code"] == "not_signed_in"
    assert refused.headers["WWW-Authenticate"] == "Bearer"


def test_api_tokens_end_after_their_lifetime_and_on_revocation(web: Web, clock: FixedClock) -> None:
    msisdn = make_line(web.rt)
    api = web.api_login(msisdn)
    start = clock.now()
    for minutes in (20, 40, 59):
        clock.set(start + timedelta(minutes=minutes))
        assert api.get("/api/v1/me/balance").status_code == 200
    clock.set(start + timedelta(minutes=60))
    assert api.get("/api/v1/me/balance").status_code == 401
    other = web.api_login(msisdn)
    assert other.delete("/api/v1/auth/token").status_code == 204
    assert other.get("/api/v1/me/balance").status_code == 401


def test_login_forms_refuse_a_missing_or_foreign_csrf_token(web: Web) -> None:
    msisdn = make_line(web.rt)
    client = web.client()
    token = form_token(client.get("/login").text)
    for data in ({"msisdn": msisdn}, {"msisdn": msisdn, "csrf": "forged"}):
        refused = client.post("/login", data=data)
        assert refused.status_code == 422 and "modulo è scaduto" in refused.text
    foreign = client.post(
        "/login", data={"msisdn": msisdn, "csrf": token}, headers={"Origin": "https://evil.test"}
    )
    assert foreign.status_code == 422
    stranger = web.client()  # a page's token does not work with another browser's cookie
    stranger.get("/login")
    assert stranger.post("/login", data={"msisdn": msisdn, "csrf": token}).status_code == 422
    assert web.codes_sent(msisdn) == 0


def test_malformed_authorization_headers_are_refused(web: Web) -> None:
    msisdn = make_line(web.rt)
    token = web.api_login(msisdn).headers["Authorization"].removeprefix("Bearer ")
    client = web.client()
    assert (
        client.get("/api/v1/me/balance", headers={"Authorization": f"bearer {token}"}).status_code
        == 200
    )
    for header in (
        f"Basic {token}",
        token,
        "Bearer",
        f"Bearer  {token}x",
        f"Bearer {token}x",
        "x" * 300,
    ):
        for path in ("/api/v1/me/balance", "/api/v1/me/usage"):
            answer = client.get(path, headers={"Authorization": header})
            assert answer.status_code == 401, (header[:20], path)
