"""The attacks of the probe on sign-in, reproduced over HTTP: codes asked for many numbers
from one address, a spoofed X-Forwarded-For, a number range pumped, the SMS budget."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import httpx
from sqlalchemy import func, select
from structlog.testing import capture_logs

from saldo.identity.limits import refused_sms_today
from saldo.identity.models import RateCounter
from saldo.kit.clock import FixedClock
from saldo.worker import purge
from tests.channels.web.support import Web, form_token, text_of
from tests.factories import make_line
from tests.identity.conftest import number

PROXY = "127.0.0.1"  # the test client's own address: it plays the reverse proxy


def _otp(client: httpx.Client, msisdn: str, **headers: str) -> httpx.Response:
    return client.post("/api/v1/auth/otp", json={"msisdn": msisdn}, headers=headers)


def _token(client: httpx.Client, msisdn: str, code: str = "000000") -> httpx.Response:
    return client.post("/api/v1/auth/token", json={"msisdn": msisdn, "otp": code})


def _refused(answer: httpx.Response, *, within: int) -> None:
    assert answer.status_code == 429, answer.text
    assert answer.json()["code"] == "sign_in_rate_limited"
    assert 0 < int(answer.headers["Retry-After"]) <= within


def test_otp_guessing_across_numbers_is_limited_per_address(
    app: Callable[..., Web], clock: FixedClock
) -> None:
    web = app()
    client = web.client()
    start = clock.now()
    assert [_otp(client, number(i)).status_code for i in range(10)] == [202] * 10
    refused = _otp(client, number(10))
    _refused(refused, within=60)
    assert refused.json()["message"].startswith("troppi tentativi di accesso")
    english = client.post(
        "/api/v1/auth/otp", json={"msisdn": number(11)}, headers={"Accept-Language": "en"}
    )
    assert english.json()["message"].startswith("too many sign-in attempts")
    for minute in (1, 2):  # 10 a minute, 30 an hour
        clock.set(start + timedelta(minutes=minute))
        answers = [_otp(client, number(100 * minute + i)).status_code for i in range(11)]
        assert answers == [202] * 10 + [429]
    clock.set(start + timedelta(minutes=3))
    _refused(_otp(client, number(400)), within=3600 - 3 * 60)
    assert web.codes_sent(number(400)) == 0


def test_wrong_codes_across_numbers_are_limited_per_address(web_app: Web) -> None:
    client = web_app.client()
    msisdn = make_line(web_app.rt)
    assert _otp(client, msisdn).status_code == 202
    answers = [_token(client, number(i)).status_code for i in range(30)]
    assert answers == [401] * 30
    _refused(_token(client, number(31)), within=3600)
    _refused(_token(client, msisdn, web_app.last_code(msisdn)), within=3600)  # even the right one
    other = web_app.client(
        headers={"X-Forwarded-For": "198.51.100.7"}
    )  # not believed: same address
    _refused(_token(other, msisdn, web_app.last_code(msisdn)), within=3600)


def test_a_spoofed_x_forwarded_for_is_not_believed(app: Callable[..., Web]) -> None:
    direct = app().client()
    answers = [
        _otp(direct, number(i), **{"X-Forwarded-For": f"198.51.100.{i}"}).status_code
        for i in range(11)
    ]
    assert answers == [202] * 10 + [429]


def test_x_forwarded_for_is_read_only_from_trusted_proxies(app: Callable[..., Web]) -> None:
    client = app(trusted_proxies=f"10.0.0.0/8, {PROXY}").client()
    via = {"X-Forwarded-For": "198.51.100.1"}
    assert [_otp(client, number(i), **via).status_code for i in range(10)] == [202] * 10
    _refused(_otp(client, number(10), **via), within=60)
    # the client's own claim sits left of what the proxy appended: the proxy's word counts
    spoofed = {"X-Forwarded-For": "203.0.113.50, 198.51.100.1"}
    _refused(_otp(client, number(11), **spoofed), within=60)
    assert _otp(client, number(12), **{"X-Forwarded-For": "198.51.100.2"}).status_code == 202
    chained = {"X-Forwarded-For": "198.51.100.3, 10.1.2.3"}  # two proxies of ours
    assert _otp(client, number(13), **chained).status_code == 202


def test_otp_requests_are_limited_per_number_range(app: Callable[..., Web]) -> None:
    client = app(trusted_proxies=PROXY, otp_per_range_hour=5).client()
    same_range = [f"+39348123{i:04d}" for i in range(7)]
    for i, msisdn in enumerate(same_range[:5]):  # from five different addresses
        assert _otp(client, msisdn, **{"X-Forwarded-For": f"198.51.100.{i}"}).status_code == 202
    _refused(_otp(client, same_range[5], **{"X-Forwarded-For": "198.51.100.99"}), within=3600)
    assert _otp(client, "+393481240000", **{"X-Forwarded-For": "198.51.100.99"}).status_code == 202


def test_the_global_login_sms_budget_refuses_and_alarms(
    app: Callable[..., Web], clock: FixedClock
) -> None:
    web = app(trusted_proxies=PROXY, otp_sms_per_minute=3)
    client = web.client()

    def ask(i: int) -> httpx.Response:
        return _otp(client, number(i), **{"X-Forwarded-For": f"198.51.100.{i}"})

    assert [ask(i).status_code for i in range(3)] == [202] * 3
    with capture_logs() as logs:
        refused = [ask(i) for i in range(3, 6)]
    for answer in refused:
        _refused(answer, within=60)
        assert answer.json()["message"].startswith("troppe richieste di accesso in questo momento")
    alarms = [e for e in logs if e["event"] == "identity.login_sms_budget_exceeded"]
    assert len(alarms) == 1 and alarms[0]["log_level"] == "error"
    assert alarms[0]["budget_per_minute"] == 3
    with web.rt.transaction() as session:
        assert refused_sms_today(session, now=clock.now()) == 3
    clock.set(clock.now() + timedelta(minutes=1))
    assert ask(7).status_code == 202


def test_customers_and_strangers_are_counted_the_same(app: Callable[..., Web]) -> None:
    web = app(trusted_proxies=PROXY)
    client = web.client()
    customers = [make_line(web.rt) for _ in range(5)]
    strangers = [number(i) for i in range(10)]
    mixed = [m for pair in zip(customers, strangers, strict=False) for m in pair]
    first = {"X-Forwarded-For": "198.51.100.1"}
    second = {"X-Forwarded-For": "198.51.100.2"}
    assert [_otp(client, m, **first).status_code for m in strangers] == [202] * 10
    assert [_otp(client, m, **second).status_code for m in mixed] == [202] * 10
    after_strangers = _otp(client, customers[0], **first)
    after_mixed = _otp(client, strangers[0], **second)
    _refused(after_strangers, within=60)
    assert (after_strangers.json(), after_strangers.headers["Retry-After"]) == (
        after_mixed.json(),
        after_mixed.headers["Retry-After"],
    )


def test_the_login_page_answers_429_with_retry_after(app: Callable[..., Web]) -> None:
    browser = app().client()
    token = form_token(browser.get("/login").text)
    for i in range(10):
        sent = browser.post("/login", data={"msisdn": number(i), "csrf": token})
        assert sent.status_code == 303
    refused = browser.post("/login", data={"msisdn": number(10), "csrf": token})
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert "troppi tentativi di accesso" in text_of(refused.text)


def test_the_worker_deletes_limiter_windows_that_have_ended(
    web_app: Web, clock: FixedClock
) -> None:
    client = web_app.client()
    for i in range(3):
        _otp(client, number(i))
    _token(client, number(0))

    def counters() -> int:
        with web_app.rt.transaction() as session:
            return int(session.scalar(select(func.count()).select_from(RateCounter)) or 0)

    assert counters() == 7  # the address's minute and hour, 3 ranges, the SMS budget, wrong codes
    purge(web_app.rt, now=clock.now() + timedelta(minutes=30))
    assert counters() == 5  # the hours' windows are still counting
    purge(web_app.rt, now=clock.now() + timedelta(hours=1))
    assert counters() == 0
