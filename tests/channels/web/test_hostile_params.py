"""Odd digits, overflowing integers and dates on every route that answered 500: now 4xx."""

from __future__ import annotations

from tests.channels.web.support import Web, form_token
from tests.factories import make_line, snapshot

BEYOND_INT64 = "9223372036854775808"


def test_superscript_step_on_twilio_gather_is_400_not_500(web: Web) -> None:
    client = web.client()
    for step in ("²", "１", "9" * 30):
        answer = client.post(
            "/channels/ivr/twilio/gather", params={"step": step}, data={"CallSid": "CA1"}
        )
        assert answer.status_code == 400 and "missing or invalid step" in answer.text


def test_superscript_period_and_overflowing_cursor_on_usage_pages_are_422_not_500(
    web: Web,
) -> None:
    app = web.browser_login(make_line(web.rt, credit="10"))
    for path, params in [
        ("/usage", {"period": "²"}),
        ("/usage.csv", {"period": "²"}),
        ("/usage", {"period": "9" * 40}),
        ("/usage", {"before": "300000000000000000.1"}),
        ("/usage", {"before": f"1.{BEYOND_INT64}"}),
        ("/usage", {"before": "².1"}),
    ]:
        answer = app.get(path, params=params)
        assert answer.status_code == 422, (path, params, answer.status_code)
    assert app.get("/usage", params={"period": "7"}).status_code == 200


def test_superscript_amount_on_topup_page_is_422_not_500(web: Web) -> None:
    msisdn = make_line(web.rt, credit="10")
    before = snapshot(web.rt, msisdn).credit_cents
    app = web.browser_login(msisdn)
    assert app.get("/topup", params={"amount": "²"}).status_code == 422
    assert app.get("/topup", params={"amount": "9" * 40}).status_code == 422
    page = app.get("/topup", params={"amount": "1000"})
    assert page.status_code == 200
    token, key = form_token(page.text), form_token(page.text, "key")
    for amount in ("²", "１０００", "10_00", "9" * 40):
        chosen = app.post("/topup", data={"amount": amount, "key": key, "csrf": token})
        assert chosen.status_code == 422, amount
    assert snapshot(web.rt, msisdn).credit_cents == before


def test_message_id_beyond_int64_is_422_not_500(web: Web) -> None:
    msisdn = make_line(web.rt, credit="10")
    api = web.api_login(msisdn)
    answer = api.post(f"/api/v1/me/messages/{BEYOND_INT64}/read")
    assert answer.status_code == 422 and answer.json()["code"] == "invalid_input"
    assert api.post("/api/v1/me/messages/9223372036854775807/read").status_code == 404
    app = web.browser_login(msisdn)
    token = form_token(app.get("/messages").text)
    page = app.post(f"/messages/{BEYOND_INT64}/read", data={"csrf": token})
    assert page.status_code == 422


def test_api_usage_since_at_year_one_far_east_and_overflowing_cursor_are_422_not_500(
    web: Web,
) -> None:
    api = web.api_login(make_line(web.rt, credit="10"))
    for params in [
        {"since": "0001-01-01T00:00:00+14:00"},
        {"until": "9999-12-31T23:59:59-14:00"},
        {"since": "1900-01-01T00:00:00Z"},
        {"cursor": "300000000000000000.1"},
        {"cursor": f"1.{BEYOND_INT64}"},
        {"cursor": "².1"},
    ]:
        answer = api.get("/api/v1/me/usage", params=params)
        assert answer.status_code == 422, (params, answer.text)
        assert set(answer.json()) == {"code", "message"}
    assert api.get("/api/v1/me/usage", params={"since": "2026-11-01T00:00:00Z"}).status_code == 200


def test_superscript_card_number_or_expiry_is_422_not_500(web: Web) -> None:
    msisdn = make_line(web.rt, credit="10")
    before = snapshot(web.rt, msisdn).credit_cents
    api = web.api_login(msisdn)
    for i, (number, expiry) in enumerate(
        [
            ("4242 4242 4242 424²", "08/29"),
            ("４２４２４２４２４２４２４２４２", "08/29"),
            ("4242 4242 4242 4242", "0²/29"),
            ("4242 4242 4242 4242", "08/２９"),
        ]
    ):
        answer = api.post(
            "/api/v1/me/topups",
            json={"amount_cents": 1000, "card": {"number": number, "expiry": expiry, "cvc": "123"}},
            headers={"Idempotency-Key": f"hostile-card-{i}"},
        )
        assert answer.status_code == 422, (number, expiry, answer.text)
    assert snapshot(web.rt, msisdn).credit_cents == before


def test_full_width_pin_is_refused(web: Web) -> None:
    api = web.api_login(make_line(web.rt, credit="10"))
    for pin in ("４８２９", "48²9"):
        answer = api.put("/api/v1/me/pin", json={"pin": pin})
        assert answer.status_code == 422 and "4 cifre" in answer.json()["message"]
    assert api.put("/api/v1/me/pin", json={"pin": "4829"}).status_code == 204
