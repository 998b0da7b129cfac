"""The app's pages over real HTTP: what a customer reads, and that every flow works without
JavaScript (plain forms, POST -> redirect -> GET)."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from saldo.channels.sms import texts
from saldo.identity.pin import verify_pin
from saldo.kit.clock import FixedClock
from saldo.kit.quantities import GB, MB
from saldo.notifications.service import enqueue
from tests.channels.web.support import Web, form_token, text_of
from tests.factories import make_line, snapshot, use


def test_dashboard_shows_credit_plan_renewal_and_allowances(web: Web) -> None:
    msisdn = make_line(web.rt, credit="30")
    use(web.rt, msisdn, service="data", quantity=38 * GB + 700 * MB)
    use(web.rt, msisdn, service="data", quantity=2 * GB, zone="eu")
    client = web.browser_login(msisdn)
    page = text_of(client.get("/").text)
    assert "Credito residuo 20,01 €" in page
    assert "Giga 150 Si rinnova il 24 dicembre alle 09:00: 9,99 €" in page
    assert "Ricarica almeno" not in page  # 20,01 € pays the renewal
    assert "Giga 109,3 GB di 150 GB" in page
    assert "Minuti Illimitati" in page and "SMS Illimitati" in page
    assert "Giga in roaming UE 10 GB di 12 GB" in page
    assert "Dati aggiornati al 26 novembre alle 09:00" in page
    # the same figures as the SMS answer to SALDO
    assert "Giga 109,3GB/150GB" in texts.summary(snapshot(web.rt, msisdn))


def test_dashboard_warns_when_the_credit_will_not_pay_the_renewal(web: Web) -> None:
    msisdn = make_line(web.rt, credit="16.48")  # 6,49 € after the 9,99 € fee
    client = web.browser_login(msisdn)
    page = client.get("/")
    assert "Ricarica almeno 3,50 € entro il 24 dicembre" in text_of(page.text)
    assert 'role="alert" data-testid="renewal-warning"' in page.text


def test_dashboard_of_a_suspended_plan_and_of_a_postpaid_line(web: Web) -> None:
    suspended = make_line(web.rt, credit="4")
    page = text_of(web.browser_login(suspended).get("/").text)
    assert "Offerta sospesa: ricarica almeno 5,99 € per riattivarla" in page
    postpaid = make_line(web.rt, plan="BUSINESSPRO", vat_number="07654320014", postpaid=True)
    page = text_of(web.browser_login(postpaid).get("/").text)
    assert "Linea in abbonamento" in page and "Credito residuo" not in page
    assert "Ricarica almeno" not in page and "Giga Illimitati" in page


def test_the_dashboard_refreshes_after_usage(web: Web) -> None:
    msisdn = make_line(web.rt, credit="30")
    client = web.browser_login(msisdn)
    page = client.get("/").text
    version = re.search(r'data-version="(\d+)"', page)
    assert version
    unchanged = client.get("/live", params={"v": version.group(1)})
    assert unchanged.status_code == 204
    use(web.rt, msisdn, service="data", quantity=10 * GB)
    changed = client.get("/live", params={"v": version.group(1)})
    assert changed.status_code == 200
    assert int(changed.headers["X-Version"]) > int(version.group(1))
    assert "140 GB di 150 GB" in text_of(changed.text)


def test_change_plan_now_and_at_renewal(web: Web) -> None:
    msisdn = make_line(web.rt, credit="30")
    client = web.browser_login(msisdn)
    plans = text_of(client.get("/plan").text)
    for name in ("Giga 150", "Giga 200 5G", "Smart 50", "Base a consumo"):
        assert name in plans
    assert "Business" not in plans
    confirm = client.get("/plan/GIGA200")
    words = text_of(confirm.text)
    assert "Paghi ora 12,99 € dal credito: ti restano 7,02 €." in words
    assert "La nuova offerta vale fino al 24 dicembre, poi si rinnova." in words
    assert "Il 24 dicembre paghi 12,99 € dal credito." in words
    token = form_token(confirm.text)
    later = client.post("/plan/SMART50", data={"when": "renewal", "csrf": token})
    assert later.headers["location"] == "/?done=plan_renewal"
    home = text_of(client.get(later.headers["location"]).text)
    assert "La nuova offerta partirà al prossimo rinnovo." in home
    assert "Dal prossimo rinnovo: Smart 50" in home
    now = client.post("/plan/GIGA200", data={"when": "now", "csrf": token})
    assert now.headers["location"] == "/?done=plan_now"
    after = snapshot(web.rt, msisdn)
    assert after.plan.code == "GIGA200" and after.credit_cents == 2001 - 1299


def test_not_enough_credit_for_a_plan_offers_a_top_up(web: Web) -> None:
    msisdn = make_line(web.rt, credit="12")  # 2,01 € left
    client = web.browser_login(msisdn)
    confirm = client.get("/plan/GIGA200")
    words = text_of(confirm.text)
    assert "Il tuo credito (2,01 €) non basta: servono 12,99 €, ti mancano 10,98 €." in words
    assert 'href="/topup?amount=1500"' in confirm.text
    refused = client.post("/plan/GIGA200", data={"when": "now", "csrf": form_token(confirm.text)})
    assert refused.status_code == 409 and "credito insufficiente" in refused.text
    assert snapshot(web.rt, msisdn).plan.code == "GIGA150"
    shortcut = client.get("/topup?amount=1500").text
    assert 'value="1500" required checked' in shortcut


def test_options_on_and_off_with_the_cost_confirmed(web: Web) -> None:
    msisdn = make_line(web.rt, credit="30")
    client = web.browser_login(msisdn)
    listing = text_of(client.get("/options").text)
    assert "Nessuna opzione attiva." in listing and "Giga Extra 10" in listing
    assert "Giga Extra 50" not in listing  # does not fit GIGA150
    confirm = client.get("/options/GIGA_EXTRA_10/on")
    assert "Paghi ora 4,99 € dal credito: ti restano 15,02 €." in text_of(confirm.text)
    assert "Vale fino al 24 dicembre." in text_of(confirm.text)
    on = client.post("/options/GIGA_EXTRA_10/on", data={"csrf": form_token(confirm.text)})
    assert on.headers["location"] == "/options?done=option_on"
    assert [o.code for o in snapshot(web.rt, msisdn).options] == ["GIGA_EXTRA_10"]
    assert "Giga 160 GB di 160 GB" in text_of(client.get("/").text)
    off_page = client.get("/options/GIGA_EXTRA_10/off")
    assert "non ti viene rimborsato nulla" in text_of(off_page.text)
    off = client.post("/options/GIGA_EXTRA_10/off", data={"csrf": form_token(off_page.text)})
    assert off.headers["location"] == "/options?done=option_off"
    assert snapshot(web.rt, msisdn).options == []
    assert snapshot(web.rt, msisdn).credit_cents == 3000 - 999 - 499


def test_an_option_the_credit_cannot_pay(web: Web) -> None:
    msisdn = make_line(web.rt, credit="12")
    client = web.browser_login(msisdn)
    confirm = client.get("/options/MONDO_100/on")
    assert "ti mancano 3,98 €" in text_of(confirm.text)
    assert 'href="/topup?amount=500"' in confirm.text
    refused = client.post("/options/MONDO_100/on", data={"csrf": form_token(confirm.text)})
    assert refused.status_code == 409
    assert snapshot(web.rt, msisdn).options == []


def test_usage_history_chart_and_csv(web: Web, clock: FixedClock) -> None:
    msisdn = make_line(web.rt, plan="BASE", credit="20")
    now = clock.now()
    use(web.rt, msisdn, service="data", quantity=300 * MB, at=now - timedelta(days=1))
    use(web.rt, msisdn, service="data", quantity=200 * MB, at=now - timedelta(days=1, hours=2))
    use(web.rt, msisdn, service="voice", quantity=125, at=now - timedelta(days=2))
    use(web.rt, msisdn, service="sms", quantity=1, at=now - timedelta(days=45))
    client = web.browser_login(msisdn)
    page = client.get("/usage")
    words = text_of(page.text)
    assert "Totale nel periodo: 500 MB" in words
    assert "Chiamata 2:05" in words and "SMS 1 " not in words  # 45 days ago
    assert len(re.findall(r'<rect class="bar"', page.text)) == 31
    only_voice = text_of(client.get("/usage", params={"service": "voice"}).text)
    assert "Chiamata 2:05" in only_voice and "Dati" not in only_voice.split("Quando", 1)[1]
    ninety = text_of(client.get("/usage", params={"period": "90"}).text)
    assert "SMS 1" in ninety
    download = client.get("/usage.csv", params={"period": "90"})
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert [r["service"] for r in rows] == ["data", "data", "voice", "sms"]
    assert rows[0]["quantity"] == str(300 * MB) and rows[0]["started_at"].endswith("+01:00")
    assert rows[2]["charge_eur"] == "0.59"  # 125 s at 0,19 €/min + 0,19 € to connect
    for params in ({"service": "fax"}, {"period": "12"}):
        assert client.get("/usage", params=params).status_code == 422
        assert client.get("/usage.csv", params=params).status_code == 422


def test_inbox_read_and_unread(web: Web, clock: FixedClock) -> None:
    msisdn = make_line(web.rt)
    with web.rt.transaction() as session:
        for body in ("Hai usato l'80% dei Giga", "Offerta rinnovata"):
            enqueue(session, recipient=msisdn, body=body, topic="threshold", now=clock.now())
    client = web.browser_login(msisdn)
    inbox = client.get("/messages")
    assert 'aria-label="non letti: 2"' in inbox.text
    assert "è il tuo codice di accesso" not in inbox.text
    first = re.search(r'action="/messages/(\d+)/read"', inbox.text)
    assert first
    client.post(f"/messages/{first.group(1)}/read", data={"csrf": form_token(inbox.text)})
    assert 'aria-label="non letti: 1"' in client.get("/messages").text
    done = client.post("/messages/read", data={"csrf": form_token(inbox.text)})
    assert done.headers["location"] == "/messages?done=read"
    assert "non letti" not in client.get("/messages").text


def test_service_pin(web: Web) -> None:
    msisdn = make_line(web.rt)
    client = web.browser_login(msisdn)
    page = client.get("/pin")
    assert "Non hai ancora un PIN." in text_of(page.text)
    token = form_token(page.text)
    differ = client.post("/pin", data={"pin": "4829", "pin_again": "4828", "csrf": token})
    assert differ.status_code == 422 and "non coincidono" in differ.text
    simple = client.post("/pin", data={"pin": "1234", "pin_again": "1234", "csrf": token})
    assert simple.status_code == 422 and "troppo semplice" in simple.text
    saved = client.post("/pin", data={"pin": "4829", "pin_again": "4829", "csrf": token})
    assert saved.headers["location"] == "/pin?done=pin"
    assert "Il PIN è impostato" in text_of(client.get("/pin").text)
    with web.rt.transaction() as session:
        assert verify_pin(session, msisdn=msisdn, pin="4829")


def test_english_on_a_switch(web: Web) -> None:
    msisdn = make_line(web.rt, credit="16.48")
    client = web.browser_login(msisdn)
    switched = client.get("/lang/en", params={"next": "/"})
    assert switched.headers["location"] == "/"
    page = client.get("/")
    words = text_of(page.text)
    assert '<html lang="en">' in page.text
    assert "Remaining credit €6.49" in words
    assert "Top up at least €3.50 by 24 December" in words
    assert "Unlimited" in words and "Italiano" in words
    assert client.get("/lang/en", params={"next": "https://evil.test/"}).headers["location"] == "/"
    assert client.get("/lang/it", params={"next": "//evil.test"}).headers["location"] == "/"


def test_pages_are_local_labelled_and_protected(web: Web) -> None:
    msisdn = make_line(web.rt, credit="30")
    client = web.browser_login(msisdn)
    pages = [
        "/",
        "/topup",
        "/plan",
        "/plan/GIGA200",
        "/options",
        "/options/MONDO_100/on",
        "/usage",
        "/messages",
        "/pin",
    ]
    for path in pages:
        answer = client.get(path)
        html = answer.text
        assert answer.status_code == 200, path
        assert "default-src 'self'" in answer.headers["content-security-policy"]
        assert answer.headers["x-frame-options"] == "DENY"
        refs = re.findall(r'(?:src|href|action)="([^"]*)"', html)
        assert refs and all(r.startswith(("/", "#")) and not r.startswith("//") for r in refs), path
        for form in re.findall(r'<form method="post".*?</form>', html, flags=re.S):
            assert 'name="csrf"' in form, (path, form[:80])
        for field in re.findall(r"<(?:input|select)\b[^>]*>", html):
            if 'type="hidden"' in field or 'type="radio"' in field:
                continue
            ident = re.search(r'id="([^"]+)"', field)
            assert ident and f'for="{ident.group(1)}"' in html, (path, field)
        assert 'class="skip" href="#main"' in html


def test_installable_manifest_and_icons(web: Web) -> None:
    client = web.client()
    manifest = client.get("/manifest.webmanifest")
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    body = manifest.json()
    assert body["display"] == "standalone" and body["start_url"] == "/"
    sizes = set()
    for icon in body["icons"]:
        answer = client.get(icon["src"])
        assert answer.status_code == 200 and answer.headers["content-type"] == icon["type"]
        if icon["type"] == "image/png":
            width = int.from_bytes(answer.content[16:20], "big")
            assert icon["sizes"] == f"{width}x{width}"
            sizes.add(width)
    assert {192, 512} <= sizes
    login = client.get("/login").text
    assert 'rel="manifest" href="/manifest.webmanifest"' in login
