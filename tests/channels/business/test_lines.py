"""The company's lines: the balance exactly as ``saldo balance --json``, spending this month,
search, status filter and pagination."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import event
from typer.testing import CliRunner

from saldo.cli import app as cli_app
from saldo.cli import context as cli_context
from saldo.runtime import Runtime
from tests.accounts.support import VAT_A, make_account, make_company
from tests.channels.business.support import API, login
from tests.channels.web.support import Web
from tests.factories import use


def test_each_line_shows_the_cli_balance_json_and_this_month_spending(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = make_company(web.rt, vat=VAT_A, lines=2)
    make_account(web.rt, vat=VAT_A, admin="admin@a.it")
    use(web.rt, lines[0], service="voice", quantity=600, zone="world")
    admin = login(web, "admin@a.it")
    listed = admin.get(f"{API}/lines")
    assert listed.status_code == 200 and listed.headers["X-Total-Count"] == "2"
    monkeypatch.setattr(cli_context, "_runtime", web.rt)
    for item in listed.json():
        shown = CliRunner().invoke(cli_app, ["balance", item["msisdn"], "--json"])
        assert item["balance"] == json.loads(shown.output)
    spent = {i["msisdn"]: i["spent_cents_this_month"] for i in listed.json()}
    assert spent == {lines[0]: 1499 + 1500, lines[1]: 1499}
    one = admin.get(f"{API}/lines/{lines[0][3:]}")
    assert one.status_code == 200 and one.json() == next(
        i for i in listed.json() if i["msisdn"] == lines[0]
    )


def test_search_status_and_pages(web: Web) -> None:
    lines = sorted(make_company(web.rt, vat=VAT_A, lines=5))
    make_account(web.rt, vat=VAT_A, admin="admin@a.it")
    admin = login(web, "admin@a.it")
    page = admin.get(f"{API}/lines", params={"offset": 2, "limit": 2})
    assert [i["msisdn"] for i in page.json()] == lines[2:4]
    assert page.headers["X-Total-Count"] == "5"
    found = admin.get(f"{API}/lines", params={"q": lines[3][-6:]})
    assert [i["msisdn"] for i in found.json()] == [lines[3]]
    none = admin.get(f"{API}/lines", params={"status": "terminated"})
    assert none.json() == [] and none.headers["X-Total-Count"] == "0"
    assert admin.get(f"{API}/lines", params={"limit": 0}).status_code == 422
    assert admin.get(f"{API}/lines", params={"offset": -1}).status_code == 422


def test_a_page_of_lines_costs_the_same_statements_whatever_its_size(rt: Runtime) -> None:
    from saldo.accounts.lines import list_lines
    from tests.accounts.support import scope_of

    make_company(rt, vat=VAT_A, lines=12)
    make_account(rt, vat=VAT_A, admin="admin@a.it")
    scope = scope_of(rt, "admin@a.it")
    counts = []
    for limit in (2, 12):
        statements: list[str] = []

        def count(*args: object, seen: list[str] = statements) -> None:
            seen.append(str(args[2]))

        event.listen(rt.engine, "before_cursor_execute", count)
        try:
            with rt.read() as session:
                _, items = list_lines(session, scope=scope, now=rt.clock.now(), limit=limit)
            assert len(items) == limit
        finally:
            event.remove(rt.engine, "before_cursor_execute", count)
        counts.append(len([s for s in statements if s.lstrip().upper().startswith("SELECT")]))
    assert counts[0] == counts[1]
