"""Keywords: case-, accent-, space-insensitive, Italian first with English aliases."""

from __future__ import annotations

import pytest

from saldo.channels.sms.keywords import Command, normalize, parse


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("SALDO", Command.SUMMARY),
        ("saldo", Command.SUMMARY),
        ("  Saldo \n", Command.SUMMARY),
        ("s a l d o", Command.SUMMARY),
        ("SALDO!", Command.SUMMARY),
        ("Sàldo", Command.SUMMARY),
        ("credito", Command.SUMMARY),
        ("Balance", Command.SUMMARY),
        ("DETTAGLIO", Command.DETAILS),
        ("dettàglio", Command.DETAILS),
        ("Consumi", Command.DETAILS),
        ("details", Command.DETAILS),
        ("OFFERTA", Command.OFFER),
        ("offer", Command.OFFER),
        ("Opzioni", Command.OPTIONS),
        ("OPZIONÍ", Command.OPTIONS),
        ("options", Command.OPTIONS),
        ("AIUTO", Command.HELP),
        ("info", Command.HELP),
        ("Help", Command.HELP),
        ("", Command.UNKNOWN),
        ("ciao", Command.UNKNOWN),
        ("saldo per favore", Command.UNKNOWN),
        ("SALD0", Command.UNKNOWN),
        ("SALDOSALDO", Command.UNKNOWN),
    ],
)
def test_keyword(text: str, command: Command) -> None:
    assert parse(text) is command


def test_normalize_keeps_letters_and_digits_only() -> None:
    assert normalize(" Dettàglio\t2 ") == "DETTAGLIO2"
    assert normalize("ÈÉ ìò") == "EEIO"
    assert normalize("😀") == ""
