"""USSD *133# through the gateway endpoint: CON/END screens of at most 182 characters."""

from __future__ import annotations

import itertools

from saldo.channels.menus.models import MenuSession
from saldo.channels.menus.screens import SCREEN_LIMIT
from saldo.channels.sms.texts import details, gsm7_length
from saldo.kit.clock import FixedClock
from saldo.kit.origin import CLI
from saldo.kit.quantities import GB
from saldo.lines.service import add_option
from saldo.runtime import Runtime
from tests.channels.menus.conftest import GATEWAY
from tests.channels.menus.phone import UssdPhone
from tests.channels.menus.support import count, line_on_the_third, outbox
from tests.factories import snapshot, use

_ids = itertools.count(1)
ROOT = "CON Saldo Mobile\n1 Credito\n2 Consumi\n3 Offerta\n4 Opzioni\n5 Ricevi SMS"


def _session() -> str:
    return f"ATUid_{next(_ids):08x}"


def _screen(text: str) -> str:
    assert text[:4] in ("CON ", "END ")
    assert gsm7_length(text[4:]) <= SCREEN_LIMIT
    return text


def test_the_menu_and_its_screens(voice_rt: Runtime, clock: FixedClock, ussd: UssdPhone) -> None:
    msisdn = line_on_the_third(voice_rt, clock, credit="22.33")
    use(voice_rt, msisdn, service="data", quantity=137 * GB + GB // 2)
    with voice_rt.transaction() as session:
        add_option(session, msisdn=msisdn, option_code="GIGA_EXTRA_10", clock=clock, origin=CLI)
    screens = {}
    for choice in ("", "1", "2", "3", "4"):
        sid = _session()
        if choice:
            assert ussd.post(session=sid, number=msisdn).text == ROOT
        response = ussd.post(session=sid, number=msisdn, text=choice)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        screens[choice] = _screen(response.text)
    assert screens[""] == ROOT
    assert screens["1"] == (
        "END Credito residuo: 7,35 €\n"
        "Offerta Giga 150: 9,99 €, rinnovo il 03/12. Ricarica almeno 2,64 €."
    )
    assert screens["2"] == (
        "END Consumi:\nGiga 22,5GB/160GB\nGiga UE 12GB/12GB\nMinuti illimitati\n"
        "SMS illimitati\nRinnovo il 03/12"
    )
    assert screens["3"] == (
        "END Offerta Giga 150: 9,99 €, rinnovo il 03/12. Ricarica almeno 2,64 €.\n"
        "Credito residuo: 7,35 €"
    )
    assert screens["4"] == "END Opzioni attive:\nGiga Extra 10 4,99 € fino al 03/12"


def test_receive_sms_sends_the_details_once(
    voice_rt: Runtime, clock: FixedClock, ussd: UssdPhone
) -> None:
    msisdn = line_on_the_third(voice_rt, clock)
    session = _session()
    ussd.post(session=session, number=msisdn)
    replies = {ussd.post(session=session, number=msisdn, text="5").text for _ in range(3)}
    assert replies == {"END Ti abbiamo inviato un SMS con i consumi e il credito."}
    messages = outbox(voice_rt, msisdn)
    assert [m.body for m in messages] == [details(snapshot(voice_rt, msisdn))]
    assert messages[0].dedup_key == f"menus:ussd:{session}:1"
    # a gateway that skipped the first request (text already "5") is answered the same way
    other = _session()
    assert ussd.post(session=other, number=msisdn, text="5").text.startswith("END Ti abbiamo")
    assert len(outbox(voice_rt, msisdn)) == 2


def test_invalid_choices_reprompt_then_end(
    voice_rt: Runtime, clock: FixedClock, ussd: UssdPhone
) -> None:
    msisdn = line_on_the_third(voice_rt, clock)
    session = _session()
    ussd.post(session=session, number=msisdn)
    text = ""
    for n, choice in enumerate(["9", "", "12", "#"]):
        text = f"{text}*{choice}" if n else choice
        reply = ussd.post(session=session, number=msisdn, text=text).text
        if n < 3:
            assert reply == ROOT.replace("CON ", "CON Scelta non valida.\n")
    assert reply == "END Troppe scelte non valide. Riprova più tardi."
    # after the end, more input changes nothing
    more = ussd.post(session=session, number=msisdn, text=text + "*1").text
    assert more == reply


def test_a_number_that_is_not_a_line(voice_rt: Runtime, ussd: UssdPhone) -> None:
    reply = ussd.post(session=_session(), number="+393331112223").text
    assert (
        reply == "END Servizio riservato ai clienti Saldo Mobile: il tuo numero non risulta attivo."
    )


def test_bad_requests_get_a_clear_answer_and_change_nothing(
    voice_rt: Runtime, clock: FixedClock, ussd: UssdPhone
) -> None:
    msisdn = line_on_the_third(voice_rt, clock)
    wrong = ussd.post(session=_session(), number=msisdn, auth=(GATEWAY[0], "guess"))
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"].startswith("Basic")
    none = ussd.http.post("/channels/ussd", data={"sessionId": "x", "phoneNumber": msisdn})
    assert none.status_code == 401
    missing = ussd.http.post("/channels/ussd", data={"text": ""}, auth=GATEWAY)
    assert missing.status_code == 400
    assert missing.text == "END Richiesta non valida: mancano sessionId, serviceCode, phoneNumber."
    letters = ussd.post(session=_session(), number=msisdn, text="1a")
    assert letters.text == "END Scelta non valida. Usa solo i tasti numerici."
    code = ussd.post(session=_session(), number=msisdn, code="*134#")
    assert code.text == "END codice USSD non servito: '*134#' (usa *133#)"
    bad_number = ussd.post(session=_session(), number="0612345678")
    assert bad_number.text == "END numero di cellulare italiano non valido: '0612345678'"
    assert count(voice_rt, MenuSession) == 0
    session = _session()
    ussd.post(session=session, number=msisdn)
    stolen = ussd.post(session=session, number="+393331112223", text="5")
    assert stolen.text == "END sessione USSD di un altro numero"
    assert outbox(voice_rt, msisdn) == [] and outbox(voice_rt, "+393331112223") == []
    long_id = ussd.post(session="x" * 65, number=msisdn)
    assert long_id.text == "END identificativo di chiamata o sessione non valido"


def test_the_same_request_twice_gives_the_same_screen(
    voice_rt: Runtime, clock: FixedClock, ussd: UssdPhone
) -> None:
    msisdn = line_on_the_third(voice_rt, clock)
    session = _session()
    first = ussd.post(session=session, number=msisdn).text
    assert ussd.post(session=session, number=msisdn).text == first
    assert count(voice_rt, MenuSession) == 1
