"""Hidden or unknown calling number: the line number and its service PIN, three tries."""

from __future__ import annotations

from saldo.identity.models import PinFailure
from saldo.identity.pin import PIN_LOCK_FAILURES, set_pin
from saldo.kit.clock import FixedClock
from saldo.runtime import Runtime
from tests.channels.menus.phone import TwilioPhone, TwiML
from tests.channels.menus.support import count, line_on_the_third

ANONYMOUS = "+266696687"  # what Twilio sends as From for a withheld number
ASK_NUMBER = "Digita il tuo numero di cellulare, seguito dal tasto cancelletto."
ASK_PIN = "Digita il PIN di servizio di quattro cifre, che puoi impostare nell'app."
WRONG = "Il numero o il PIN non sono corretti. Riprova. " + ASK_NUMBER


def _line_with_pin(rt: Runtime, clock: FixedClock, pin: str = "4821") -> str:
    msisdn = line_on_the_third(rt, clock, credit="22.33")
    with rt.transaction() as session:
        set_pin(session, msisdn=msisdn, pin=pin)
    return msisdn


def _try(phone: TwilioPhone, number: str, pin: str) -> TwiML:
    asked = phone.press(number)
    assert asked.text == ASK_PIN, asked.text
    assert asked.gather is not None and asked.gather["numDigits"] == "4"
    return phone.press(pin)


def test_a_withheld_number_is_asked_for_line_and_pin(
    voice_rt: Runtime, clock: FixedClock, phone: TwilioPhone
) -> None:
    msisdn = _line_with_pin(voice_rt, clock)
    first = phone.call(caller=ANONYMOUS)
    assert first.text == (
        "Benvenuto nel servizio clienti di Saldo Mobile. "
        "Non riconosciamo il numero da cui chiami. " + ASK_NUMBER
    )
    assert first.gather is not None
    assert (first.gather["finishOnKey"], first.gather["numDigits"]) == ("#", "14")
    welcome = _try(phone, msisdn.removeprefix("+39"), "4821")
    assert welcome.says[0][1].startswith(
        "Il tuo credito residuo è di dodici euro e trentaquattro centesimi."
    )
    assert phone.press("1").says[0][1].startswith("Internet in Italia")


def test_three_wrong_pairs_end_the_call_and_never_say_which_was_wrong(
    voice_rt: Runtime, clock: FixedClock, phone: TwilioPhone
) -> None:
    msisdn = _line_with_pin(voice_rt, clock)
    phone.call(caller="")
    assert _try(phone, msisdn.removeprefix("+39"), "1111").text == WRONG
    # a number that is not a line of ours: the very same answer
    assert _try(phone, "3209999999", "4821").text == WRONG
    bye = _try(phone, msisdn.removeprefix("+"), "4822")
    assert bye.text == (
        "Per la tua sicurezza non possiamo proseguire. Puoi impostare il PIN nell'app. "
        "Grazie per aver chiamato Saldo Mobile. Arrivederci."
    )
    assert bye.hangup
    assert count(voice_rt, PinFailure) == 3


def test_a_line_without_a_pin_cannot_be_reached_by_pin(
    voice_rt: Runtime, clock: FixedClock, phone: TwilioPhone
) -> None:
    msisdn = line_on_the_third(voice_rt, clock)
    phone.call(caller=ANONYMOUS)
    assert _try(phone, msisdn.removeprefix("+39"), "0000").text == WRONG


def test_bad_number_and_short_pin_are_reprompted(
    voice_rt: Runtime, clock: FixedClock, phone: TwilioPhone
) -> None:
    msisdn = _line_with_pin(voice_rt, clock)
    phone.call(caller=ANONYMOUS)
    assert phone.press("0612345678").text == (
        "Il numero digitato non è un cellulare italiano valido. " + ASK_NUMBER
    )
    assert phone.press(msisdn.removeprefix("+")).text == ASK_PIN
    assert phone.press("48").text == "Il PIN è di quattro cifre. " + ASK_PIN
    assert phone.press("4821").says[0][1].startswith("Il tuo credito residuo")
    assert count(voice_rt, PinFailure) == 0


def test_an_unknown_calling_number_takes_the_pin_path_too(
    voice_rt: Runtime, clock: FixedClock, phone: TwilioPhone
) -> None:
    msisdn = _line_with_pin(voice_rt, clock)
    first = phone.call(caller="+393331112223")  # a valid mobile, not one of our lines
    assert first.text.endswith(ASK_NUMBER)
    assert _try(phone, "00" + msisdn[1:], "4821").says[0][1].startswith("Il tuo credito residuo")


def test_too_many_wrong_pins_over_several_calls_lock_the_number(
    voice_rt: Runtime, clock: FixedClock, phone: TwilioPhone
) -> None:
    msisdn = _line_with_pin(voice_rt, clock)
    failures = 0
    while failures < PIN_LOCK_FAILURES:
        phone.call(caller=ANONYMOUS)
        for _ in range(3):
            if failures < PIN_LOCK_FAILURES:
                _try(phone, msisdn[3:], "1234")
                failures += 1
    phone.call(caller=ANONYMOUS)
    locked = _try(phone, msisdn[3:], "4821")  # even the right PIN
    assert locked.text.startswith(
        "Troppi tentativi errati: l'accesso con il PIN è sospeso per ventiquattro ore."
    )
    assert locked.hangup
    assert count(voice_rt, PinFailure) == PIN_LOCK_FAILURES
