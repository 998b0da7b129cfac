"""Whole calls through the TwiML webhooks on a real server, signed as Twilio signs them."""

from __future__ import annotations

import asyncio
import gc
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import httpx
from pydantic import SecretStr

from saldo.balances.models import LedgerEntry
from saldo.channels.http.app import create_app
from saldo.channels.menus.models import MenuSession
from saldo.channels.sms.texts import details
from saldo.config import TwilioSettings
from saldo.db import make_engine, make_sessionmaker
from saldo.kit.clock import ROME, FixedClock
from saldo.kit.quantities import GB
from saldo.runtime import Runtime
from tests.channels.menus.conftest import GATEWAY, serving
from tests.channels.menus.phone import TwilioPhone, UssdPhone
from tests.channels.menus.support import count, line_on_the_third, outbox
from tests.factories import snapshot, use

MENU_IT = (
    "Per ascoltare i dettagli dei consumi premi uno. Per ricevere i dettagli via SMS premi due. "
    "Per conoscere la tua offerta e le opzioni attive premi tre. Per i reclami premi quattro. "
    "Per parlare con un operatore premi nove. Per riascoltare premi asterisco."
)


def test_a_known_caller_hears_credit_plan_and_the_menu(
    voice_rt: Runtime, clock: FixedClock, phone: TwilioPhone, base_url: str
) -> None:
    msisdn = line_on_the_third(voice_rt, clock, credit="22.33")
    twiml = phone.call(caller=msisdn)
    assert twiml.says == [
        (
            "it-IT",
            "Benvenuto nel servizio clienti di Saldo Mobile. Il tuo credito residuo è di dodici "
            "euro e trentaquattro centesimi. La tua offerta Giga 150 si rinnova il tre dicembre "
            "e costa nove euro e novantanove centesimi. " + MENU_IT,
        ),
        ("en-GB", "For English, press 0."),
    ]
    assert twiml.gather == {
        "action": f"{base_url}/channels/ivr/twilio/gather?step=0",
        "finishOnKey": "",
        "input": "dtmf",
        "method": "POST",
        "numDigits": "1",
        "timeout": "6",
    }
    assert twiml.redirect == twiml.gather["action"]


