"""The business pages over HTTP: login with CSRF, the cookie, roles in the pages, logout."""

from __future__ import annotations

import httpx

from tests.accounts.support import PASSWORD, VAT_A, VAT_B, make_account, make_company, make_user
from tests.channels.web.support import Web, form_token, text_of


def page_login(web: Web, email: str, password: str = PASSWORD) -> httpx.Client:
    client = web.client()
    form = client.get("/business/login")
    assert form.status_code == 200
    answer = client.post(
        "/business/login",
        data={"email": email, "password": password, "csrf": form_token(form.text)},
    )
    assert answer.status_code == 303, text_of(answer.text)
    return client


def test_login_sets_a_strict_cookie_and_the_dashboard_lists_the_lines(web: Web) -> None:
    lines = make_company(web.rt, vat=VAT_A, lines=3)
    make_account(web.rt, vat=VAT_A, admin="admin@a.it")
    client = web.client()
    assert client.get("/business/lines").headers["location"].startswith("/business/login")
    form = client.get("/business/login")
    no_csrf = client.post("/business/login", data={"email": "admin@a.it", "password": PASSWORD})
    assert no_csrf.status_code == 422
    wrong = client.post(
        "/business/login",
        data={"email": "admin@a.it", "password": "x" * 12, "csrf": form_token(form.text)},
    )
    assert wrong.status_code == 401 and "credenziali non valide" in wrong.text
    done = client.post(
        "/business/login",
        data={"email": "admin@a.it", "password": PASSWORD, "csrf": form_token(form.text)},
    )
    cookie = done.headers["set-cookie"]
    assert "saldo_business=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    dashboard = client.get("/business/lines")
    assert dashboard.status_code == 200
    assert all(line in dashboard.text for line in lines)
    assert "no-store" in dashboard.headers["cache-control"]
    client.cookies.set("saldo_lang", "en")
    english = client.get("/business/lines")
    assert "Company lines" in english.text


def test_search_sort_and_pages_are_done_by_the_server(web: Web) -> None:
    lines = sorted(make_company(web.rt, vat=VAT_A, lines=27))
    make_account(web.rt, vat=VAT_A, admin="admin@a.it")
    client = page_login(web, "admin@a.it")
    first = client.get("/business/lines")
    assert lines[0] in first.text and lines[25] not in first.text
    assert "Pagina 1 di 2" in text_of(first.text)
    second = client.get("/business/lines", params={"page": 2})
    assert lines[25] in second.text and lines[0] not in second.text
    found = client.get("/business/lines", params={"q": lines[7][-7:]})
    assert lines[7] in found.text and lines[8] not in found.text


def test_another_companys_line_is_not_found_in_the_pages(web: Web) -> None:
    make_company(web.rt, vat=VAT_A, lines=1)
    foreign = make_company(web.rt, vat=VAT_B, lines=1)[0]
    make_account(web.rt, vat=VAT_A, admin="admin@a.it")
    client = page_login(web, "admin@a.it")
    answer = client.get(f"/business/lines/{foreign}")
    assert answer.status_code == 404 and "linea" in answer.text


def test_employees_see_no_admin_pages(web: Web) -> None:
    line = make_company(web.rt, vat=VAT_A, lines=1)[0]
    account = make_account(web.rt, vat=VAT_A, admin="admin@a.it")
    make_user(web.rt, account_id=account, email="e@a.it", role="employee", msisdn=line)
    client = page_login(web, "e@a.it")
    dashboard = client.get("/business/lines")
    assert "/business/users" not in dashboard.text and "/business/bulk" not in dashboard.text
    assert client.get("/business/users").status_code == 403
    assert client.get("/business/audit").status_code == 403


def test_logout_ends_the_session(web: Web) -> None:
    make_company(web.rt, vat=VAT_A, lines=1)
    make_account(web.rt, vat=VAT_A, admin="admin@a.it")
    client = page_login(web, "admin@a.it")
    cookie = client.cookies["saldo_business"]
    page = client.get("/business/lines")
    assert client.post("/business/logout", data={"csrf": form_token(page.text)}).status_code == 303
    stale = web.client(cookies={"saldo_business": cookie})
    assert stale.get("/business/lines").headers["location"].startswith("/business/login")


