"""The business area in a real browser (Playwright driving Debian's Chromium): login, the
dashboard, bulk options with the outcome of each line, at 360 px and 1366 px."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.accounts.support import PASSWORD, VAT_A, make_account, make_company
from tests.channels.web.support import Web
from tests.factories import ROOT

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts"
WIDTHS = {"phone": (360, 740), "desktop": (1366, 900)}


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    missing = None if Path(CHROMIUM).exists() else f"{CHROMIUM} not found"
    if missing:
        if os.environ.get("SALDO_REQUIRE_ALL_BACKENDS") == "1":
            pytest.fail(f"browser tests must run here: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


@pytest.fixture
def browse(chromium: Any, web: Web) -> Iterator[Any]:
    contexts: list[Any] = []

    def make(width: str) -> Any:
        w, h = WIDTHS[width]
        context = chromium.new_context(
            base_url=web.url, viewport={"width": w, "height": h}, locale="it-IT"
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def _login(page: Any, email: str) -> None:
    page.goto("/business")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_url("**/business/lines")


def _fits(page: Any) -> None:
    """Nothing wider than the window but the table, which scrolls in its own box."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > window.innerWidth && !e.closest('.table-wrap')).map(e => e.tagName + '.' + e.className"
        " + '#' + e.id).slice(0, 5)"
    )
    assert overflow <= 0, wide


@pytest.mark.parametrize("width", list(WIDTHS))
def test_login_dashboard_and_bulk_options(browse: Any, web: Web, width: str) -> None:
    rich = sorted(make_company(web.rt, vat=VAT_A, lines=2))
    poor = make_company(web.rt, vat=VAT_A, lines=1, credit="15")[0]
    make_account(web.rt, vat=VAT_A, admin="admin@a.it")
    page = browse(width)
    page.goto("/business/lines")
    assert "/business/login" in page.url
    page.get_by_label("E-mail").fill("admin@a.it")
    page.get_by_label("Password", exact=True).fill("sbagliata-sbagliata")
    page.get_by_role("button", name="Accedi").click()
    assert page.get_by_role("alert").inner_text() == "credenziali non valide"
    _login(page, "admin@a.it")
    table = page.get_by_test_id("lines")
    for number in (*rich, poor):
        assert table.get_by_role("link", name=number).is_visible() or width == "phone"
    assert page.get_by_test_id("total").inner_text().endswith("3")
    _fits(page)
    page.screenshot(path=str(ARTIFACTS / f"business-dashboard-{width}.png"), full_page=True)
    page.get_by_role("link", name="Opzioni in blocco").click()
    page.get_by_label("Opzione").select_option("GIGA_EXTRA_50")
    for number in (rich[0], poor, rich[1]):
        page.get_by_label(number).check()
    page.get_by_role("button", name="Applica alle linee scelte").click()
    results = page.get_by_test_id("results")
    results.wait_for()
    outcome = {
        row.locator("td").nth(0).inner_text(): row.locator("td").nth(1).inner_text()
        for row in results.locator("tbody tr").all()
    }
    assert outcome[rich[0]] == outcome[rich[1]] == "Fatto"
    assert outcome[poor].startswith("Non riuscito: credito insufficiente")
    _fits(page)
    page.screenshot(path=str(ARTIFACTS / f"business-bulk-{width}.png"), full_page=True)
