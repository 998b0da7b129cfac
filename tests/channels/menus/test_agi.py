"""FastAGI: the menus over the AGI protocol, against a scripted Asterisk on a real socket."""

from __future__ import annotations

import threading
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest

from saldo.channels.menus.agi.protocol import ProtocolError, parse_reply, quote
from saldo.channels.menus.agi.server import AgiServer, caller_number, dialled_number
from saldo.channels.menus.audio import PromptAudio, tools_missing
from saldo.channels.menus.models import MenuSession
from saldo.channels.sms.texts import details
from saldo.identity.pin import set_pin
from saldo.kit.clock import FixedClock
from saldo.runtime import Runtime
from tests.channels.menus.agi_peer import play
from tests.channels.menus.support import count, line_on_the_third, outbox
from tests.conftest import REQUIRE_ALL
from tests.factories import snapshot

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def agi_port(voice_rt: Runtime, tmp_path: Path) -> Iterator[int]:
    missing = tools_missing()
    if missing:
        message = f"prompt audio needs {' and '.join(missing)} (CI installs them)"
        if REQUIRE_ALL:
            pytest.fail(message)
        pytest.skip(message)
    server = AgiServer(("127.0.0.1", 0), voice_rt, PromptAudio(tmp_path / "prompts"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _texts(files: list[Path]) -> list[str]:
    return [f.with_suffix(".txt").read_text(encoding="utf-8").strip() for f in files]


def test_a_known_caller_on_4242(voice_rt: Runtime, clock: FixedClock, agi_port: int) -> None:
    msisdn = line_on_the_third(voice_rt, clock, credit="22.33", msisdn="+393471234567")
    session = play(FIXTURES / "agi_known_caller_4242.txt", agi_port)
    said = _texts(session.files)
    assert said[:4] == [
        "Benvenuto nel servizio clienti di Saldo Mobile.",
        "Il tuo credito residuo è di dodici euro e trentaquattro centesimi. La tua offerta "
        "Giga 150 si rinnova il tre dicembre e costa nove euro e novantanove centesimi.",
        said[2],
        "Internet in Italia: ne hai ancora centocinquanta giga su centocinquanta. Minuti e SMS "
        "illimitati. Internet in roaming nell'Unione Europea: ne hai ancora dodici giga su "
        "dodici. I consumi inclusi si rinnovano il tre dicembre.",
    ]
    assert said[2].startswith("Per ascoltare i dettagli dei consumi premi uno.")
    assert said[5] == "For English, press 0."
    assert said[6].startswith("Ti abbiamo inviato un SMS")
    assert said[9] == "Non ho ricevuto nessuna scelta."
    assert session.closed_by_server
    assert [m.body for m in outbox(voice_rt, msisdn)] == [details(snapshot(voice_rt, msisdn))]
    assert outbox(voice_rt, msisdn)[0].dedup_key == "menus:agi:1764144000.42:2"
    for base in set(session.files):
        with wave.open(str(base.with_suffix(".wav"))) as audio:
            assert (audio.getframerate(), audio.getnchannels(), audio.getsampwidth()) == (
                8000,
                1,
                2,
            )
            assert audio.getnframes() > 800


def test_a_withheld_number_with_pin_then_the_operator(
    voice_rt: Runtime, clock: FixedClock, agi_port: int
) -> None:
    msisdn = line_on_the_third(voice_rt, clock, credit="22.33", msisdn="+393471234567")
    with voice_rt.transaction() as db:
        set_pin(db, msisdn=msisdn, pin="4821")
    session = play(FIXTURES / "agi_withheld_pin_transfer.txt", agi_port)
    said = _texts(session.files)
    assert said[1] == "Non riconosciamo il numero da cui chiami."
    assert said[3] == "Digita il PIN di servizio di quattro cifre, che puoi impostare nell'app."
    assert said[4].startswith("Il tuo credito residuo è di dodici euro")
    assert said[-1] == "Ti passo un operatore, resta in linea."
    assert session.commands[-2] == 'EXEC Dial "PJSIP/+390699999999@trunk"'
    assert session.closed_by_server


def test_the_business_line_and_a_caller_who_hangs_up(
    voice_rt: Runtime, clock: FixedClock, agi_port: int
) -> None:
    msisdn = line_on_the_third(
        voice_rt, clock, plan="BUSINESS100", credit="40", vat_number="01234560017",
        msisdn="+393481234000",
    )  # fmt: skip
    session = play(FIXTURES / "agi_business_1928_dead_channel.txt", agi_port)
    said = _texts(session.files)
    assert said[0] == "Benvenuto nella linea dei clienti business di Saldo Mobile."
    assert said[1] == "Il tuo credito residuo è di venticinque euro e un centesimo."
    assert len(outbox(voice_rt, msisdn)) == 1
    assert session.closed_by_server
    assert count(voice_rt, MenuSession) == 1


def test_codec() -> None:
    assert parse_reply("200 result=1 (timeout) endpos=1234").extra == {"endpos": "1234"}
    timeout = parse_reply("200 result= (timeout)")
    assert (timeout.code, timeout.result, timeout.data) == (200, "", "timeout")
    assert parse_reply("510 Invalid or unknown command").text == "Invalid or unknown command"
    assert quote('say "hi"') == '"say \\"hi\\""'
    with pytest.raises(ProtocolError):
        parse_reply("hello")


def test_caller_and_dialled_number_from_the_environment() -> None:
    assert caller_number({"agi_callerid": "3471234567", "agi_callingpres": "0"}) == "3471234567"
    assert caller_number({"agi_callerid": "3471234567", "agi_callingpres": "35"}) == ""
    assert caller_number({"agi_callerid": "unknown"}) == ""
    assert dialled_number({"agi_network_script": "ivr/1928?x=1", "agi_extension": "s"}) == "1928"
    assert dialled_number({"agi_network_script": "saldo", "agi_extension": "4242"}) == "4242"
    assert dialled_number({"agi_extension": "s", "agi_dnid": "unknown"}) == ""
