"""End to end in a real browser: Playwright (from PyPI) driving Debian's Chromium, headless.

Login with the code read from the outbox; top-up success, decline and double submit; plan
change; option on and off; at phone, tablet and desktop widths, with screenshots saved in
test-artifacts/. Without Chromium these tests skip, except where SALDO_REQUIRE_ALL_BACKENDS=1
(CI), where they fail.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from saldo.kit.quantities import GB
from saldo.payments.models import Topup
from saldo.payments.orders.models import SandboxCharge
from tests.channels.web.support import Web
from tests.factories import ROOT, make_line, snapshot, use

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
WIDTHS = {"phone": (360, 740), "tablet": (768, 1024), "desktop": (1440, 900)}


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One browser for this file. Not for the session: while Playwright's sync API is started
    an event loop runs in the main thread, and a later file's ``asyncio.run`` would fail."""
    missing = None
    if not Path(CHROMIUM).exists():
        missing = f"{CHROMIUM} not found (apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is a dev dependency
        missing = "playwright is not installed (pip install -e '.[dev]')"
    if missing:
        if os.environ.get("SALDO_REQUIRE_ALL_BACKENDS") == "1":
            pytest.fail(f"browser tests must run here: {missing}")
        pytest.skip(f"browser tests skipped: {missing}")
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