def test_the_whole_menu_of_4242_and_nothing_is_charged(
    voice_rt: Runtime, clock: FixedClock, phone: TwilioPhone
) -> None:
    msisdn = line_on_the_third(voice_rt, clock, credit="22.33")
    use(voice_rt, msisdn, service="data", quantity=135 * GB + GB // 2)
    use(voice_rt, msisdn, service="data", zone="eu", quantity=2 * GB)
    ledger, credit = count(voice_rt, LedgerEntry), snapshot(voice_rt, msisdn).credit_cents
    phone.call(caller=msisdn)

    said = phone.press("1").says[0][1]
    assert said == (
        "Internet in Italia: ne hai ancora dodici virgola cinque giga su centocinquanta. "
        "Minuti e SMS illimitati. Internet in roaming nell'Unione Europea: ne hai ancora dieci "
        "giga su dodici. I consumi inclusi si rinnovano il tre dicembre. " + MENU_IT
    )
    assert (
        phone.press("3")
        .says[0][1]
        .startswith(
            "La tua offerta è Giga 150: costa nove euro e novantanove centesimi ogni quattro "
            "settimane. Si rinnova il tre dicembre. Non hai opzioni attive."
        )
    )
    assert phone.press("*").says[0][1].startswith("La tua offerta è Giga 150")
    assert phone.press("7").says[0][1] == "Scelta non valida. " + MENU_IT
    english = phone.press("0")
    assert english.says[0] == (
        "en-GB",
        "Your remaining credit is twelve euros and thirty-four cents. Your Giga 150 offer renews "
        "on the third of December and costs nine euros and ninety-nine cents. For your usage "
        "details, press one. To receive the details by text message, press two. For your offer "
        "and active options, press three. For complaints, press four. To talk to an operator, "
        "press nine. To hear this again, press star.",
    )
    assert english.says[1] == ("it-IT", "Per l'italiano premi zero.")
    assert phone.press("1").says[0][1].startswith("Data in Italy: twelve point five gigabytes")
    transfer = phone.press("9")
    assert transfer.says == [("en-GB", "Putting you through to an operator.")]
    assert transfer.dial == "+390699999999" and transfer.hangup and transfer.gather is None
    assert count(voice_rt, LedgerEntry) == ledger
    assert snapshot(voice_rt, msisdn).credit_cents == credit
    assert outbox(voice_rt, msisdn) == []


def test_send_by_sms_enqueues_the_dettaglio_text_once_even_when_retried(
    voice_rt: Runtime, clock: FixedClock, phone: TwilioPhone
) -> None:
    msisdn = line_on_the_third(voice_rt, clock, credit="22.33")
    first = phone.call(caller=msisdn)
    assert first.gather is not None
    url, params = first.gather["action"], {**phone.params, "Digits": "2"}
    reply = phone.press("2")
    assert reply.says[0][1].startswith(
        "Ti abbiamo inviato un SMS con i dettagli dei consumi e il credito"
    )
    with ThreadPoolExecutor(max_workers=4) as pool:
        retries = list(pool.map(lambda _i: phone.retry_last(url, params), range(6)))
    assert {r.xml for r in retries} == {reply.xml}
    messages = outbox(voice_rt, msisdn)
    assert len(messages) == 1
    message = messages[0]
    assert message.body == details(snapshot(voice_rt, msisdn))
    assert (message.sender, message.topic, message.status) == ("4155", "details", "pending")
    assert message.dedup_key == f"menus:twilio:{phone.sid}:1"
    # asking again later in the call is a new request: a second SMS
    phone.press("2")
    assert len(outbox(voice_rt, msisdn)) == 2


def test_no_input_reprompts_three_times_then_says_goodbye(
    voice_rt: Runtime, clock: FixedClock, phone: TwilioPhone
) -> None:
    msisdn = line_on_the_third(voice_rt, clock)
    phone.call(caller=msisdn)
    for _ in range(3):
        assert phone.press(None).says[0][1] == "Non ho ricevuto nessuna scelta. " + MENU_IT
    bye = phone.press(None)
    assert bye.text == (
        "Non ho ricevuto una scelta valida. Puoi richiamare quando vuoi. "
        "Grazie per aver chiamato Saldo Mobile. Arrivederci."
    )
    assert bye.hangup and bye.gather is None and bye.dial is None


def test_care_closed_says_when_it_is_open(
    voice_rt: Runtime, clock: FixedClock, phone: TwilioPhone
) -> None:
    msisdn = line_on_the_third(voice_rt, clock)
    clock.set(datetime(2026, 11, 5, 22, 0, tzinfo=ROME))
    phone.call(caller=msisdn)
    closed = phone.press("9")
    assert closed.says[0][1].startswith(
        "Il servizio clienti risponde tutti i giorni dalle otto alle ventidue. "
        "Richiama in quegli orari, oppure usa l'app."
    )
    assert closed.dial is None and closed.gather is not None


def test_the_business_line_from_abroad(
    voice_rt: Runtime, clock: FixedClock, phone: TwilioPhone
) -> None:
    msisdn = line_on_the_third(
        voice_rt, clock, plan="BUSINESS100", credit="40", vat_number="01234560017"
    )
    first = phone.call(caller=msisdn, to="1928")
    assert first.says[0][1] == (
        "Benvenuto nella linea dei clienti business di Saldo Mobile. Il tuo credito residuo è "
        "di venticinque euro e un centesimo. Per ricevere un SMS con i consumi e il credito "
        "premi uno. Per i reclami premi quattro. Per parlare con l'assistenza business premi "
        "nove. Per riascoltare premi asterisco."
    )
    assert phone.press("1").says[0][1].startswith("Ti abbiamo inviato un SMS")
    assert [m.body for m in outbox(voice_rt, msisdn)] == [details(snapshot(voice_rt, msisdn))]
    assert phone.press("3").says[0][1].startswith("Scelta non valida.")
    transfer = phone.press("9")
    assert transfer.dial == "+390699999998"


def test_a_consumer_line_on_1928_is_sent_to_4242(
    voice_rt: Runtime, clock: FixedClock, phone: TwilioPhone
) -> None:
    msisdn = line_on_the_third(voice_rt, clock)
    bye = phone.call(caller=msisdn, to="+391928")
    assert bye.text == (
        "Benvenuto nella linea dei clienti business di Saldo Mobile. Questo numero è riservato "
        "ai clienti business. Per il tuo credito chiama gratis il quattro due quattro due. "
        "Grazie per aver chiamato Saldo Mobile. Arrivederci."
    )
    assert bye.hangup


def test_requests_without_a_valid_signature_get_403_and_change_nothing(
    voice_rt: Runtime, clock: FixedClock, phone: TwilioPhone, base_url: str
) -> None:
    msisdn = line_on_the_third(voice_rt, clock)
    url = f"{base_url}/channels/ivr/twilio/voice"
    params = {"CallSid": "CA" + "1" * 32, "From": msisdn, "To": "4242"}
    missing = phone.signed_post(url, params, signature=None)
    wrong_token = TwilioPhone(phone.http, base_url, token="not-the-token")
    forged = wrong_token.signed_post(url, params)
    signature = phone.validator.compute_signature(url, params)
    tampered = phone.http.post(
        url, data={**params, "From": "+393479999999"}, headers={"X-Twilio-Signature": signature}
    )
    other_url = phone.http.post(
        f"{base_url}/channels/ivr/twilio/gather?step=0",
        data=params,
        headers={"X-Twilio-Signature": signature},
    )
    for response in (missing, forged, tampered, other_url):
        assert response.status_code == 403
        assert "invalid Twilio signature" in response.text
    assert count(voice_rt, MenuSession) == 0
    assert phone.signed_post(url, params).status_code == 200
    assert count(voice_rt, MenuSession) == 1


def test_without_an_auth_token_configured_every_request_is_refused(
    voice_rt: Runtime, clock: FixedClock, phone: TwilioPhone
) -> None:
    voice_rt.settings.twilio = TwilioSettings(auth_token=SecretStr(""))
    empty = TwilioPhone(phone.http, phone.base_url, token="")
    assert empty.call(caller="+393471234567").status == 403
    assert count(voice_rt, MenuSession) == 0


def test_the_public_url_is_what_is_signed_behind_a_proxy(
    voice_rt: Runtime, clock: FixedClock, http: httpx.Client, base_url: str
) -> None:
    msisdn = line_on_the_third(voice_rt, clock)
    voice_rt.settings.twilio = TwilioSettings(
        auth_token=voice_rt.settings.twilio.auth_token, public_url="https://saldo.example"
    )
    public = TwilioPhone(http, base_url)
    params = {"CallSid": "CA" + "2" * 32, "From": msisdn, "To": "4242"}
    signature = public.validator.compute_signature(
        "https://saldo.example/channels/ivr/twilio/voice", params
    )
    response = http.post(
        "/channels/ivr/twilio/voice", data=params, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 200
    assert 'action="https://saldo.example/channels/ivr/twilio/gather?step=0"' in response.text
    assert public.signed_post(f"{base_url}/channels/ivr/twilio/voice", params).status_code == 403


def test_bad_requests_get_a_clear_answer(
    voice_rt: Runtime, clock: FixedClock, phone: TwilioPhone, base_url: str
) -> None:
    msisdn = line_on_the_third(voice_rt, clock)
    no_sid = phone.signed_post(f"{base_url}/channels/ivr/twilio/voice", {"From": msisdn})
    assert no_sid.status_code == 400 and "invalid call or session id" in no_sid.text
    bad_step = phone.signed_post(
        f"{base_url}/channels/ivr/twilio/gather?step=x", {"CallSid": "CA1", "Digits": "1"}
    )
    assert bad_step.status_code == 400 and "invalid step" in bad_step.text
    unknown = TwilioPhone(phone.http, base_url)
    unknown.params = {"CallSid": "CA" + "9" * 32}
    reply = unknown.retry_last(f"{base_url}/channels/ivr/twilio/gather?step=0", unknown.params)
    assert reply.status == 200 and reply.hangup
    assert reply.says == [
        ("it-IT", "Al momento non riesco a completare la richiesta. Riprova più tardi.")
    ]
    assert count(voice_rt, MenuSession) == 0


def test_an_old_step_replays_the_current_reply_and_changes_nothing(
    voice_rt: Runtime, clock: FixedClock, phone: TwilioPhone
) -> None:
    msisdn = line_on_the_third(voice_rt, clock)
    first = phone.call(caller=msisdn)
    assert first.gather is not None
    step0 = first.gather["action"]
    current = phone.press("1")
    again = phone.retry_last(step0, {**phone.params, "Digits": "2"})
    assert again.xml == current.xml
    assert outbox(voice_rt, msisdn) == []
    # the first request of the call, retried late, also gets where the call is now
    assert phone.call(caller=msisdn, sid=phone.sid).xml == current.xml


def test_the_server_start_freezes_what_it_holds_out_of_the_collector(voice_rt: Runtime) -> None:
    app = create_app(voice_rt)

    async def start_and_stop() -> int:
        async with app.router.lifespan_context(app):
            return gc.get_freeze_count()

    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        assert asyncio.run(start_and_stop()) > 0
    finally:
        gc.unfreeze()


def test_with_the_database_down_callers_still_get_an_answer(
    voice_rt: Runtime, tmp_path: Path
) -> None:
    unreachable = make_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'saldo.db'}")
    down = Runtime(voice_rt.settings, unreachable, make_sessionmaker(unreachable), voice_rt.clock)
    with serving(down) as base_url, httpx.Client(base_url=base_url, timeout=30) as http:
        phone = TwilioPhone(http, base_url)
        reply = phone.call(caller="+393471234567")
        assert reply.status == 200 and reply.hangup
        assert reply.text == "Al momento non riesco a completare la richiesta. Riprova più tardi."
        ussd = UssdPhone(http, GATEWAY).post(session="S1", number="+393471234567")
        assert ussd.text == "END Servizio momentaneamente non disponibile. Riprova più tardi."
    unreachable.dispose()
