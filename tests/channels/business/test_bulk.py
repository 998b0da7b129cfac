"""Options one by one and in bulk: the lines service's checks and prices, each line on its
own, an Idempotency-Key replay answered once."""

from __future__ import annotations

from sqlalchemy import func, select

from saldo.balances.models import LedgerEntry
from saldo.lines.models import LineOption
from tests.accounts.support import VAT_A, VAT_B, make_account, make_company
from tests.channels.business.support import API, login
from tests.channels.web.support import Web


def _fees(web: Web) -> int:
    with web.rt.transaction() as session:
        return int(session.scalar(select(func.count()).where(LedgerEntry.kind == "fee")) or 0)


def test_one_line_options_follow_the_lines_service(web: Web) -> None:
    line = make_company(web.rt, vat=VAT_A, lines=1)[0]
    make_account(web.rt, vat=VAT_A, admin="admin@a.it")
    admin = login(web, "admin@a.it")
    added = admin.post(f"{API}/lines/{line}/options", json={"code": "GIGA_EXTRA_50"})
    assert added.status_code == 201, added.text
    balance = added.json()["balance"]
    assert [o["code"] for o in balance["options"]] == ["GIGA_EXTRA_50"]
    assert balance["credit_cents"] == 4000 - 1499 - 999
    refused = admin.post(f"{API}/lines/{line}/options", json={"code": "GIGA_EXTRA_10"})
    assert refused.status_code == 422 and refused.json()["code"] == "option_not_allowed"
    removed = admin.delete(f"{API}/lines/{line}/options/GIGA_EXTRA_50")
    assert removed.status_code == 200 and removed.json()["balance"]["options"] == []
    again = admin.delete(f"{API}/lines/{line}/options/GIGA_EXTRA_50")
    assert again.status_code == 409


def test_bulk_mixes_successes_and_failures_each_line_alone(web: Web) -> None:
    rich = make_company(web.rt, vat=VAT_A, lines=2)
    poor = make_company(web.rt, vat=VAT_A, lines=1, credit="15")[0]
    foreign = make_company(web.rt, vat=VAT_B, lines=1)[0]
    make_account(web.rt, vat=VAT_A, admin="admin@a.it")
    admin = login(web, "admin@a.it")
    order = {"code": "GIGA_EXTRA_50", "action": "add", "lines": [rich[0], poor, foreign, rich[1]]}
    answer = admin.post(f"{API}/options/bulk", json=order)
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert [r["msisdn"] for r in results] == order["lines"]
    assert [r["ok"] for r in results] == [True, False, False, True]
    assert results[1]["error"]["code"] == "insufficient_credit"
    assert results[2]["error"]["code"] == "line_not_found"
    assert "error" not in results[0]
    with web.rt.transaction() as session:
        assert session.scalar(select(func.count()).select_from(LineOption)) == 2


def test_a_replayed_bulk_returns_the_first_answer_and_changes_nothing(web: Web) -> None:
    lines = make_company(web.rt, vat=VAT_A, lines=2)
    make_account(web.rt, vat=VAT_A, admin="admin@a.it")
    admin = login(web, "admin@a.it")
    order = {"code": "MONDO_100", "action": "add", "lines": lines}
    key = {"Idempotency-Key": "ordine-42"}
    first = admin.post(f"{API}/options/bulk", json=order, headers=key)
    fees = _fees(web)
    replay = admin.post(f"{API}/options/bulk", json=order, headers=key)
    assert replay.status_code == 200 and replay.json() == first.json()
    assert all(r["ok"] for r in first.json()["results"])
    assert _fees(web) == fees
    other = admin.post(f"{API}/options/bulk", json={**order, "action": "remove"}, headers=key)
    assert other.status_code == 409 and other.json()["code"] == "idempotency_conflict"
    fresh = admin.post(f"{API}/options/bulk", json=order, headers={"Idempotency-Key": "altro"})
    assert [r["ok"] for r in fresh.json()["results"]] == [False, False]
