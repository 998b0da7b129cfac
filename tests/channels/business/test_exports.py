"""Spending per line and month, and the itemised traffic with masked numbers, streamed."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from saldo.accounts.traffic import traffic
from saldo.charging.schemas import UsageEvent
from saldo.charging.service import charge_usage
from saldo.kit.clock import FixedClock
from saldo.runtime import Runtime
from tests.accounts.support import VAT_A, make_account, make_company, make_user, scope_of
from tests.channels.business.support import API, login
from tests.channels.web.support import Web


def _call(rt: Runtime, msisdn: str, n: int, destination: str, *, days_ago: int = 0) -> None:
    event = UsageEvent(
        f"call-{msisdn}-{n}", msisdn, "voice", "world",
        rt.clock.now() - timedelta(days=days_ago), 60, destination,
    )  # fmt: skip
    with rt.transaction() as session:
        charge_usage(session, event=event, now=rt.clock.now(), sender="4155")


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_spending_per_line_and_month(web: Web) -> None:
    lines = sorted(make_company(web.rt, vat=VAT_A, lines=2))
    make_account(web.rt, vat=VAT_A, admin="admin@a.it")
    admin = login(web, "admin@a.it")
    admin.post(f"{API}/lines/{lines[0]}/options", json={"code": "MONDO_100"})
    _call(web.rt, lines[0], 1, "+12025550123")
    answer = admin.get(f"{API}/spending.csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    rows = _rows(answer.text)
    assert len(rows) == 2 * 13
    assert [r["month"] for r in rows[:13]] == sorted(r["month"] for r in rows[:13])
    current = {r["msisdn"]: r for r in rows if r["month"] == "2026-11"}
    assert current[lines[0]] == {
        "month": "2026-11", "msisdn": lines[0], "fees_eur": "14.99", "options_eur": "5.99",
        "out_of_bundle_eur": "1.50", "topups_eur": "40.00", "spent_eur": "22.48",
    }  # fmt: skip
    assert current[lines[1]]["spent_eur"] == "14.99"
    assert {r["spent_eur"] for r in rows if r["month"] != "2026-11"} == {"0.00"}


def test_traffic_masks_called_numbers_and_keeps_to_90_days(web: Web) -> None:
    line = make_company(web.rt, vat=VAT_A, lines=1)[0]
    make_account(web.rt, vat=VAT_A, admin="admin@a.it")
    _call(web.rt, line, 1, "+12025550123")
    _call(web.rt, line, 2, "+447700900456", days_ago=2)
    admin = login(web, "admin@a.it")
    answer = admin.get(f"{API}/traffic.csv", params={"from": "2026-11-01", "to": "2026-11-30"})
    assert answer.status_code == 200, answer.text
    rows = _rows(answer.text)
    assert [r["destination"] for r in rows] == ["+12025550***", "+447700900***"]
    assert "0123" not in answer.text and "0456" not in answer.text
    assert rows[0]["msisdn"] == line and rows[0]["charge_eur"] == "1.50"
    too_long = admin.get(f"{API}/traffic.csv", params={"from": "2026-08-01", "to": "2026-11-30"})
    assert too_long.status_code == 422
    bad = admin.get(f"{API}/traffic.csv", params={"from": "ieri"})
    assert bad.status_code == 422 and "from" in bad.json()["message"]
    trail = admin.get(f"{API}/audit").json()
    assert trail[0]["action"] == "export_traffic"


def test_employees_export_nothing(web: Web) -> None:
    line = make_company(web.rt, vat=VAT_A, lines=1)[0]
    account = make_account(web.rt, vat=VAT_A, admin="admin@a.it")
    make_user(web.rt, account_id=account, email="e@a.it", role="employee", msisdn=line)
    employee = login(web, "e@a.it")
    assert employee.get(f"{API}/traffic.csv").status_code == 403
    assert employee.get(f"{API}/spending.csv").status_code == 403


def test_traffic_is_read_in_chunks(rt: Runtime) -> None:
    line = make_company(rt, vat=VAT_A, lines=1)[0]
    make_account(rt, vat=VAT_A, admin="admin@a.it")
    for n in range(5):
        _call(rt, line, n, f"+3906123456{n}")
    clock = rt.clock
    assert isinstance(clock, FixedClock)
    with rt.read() as session:
        rows = traffic(
            session,
            scope=scope_of(rt, "admin@a.it"),
            start=clock.now() - timedelta(days=1),
            end=clock.now() + timedelta(days=1),
            chunk=2,
        )
        assert [r.destination for r in rows] == ["+39061234***" for _ in range(5)]
