"""The dialog engine alone: a small menu with plain functions as actions, no telephony."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from saldo.channels.menus import screens, speech
from saldo.channels.menus.actions import care_is_open
from saldo.channels.menus.definitions import MENUS, VOICE_MENUS
from saldo.channels.menus.engine import INVALID, REPEAT, Dialog, Engine, Menu, MenuError, State
from saldo.channels.menus.speech import PromptContext
from saldo.channels.sms.texts import gsm7_length
from saldo.kit.clock import ROME
from tests.channels.menus.samples import sample

QUIZ = Menu(
    name="quiz",
    start="hello",
    states={
        "hello": State(say=("hello",), do="who", on={"friend": "menu", "stranger": "code"}),
        "code": State(
            say=("ask_code",),
            expect="digits",
            max_digits=4,
            check="check_code",
            on={"ok": "menu", "no": "bye"},
            invalid=("bad_code",),
        ),
        "menu": State(
            say=("options",),
            expect="key",
            keys={"1": "one", "2": "count", "*": REPEAT, "0": "lang"},
        ),
        "one": State(say=("first",), then="menu"),
        "count": State(do="bump", say=("counted",), then="menu"),
        "lang": State(do="switch_language", say=("switched",), then="menu"),
        "bye": State(say=("bye",), end="hangup"),
        "give_up": State(say=("sorry", "bye"), end="hangup"),
    },
)


def _engine(calls: list[str]) -> Engine:
    def who(dialog: Dialog, _given: str | None) -> str:
        calls.append("who")
        return "friend" if dialog.vars.get("cli") == "known" else "stranger"

    def check_code(dialog: Dialog, given: str | None) -> str:
        calls.append(f"check:{given}")
        if given is None or len(given) != 4:
            return INVALID
        return "ok" if given == "1234" else "no"

    def bump(dialog: Dialog, _given: str | None) -> str:
        dialog.vars["n"] = str(int(dialog.vars.get("n", "0")) + 1)
        return "done"

    return Engine(QUIZ, {"who": who, "check_code": check_code, "bump": bump})


def test_the_definition_is_valid() -> None:
    assert QUIZ.problems(frozenset({"who", "check_code", "bump"})) == []


def test_start_runs_actions_chains_states_and_waits_for_a_key() -> None:
    calls: list[str] = []
    engine = _engine(calls)
    dialog = engine.open({"cli": "known"})
    turn = engine.start(dialog)
    assert turn.prompts == ("hello", "options")
    assert (turn.expect, turn.max_digits, turn.end) == ("key", 1, None)
    assert dialog.state == "menu" and calls == ["who"]


def test_keys_move_between_states_and_actions_change_the_dialog() -> None:
    engine = _engine([])
    dialog = engine.open({"cli": "known"})
    engine.start(dialog)
    assert engine.answer(dialog, "1").prompts == ("first", "options")
    assert engine.answer(dialog, "2").prompts == ("counted", "options")
    assert engine.answer(dialog, "2").prompts == ("counted", "options")
    assert dialog.vars["n"] == "2"


def test_star_repeats_the_last_turn_without_running_its_actions_again() -> None:
    engine = _engine([])
    dialog = engine.open({"cli": "known"})
    engine.start(dialog)
    engine.answer(dialog, "2")
    assert engine.answer(dialog, "*").prompts == ("counted", "options")
    assert dialog.vars["n"] == "1"


def test_language_switch_is_a_builtin_action() -> None:
    engine = _engine([])
    dialog = engine.open({"cli": "known"})
    engine.start(dialog)
    turn = engine.answer(dialog, "0")
    assert (turn.lang, dialog.lang) == ("en", "en")
    assert engine.answer(dialog, "0").lang == "it"


def test_invalid_and_missing_input_reprompt_three_times_then_a_polite_goodbye() -> None:
    engine = _engine([])
    dialog = engine.open({"cli": "known"})
    engine.start(dialog)
    assert engine.answer(dialog, "7").prompts == ("invalid", "options")
    assert engine.answer(dialog, None).prompts == ("no_input", "options")
    assert engine.answer(dialog, "12").prompts == ("invalid", "options")
    turn = engine.answer(dialog, "")
    assert turn.prompts == ("sorry", "bye") and turn.end == "hangup" and dialog.ended
    with pytest.raises(MenuError):
        engine.answer(dialog, "1")


def test_a_valid_input_resets_the_count_of_retries() -> None:
    engine = _engine([])
    dialog = engine.open({"cli": "known"})
    engine.start(dialog)
    for _ in range(3):
        engine.answer(dialog, "7")
    engine.answer(dialog, "1")
    for _ in range(3):
        assert engine.answer(dialog, "7").end is None
    assert engine.answer(dialog, "7").end == "hangup"


def test_digits_go_to_the_check_action_whose_outcome_picks_the_state() -> None:
    calls: list[str] = []
    engine = _engine(calls)
    dialog = engine.open({})
    turn = engine.start(dialog)
    assert turn.prompts == ("hello", "ask_code")
    assert (turn.expect, turn.max_digits) == ("digits", 4)
    assert engine.answer(dialog, "12").prompts == ("bad_code", "ask_code")  # action said INVALID
    assert engine.answer(dialog, "12345").prompts == ("bad_code", "ask_code")  # too long
    assert engine.answer(dialog, "12a4").prompts == ("bad_code", "ask_code")  # not digits
    assert calls == ["who", "check:12"]
    assert engine.answer(dialog, "1234").prompts == ("options",)
    dialog = engine.open({})
    engine.start(dialog)
    assert engine.answer(dialog, "9999").end == "hangup"


def test_the_dialog_survives_a_round_trip_through_json() -> None:
    engine = _engine([])
    dialog = engine.open({"cli": "known"})
    engine.start(dialog)
    engine.answer(dialog, "2")
    again = Dialog.from_json(dialog.to_json())
    assert again == dialog
    assert engine.answer(again, "*").prompts == ("counted", "options")


def test_broken_definitions_are_named() -> None:
    broken = Menu(
        name="broken",
        start="nowhere",
        states={
            "a": State(say=("x",), expect="key", keys={"1": "missing"}),
            "b": State(say=("x",)),
            "c": State(expect="digits"),
            "d": State(end="transfer"),
            "give_up": State(do="nope", then="a"),
        },
    )
    problems = broken.problems(frozenset({"who"}))
    assert "broken: unknown state 'nowhere'" in problems
    assert "broken.a: goes to unknown state 'missing'" in problems
    assert "broken.b: needs exactly one of expect, then, end" in problems
    assert "broken.c: a digits state needs check and on" in problems
    assert "broken.d: a transfer needs transfer_to" in problems
    assert "broken.give_up: unknown action 'nope'" in problems


def test_an_outcome_without_a_transition_is_a_definition_error() -> None:
    menu = Menu(
        name="m",
        start="s",
        states={
            "s": State(do="act", on={"yes": "e"}),
            "e": State(end="hangup"),
            "give_up": State(end="hangup"),
        },
    )
    engine = Engine(menu, {"act": lambda _d, _g: "maybe"})
    with pytest.raises(MenuError, match="no transition for outcome 'maybe'"):
        engine.start(engine.open())


ACTIONS = frozenset(
    {
        "identify_caller",
        "take_number",
        "check_pin",
        "line_segment",
        "send_details",
        "care_hours",
        "open_complaint",
    }
)


@pytest.mark.parametrize("name", sorted(MENUS))
def test_the_real_menus_are_valid(name: str) -> None:
    assert MENUS[name].problems(ACTIONS) == []


@pytest.mark.parametrize("name", VOICE_MENUS)
def test_every_voice_prompt_is_said_in_italian_and_english(name: str) -> None:
    ctx = PromptContext(operator="Saldo Mobile", load_snapshot=sample)
    for prompt in sorted(MENUS[name].prompts()):
        for lang in ("it", "en"):
            said = speech.render((prompt,), lang, ctx)
            assert said and all(text.strip() for _l, text in said), (prompt, lang)
            assert said[0][0] == lang


def test_every_ussd_prompt_fits_a_screen() -> None:
    ctx = PromptContext(operator="Saldo Mobile", load_snapshot=sample)
    for prompt in sorted(MENUS["ussd"].prompts()):
        text = screens.render((prompt,), ctx)
        assert text and gsm7_length(text) <= screens.SCREEN_LIMIT, prompt


@pytest.mark.parametrize(
    ("hhmm", "opens", "closes", "open_"),
    [
        ("07:59", "08:00", "22:00", False),
        ("08:00", "08:00", "22:00", True),
        ("21:59", "08:00", "22:00", True),
        ("22:00", "08:00", "22:00", False),
        ("23:30", "20:00", "02:00", True),  # overnight
        ("01:59", "20:00", "02:00", True),
        ("02:00", "20:00", "02:00", False),
        ("03:00", "00:00", "00:00", True),  # equal hours: always
    ],
)
def test_care_hours_in_rome_time(hhmm: str, opens: str, closes: str, open_: bool) -> None:
    hour, minute = (int(x) for x in hhmm.split(":"))
    # 1 August: Rome is UTC+2, so a UTC clock would get every one of these wrong
    moment = datetime(2026, 8, 1, hour, minute, tzinfo=ROME).astimezone(UTC)
    assert care_is_open(moment, opens, closes) is open_