@pytest.fixture
def open_page(chromium: Any, web: Web, request: pytest.FixtureRequest) -> Iterator[Any]:
    """``open_page(width_name, javascript=True)``: a fresh browser context at that width."""
    contexts: list[Any] = []

    def make(width: str, *, javascript: bool = True) -> Any:
        w, h = WIDTHS[width]
        context = chromium.new_context(
            base_url=web.url,
            viewport={"width": w, "height": h},
            java_script_enabled=javascript,
            locale="it-IT",
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def shot(page: Any, request: pytest.FixtureRequest, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    test = re.sub(r"[^\w-]+", "-", request.node.name).strip("-")
    page.screenshot(path=str(ARTIFACTS / f"{test}-{name}.png"), full_page=True)


def login(page: Any, web: Web, msisdn: str) -> None:
    page.goto("/")
    page.get_by_label("Numero di cellulare").fill(msisdn.removeprefix("+39"))
    page.get_by_role("button", name="Mandami il codice").click()
    page.get_by_label("Codice ricevuto via SMS").fill(web.last_code(msisdn))
    page.get_by_role("button", name="Accedi").click()
    page.get_by_role("heading", name="Credito residuo").wait_for()


def no_sideways_scroll(page: Any) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


def charges(web: Web) -> tuple[int, int]:
    with web.rt.transaction() as session:
        approved = session.scalar(select(func.count()).where(SandboxCharge.outcome == "approved"))
        topups = session.scalar(select(func.count()).select_from(Topup))
    return int(approved or 0), int(topups or 0)


@pytest.mark.slow
def test_login_and_dashboard_at_every_width(
    web: Web, open_page: Any, request: pytest.FixtureRequest
) -> None:
    msisdn = make_line(web.rt, credit="16.48")
    web.rt.settings.web.refresh_seconds = 1
    for width in WIDTHS:
        page = open_page(width)
        login(page, web, msisdn)
        assert page.get_by_test_id("credit").inner_text() == "6,49\u00a0€"
        warning = page.get_by_test_id("renewal-warning")
        assert "Ricarica almeno 3,50\u00a0€ entro il 24 dicembre" in warning.inner_text()
        no_sideways_scroll(page)
        shot(page, request, f"dashboard-{width}")
    use(web.rt, msisdn, service="data", quantity=10 * GB)
    # the open dashboard redraws itself: no reload
    page.get_by_text("140 GB").first.wait_for()
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
    shot(page, request, "dashboard-after-usage")


@pytest.mark.slow
def test_top_up_decline_success_and_double_submit(
    web: Web, open_page: Any, request: pytest.FixtureRequest
) -> None:
    msisdn = make_line(web.rt, credit="20")
    before = snapshot(web.rt, msisdn).credit_cents
    page = open_page("phone")
    login(page, web, msisdn)
    page.get_by_role("navigation").get_by_role("link", name="Ricarica").click()
    page.get_by_text("10,00 €", exact=True).click()
    page.get_by_role("button", name="Vai al pagamento").click()
    shot(page, request, "card-form")
    page.get_by_label("Numero della carta").fill("4000 0000 0000 0002")
    page.get_by_label("Scadenza (MM/AA)").fill("08/29")
    page.get_by_label("Codice di sicurezza (CVV)").fill("123")
    page.get_by_role("button", name="Paga 10,00 €").click()
    failure = page.get_by_test_id("payment-failure")
    assert "La tua banca ha rifiutato il pagamento" in failure.inner_text()
    shot(page, request, "declined")
    assert snapshot(web.rt, msisdn).credit_cents == before
    # the same order, a good card, the form sent twice at once from the page (what a double
    # tap on a slow phone does once the script guard is out of the way)
    page.get_by_label("Numero della carta").fill("4242 4242 4242 4242")
    page.get_by_label("Scadenza (MM/AA)").fill("08/29")
    page.get_by_label("Codice di sicurezza (CVV)").fill("123")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    landed = page.evaluate(
        """async () => {
            const form = document.querySelector('form[action$="/pay"]');
            const send = () => fetch(form.action, {method: 'POST', body: new FormData(form)});
            const answers = await Promise.all([send(), send()]);
            return answers.map(a => a.url);
        }"""
    )
    assert landed[0] == landed[1] and landed[0].startswith(web.url + "/topup/orders/")
    page.goto(landed[0])
    page.get_by_role("heading", name="Ricarica effettuata").wait_for()
    assert len(posts) == 2 and all(url.endswith("/pay") for url in posts), posts
    shot(page, request, "receipt")
    page.reload()
    page.get_by_role("heading", name="Ricarica effettuata").wait_for()
    page.go_back()
    page.go_forward()
    assert snapshot(web.rt, msisdn).credit_cents == before + 1000
    assert charges(web) == (1, 1)
    assert page.get_by_test_id(
        "credit"
    ).inner_text() == f"{(before + 1000) / 100:.2f}\u00a0€".replace(".", ",")


@pytest.mark.slow
def test_double_click_with_the_script_on_pays_once(web: Web, open_page: Any) -> None:
    msisdn = make_line(web.rt, credit="20")
    page = open_page("tablet")
    login(page, web, msisdn)
    page.goto("/topup")
    page.get_by_text("5,00 €", exact=True).click()
    page.get_by_role("button", name="Vai al pagamento").dblclick()
    page.get_by_label("Numero della carta").fill("4242424242424242")
    page.get_by_label("Scadenza (MM/AA)").fill("08/29")
    page.get_by_label("Codice di sicurezza (CVV)").fill("123")
    page.get_by_role("button", name="Paga 5,00 €").dblclick()
    page.get_by_role("heading", name="Ricarica effettuata").wait_for()
    assert charges(web) == (1, 1)


@pytest.mark.slow
def test_plan_change_and_option_on_and_off(
    web: Web, open_page: Any, request: pytest.FixtureRequest
) -> None:
    msisdn = make_line(web.rt, credit="40")
    page = open_page("desktop")
    login(page, web, msisdn)
    page.get_by_role("link", name="Cambia offerta").click()
    shot(page, request, "plans")
    page.get_by_role("link", name="Scegli Giga 200 5G").click()
    assert page.get_by_text("Paghi ora 12,99 € dal credito: ti restano 17,02 €.").is_visible()
    shot(page, request, "plan-confirm")
    page.get_by_role("button", name="Conferma e paga 12,99 €").click()
    page.get_by_text("La nuova offerta è attiva da adesso.").wait_for()
    assert snapshot(web.rt, msisdn).plan.code == "GIGA200"
    page = open_page("tablet")
    login(page, web, msisdn)
    page.get_by_role("navigation").get_by_role("link", name="Opzioni").click()
    page.get_by_role("link", name="Attiva Giga Extra 10").click()
    page.get_by_role("button", name="Attiva e paga 4,99 €").click()
    page.get_by_text("Opzione attivata.").wait_for()
    shot(page, request, "option-on")
    assert [o.code for o in snapshot(web.rt, msisdn).options] == ["GIGA_EXTRA_10"]
    page.get_by_role("link", name="Disattiva Giga Extra 10").click()
    page.get_by_role("button", name="Disattiva").click()
    page.get_by_text("Opzione disattivata.").wait_for()
    assert snapshot(web.rt, msisdn).options == []
    no_sideways_scroll(page)


@pytest.mark.slow
def test_every_core_flow_works_without_javascript(
    web: Web, open_page: Any, request: pytest.FixtureRequest
) -> None:
    msisdn = make_line(web.rt, credit="20")
    page = open_page("phone", javascript=False)
    login(page, web, msisdn)
    page.goto("/topup")
    page.get_by_text("15,00 €", exact=True).click()
    page.get_by_role("button", name="Vai al pagamento").click()
    page.get_by_label("Numero della carta").fill("5555 5555 5555 4444")
    page.get_by_label("Scadenza (MM/AA)").fill("12/30")
    page.get_by_label("Codice di sicurezza (CVV)").fill("321")
    page.get_by_role("button", name="Paga 15,00 €").click()
    page.get_by_role("heading", name="Ricarica effettuata").wait_for()
    page.goto("/plan/SMART50")
    page.get_by_role("button", name="Cambia al rinnovo").click()
    page.get_by_text("Dal prossimo rinnovo: Smart 50").wait_for()
    page.goto("/options/MONDO_100/on")
    page.get_by_role("button", name="Attiva e paga 5,99 €").click()
    page.get_by_text("Opzione attivata.").wait_for()
    page.goto("/usage?service=data&period=7")
    page.get_by_role("heading", name="Giga usati al giorno").wait_for()
    page.goto("/pin")
    page.get_by_label("Nuovo PIN (4 cifre)").fill("4829")
    page.get_by_label("Ripeti il PIN").fill("4829")
    page.get_by_role("button", name="Salva il PIN").click()
    page.get_by_text("PIN salvato").wait_for()
    page.get_by_role("button", name="Esci").click()
    page.get_by_text("Sei uscito").wait_for()
    shot(page, request, "logged-out")
    assert snapshot(web.rt, msisdn).credit_cents == 2000 - 999 + 1500 - 599
