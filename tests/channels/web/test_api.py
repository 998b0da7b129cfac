"""The JSON API a native app uses, over real HTTP with a bearer token."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta

from sqlalchemy import select

from saldo.identity.pin import verify_pin
from saldo.kit.clock import FixedClock
from saldo.kit.quantities import GB
from saldo.lines.models import Line
from saldo.notifications.service import enqueue
from tests.channels.web.support import Web
from tests.factories import make_line, snapshot, use


def test_balance_is_exactly_the_cli_json(web: Web, clock: FixedClock) -> None:
    msisdn = make_line(web.rt, credit="25")
    use(web.rt, msisdn, service="data", quantity=3 * GB + 12345)
    api = web.api_login(msisdn)
    answer = api.get("/api/v1/me/balance")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    env = {
        **os.environ,
        "SALDO_DATABASE_URL": web.rt.settings.database_url,
        "SALDO_NOW": clock.now().isoformat(),
    }
    cli = subprocess.run(
        [sys.executable, "-c", "from saldo.cli import main; main()", "balance", msisdn, "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert answer.json() == json.loads(cli.stdout)
    assert answer.json() == snapshot(web.rt, msisdn).model_dump(mode="json")


def test_usage_with_filters_and_cursor(web: Web, clock: FixedClock) -> None:
    msisdn = make_line(web.rt)
    now = clock.now()
    for hours in range(1, 6):
        use(web.rt, msisdn, service="data", quantity=hours * 1000, at=now - timedelta(hours=hours))
    use(web.rt, msisdn, service="voice", quantity=90, at=now - timedelta(minutes=30))
    use(web.rt, msisdn, service="sms", quantity=1, at=now - timedelta(days=40))
    api = web.api_login(msisdn)
    everything = api.get("/api/v1/me/usage").json()
    assert [i["service"] for i in everything["items"]] == ["voice"] + ["data"] * 5
    assert everything["next_cursor"] is None
    first = api.get("/api/v1/me/usage", params={"service": "data", "limit": 2}).json()
    assert [i["quantity"] for i in first["items"]] == [1000, 2000]
    second = api.get(
        "/api/v1/me/usage", params={"service": "data", "limit": 2, "cursor": first["next_cursor"]}
    ).json()
    assert [i["quantity"] for i in second["items"]] == [3000, 4000]
    older = api.get(
        "/api/v1/me/usage", params={"since": (now - timedelta(days=60)).isoformat()}
    ).json()
    assert older["items"][-1]["service"] == "sms"
    assert older["items"][0]["started_at"].endswith("+01:00")  # shown in Italian time
    for params in (
        {"service": "fax"},
        {"limit": 0},
        {"limit": 501},
        {"cursor": "x"},
        {"since": "yesterday"},
        {"since": now.isoformat(), "until": (now - timedelta(days=1)).isoformat()},
    ):
        refused = api.get("/api/v1/me/usage", params=params)
        assert refused.status_code == 422, params
        assert set(refused.json()) == {"code", "message"}


def test_plans_and_plan_change(web: Web) -> None:
    msisdn = make_line(web.rt, credit="30")
    api = web.api_login(msisdn)
    plans = api.get("/api/v1/me/plans").json()
    assert [p["code"] for p in plans] == ["GIGA150", "GIGA200", "SMART50", "BASE"]
    giga = next(p for p in plans if p["code"] == "GIGA150")
    assert giga["current"] and giga["allowances"]["data"] == {
        "unit": "bytes",
        "unlimited": False,
        "amount": 150 * GB,
    }
    assert giga["allowances"]["voice"]["unlimited"] is True
    credit = snapshot(web.rt, msisdn).credit_cents
    later = api.post("/api/v1/me/plan", json={"plan_code": "SMART50", "at_renewal": True})
    assert later.status_code == 200 and later.json()["plan"]["code"] == "GIGA150"
    assert next(p for p in api.get("/api/v1/me/plans").json() if p["pending"])["code"] == "SMART50"
    now = api.post("/api/v1/me/plan", json={"plan_code": "GIGA200"})
    assert now.status_code == 200
    assert now.json()["plan"]["code"] == "GIGA200"
    assert now.json()["credit_cents"] == credit - 1299
    assert api.post("/api/v1/me/plan", json={"plan_code": "GIGA200"}).status_code == 409
    business = api.post("/api/v1/me/plan", json={"plan_code": "BUSINESS100"})
    assert business.status_code == 404 and business.json()["code"] == "unknown_plan"
    assert api.post("/api/v1/me/plan", json={"plan": "GIGA150"}).status_code == 422


def test_not_enough_credit_for_a_plan_changes_nothing(web: Web) -> None:
    msisdn = make_line(web.rt, credit="12")  # 12,00 - 9,99 = 2,01 € left
    api = web.api_login(msisdn)
    before = snapshot(web.rt, msisdn)
    refused = api.post("/api/v1/me/plan", json={"plan_code": "GIGA200"})
    assert refused.status_code == 409
    assert refused.json() == {
        "code": "insufficient_credit",
        "message": "credito insufficiente: servono 12,99 €, il credito è 2,01 €",
    }
    english = api.post(
        "/api/v1/me/plan", json={"plan_code": "GIGA200"}, headers={"Accept-Language": "en"}
    )
    assert english.json()["message"].startswith("insufficient credit")
    assert snapshot(web.rt, msisdn) == before


def test_business_lines_see_business_plans(web: Web) -> None:
    msisdn = make_line(web.rt, plan="BUSINESS100", credit="40", vat_number="01234560017")
    api = web.api_login(msisdn)
    codes = [p["code"] for p in api.get("/api/v1/me/plans").json()]
    assert "BUSINESS100" in codes and "BUSINESSPRO" not in codes  # postpaid: via customer care


def test_options_on_and_off(web: Web) -> None:
    msisdn = make_line(web.rt, credit="30")
    api = web.api_login(msisdn)
    listed = api.get("/api/v1/me/options").json()
    assert listed["active"] == []
    assert [o["code"] for o in listed["available"]] == ["GIGA_EXTRA_10", "MONDO_100"]
    credit = snapshot(web.rt, msisdn).credit_cents
    added = api.post("/api/v1/me/options", json={"option_code": "GIGA_EXTRA_10"})
    assert added.status_code == 201
    assert [o["code"] for o in added.json()["options"]] == ["GIGA_EXTRA_10"]
    assert added.json()["credit_cents"] == credit - 499
    again = api.post("/api/v1/me/options", json={"option_code": "GIGA_EXTRA_10"})
    assert again.status_code == 409 and again.json()["code"] == "option_state"
    wrong = api.post("/api/v1/me/options", json={"option_code": "GIGA_EXTRA_50"})
    assert wrong.status_code == 422 and wrong.json()["code"] == "option_not_allowed"
    active = api.get("/api/v1/me/options").json()["active"]
    assert active[0]["code"] == "GIGA_EXTRA_10" and active[0]["expires_at"]
    removed = api.delete("/api/v1/me/options/GIGA_EXTRA_10")
    assert removed.status_code == 200 and removed.json()["options"] == []
    assert api.delete("/api/v1/me/options/GIGA_EXTRA_10").status_code == 409
    assert snapshot(web.rt, msisdn).credit_cents == credit - 499


def test_messages_inbox_and_read(web: Web, clock: FixedClock) -> None:
    msisdn = make_line(web.rt)
    with web.rt.transaction() as session:
        enqueue(
            session,
            recipient=msisdn,
            body="Hai usato l'80% dei Giga",
            topic="threshold",
            now=clock.now(),
        )
    api = web.api_login(msisdn)  # its login code is an SMS too, but not an inbox message
    inbox = api.get("/api/v1/me/messages").json()
    assert [m["topic"] for m in inbox] == ["threshold"]
    assert inbox[0]["read"] is False
    assert api.post(f"/api/v1/me/messages/{inbox[0]['id']}/read").status_code == 204
    assert api.get("/api/v1/me/messages").json()[0]["read"] is True
    assert api.post(f"/api/v1/me/messages/{inbox[0]['id']}/read").status_code == 404
    assert api.post("/api/v1/me/messages/abc/read").status_code == 422


def test_pin(web: Web) -> None:
    msisdn = make_line(web.rt)
    api = web.api_login(msisdn)
    for pin in ("1234", "1111", "12a4", "123"):
        refused = api.put("/api/v1/me/pin", json={"pin": pin})
        assert refused.status_code == 422 and set(refused.json()) == {"code", "message"}
    with web.rt.transaction() as session:
        assert session.scalar(select(Line.pin_hash).where(Line.msisdn == msisdn)) is None
    assert api.put("/api/v1/me/pin", json={"pin": "4829"}).status_code == 204
    with web.rt.transaction() as session:
        assert verify_pin(session, msisdn=msisdn, pin="4829")


def test_openapi_documents_the_api(web: Web) -> None:
    schema = web.client().get("/openapi.json").json()
    paths = schema["paths"]
    for path, method in [
        ("/api/v1/auth/otp", "post"),
        ("/api/v1/auth/token", "post"),
        ("/api/v1/me/balance", "get"),
        ("/api/v1/me/usage", "get"),
        ("/api/v1/me/plans", "get"),
        ("/api/v1/me/plan", "post"),
        ("/api/v1/me/options", "get"),
        ("/api/v1/me/options", "post"),
        ("/api/v1/me/options/{code}", "delete"),
        ("/api/v1/me/topups", "post"),
        ("/api/v1/me/messages", "get"),
    ]:
        assert method in paths[path], (path, method)
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert "Idempotency-Key" in json.dumps(paths["/api/v1/me/topups"]["post"])
    assert not any(p.startswith(("/login", "/topup")) for p in paths)  # pages are not API