def test_profile_shows_a_qr_code_to_set_up_totp(web: Web) -> None:
    make_company(web.rt, vat=VAT_A, lines=1)
    make_account(web.rt, vat=VAT_A, admin="admin@a.it")
    client = page_login(web, "admin@a.it")
    profile = client.get("/business/profile")
    setup = client.post("/business/profile/totp", data={"csrf": form_token(profile.text)})
    assert setup.status_code == 200 and "<svg" in setup.text


def test_every_business_page_text_has_an_english_translation() -> None:
    import re
    from pathlib import Path

    from saldo.channels.http import render
    from saldo.channels.http.i18n_en import EN

    found: set[str] = set()
    for template in (Path(render.__file__).parent / "templates" / "business").glob("*.html"):
        source = template.read_text()
        found |= {m.group(2) for m in re.finditer(r'(?<![\w.])_\((["\'])(.+?)\1\)', source)}
        found |= set(re.findall(r'\("[^"]*", "[^"]*", "([^"]+)"\)', source))
        for mapping in re.findall(r"_\(\{(.*?)\}\[", source):
            found |= set(re.findall(r': "([^"]+)"', mapping))
    assert len(found) > 60
    assert sorted(t for t in found if t not in EN) == []


def test_a_line_page_adds_and_removes_an_option(web: Web) -> None:
    line = make_company(web.rt, vat=VAT_A, lines=1)[0]
    make_account(web.rt, vat=VAT_A, admin="admin@a.it")
    client = page_login(web, "admin@a.it")
    detail = client.get(f"/business/lines/{line}")
    assert detail.status_code == 200 and "Giga Extra 50" in detail.text
    csrf = form_token(detail.text)
    added = client.post(
        f"/business/lines/{line}/options", data={"code": "GIGA_EXTRA_50", "csrf": csrf}
    )
    assert added.status_code == 303
    shown = text_of(client.get(added.headers["location"]).text)
    assert "Opzione attivata." in shown and "15,02" in shown
    refused = client.post(
        f"/business/lines/{line}/options", data={"code": "GIGA_EXTRA_50", "csrf": csrf}
    )
    assert refused.status_code == 409 and "già attiva" in refused.text
    removed = client.post(
        f"/business/lines/{line}/options",
        data={"code": "GIGA_EXTRA_50", "action": "remove", "csrf": csrf},
    )
    assert removed.status_code == 303


def test_a_forgotten_password_is_reset_by_an_email_link_once(web: Web) -> None:
    import re

    from sqlalchemy import select

    from saldo.notifications.models import OutboxMessage

    make_company(web.rt, vat=VAT_A, lines=1)
    make_account(web.rt, vat=VAT_A, admin="admin@a.it")
    old = page_login(web, "admin@a.it")
    client = web.client()
    for address in ("Admin@A.it", "nessuno@a.it", "admin@a.it"):
        form = client.get("/business/forgot")
        sent = client.post(
            "/business/forgot", data={"email": address, "csrf": form_token(form.text)}
        )
        assert sent.status_code == 200 and "riceverà un'e-mail" in text_of(sent.text)
    with web.rt.transaction() as session:
        bodies = session.scalars(
            select(OutboxMessage.body).where(OutboxMessage.topic == "business_reset")
        ).all()
    assert len(bodies) == 1  # one e-mail per user every 15 minutes, none for a stranger
    match = re.search(r"/business/invite/([\w-]+)", bodies[0])
    assert match
    link = f"/business/invite/{match.group(1)}"
    page = client.get(link)
    new = "una-password-nuova-e-lunga"
    done = client.post(link, data={"password": new, "csrf": form_token(page.text)})
    assert done.status_code == 303
    assert (
        client.post(link, data={"password": new, "csrf": form_token(page.text)}).status_code == 404
    )
    assert old.get("/business/lines").headers["location"].startswith("/business/login")
    page_login(web, "admin@a.it", new)


def test_the_spending_page_charts_the_months_and_exports_the_csv(web: Web) -> None:
    lines = make_company(web.rt, vat=VAT_A, lines=2)
    make_account(web.rt, vat=VAT_A, admin="admin@a.it")
    client = page_login(web, "admin@a.it")
    shown = client.get("/business/spending")
    assert shown.status_code == 200
    text = text_of(shown.text)
    assert "11/2026 29,98 €" in text.replace("\xa0", " ")
    assert all(line in shown.text for line in lines) and shown.text.count('<rect class="bar"') == 13
    csv_file = client.get("/business/spending.csv")
    assert csv_file.status_code == 200 and csv_file.text.startswith("month,msisdn,fees_eur")
