"""The dialog engine: menus are data (states, prompts, expected input, transitions) run here.

No telephony and no database. An adapter hands over what the caller typed; the engine answers
with the prompts to say (ids, rendered later per channel and language) and the input to wait
for. Side effects (identify the caller, send an SMS…) are named actions the adapter supplies;
an action returns an outcome that picks the next state.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Literal

from saldo.kit.validators import is_digits

Expect = Literal["key", "digits"]
End = Literal["hangup", "transfer"]

REPEAT = "@repeat"
"""A key's target that says the previous turn again."""
INVALID = "invalid"
"""The outcome an input action returns when the input is not acceptable (a re-prompt)."""
MAX_HOPS = 32


class MenuError(Exception):
    """A menu definition that cannot run (a programming error, not a caller's mistake)."""


@dataclass(frozen=True, slots=True)
class State:
    """One state of a menu.

    On entering: ``do`` runs (its outcome picks ``on[outcome]`` when ``on`` is given), the
    ``say`` prompts are queued, then the dialog moves on to ``then``, ends (``end``), or waits
    for input (``expect``): one key looked up in ``keys``, or digits passed to the ``check``
    action whose outcome picks ``on[outcome]``.
    """

    say: tuple[str, ...] = ()
    do: str | None = None
    check: str | None = None
    on: Mapping[str, str] = field(default_factory=dict)
    expect: Expect | None = None
    max_digits: int = 1
    keys: Mapping[str, str] = field(default_factory=dict)
    then: str | None = None
    end: End | None = None
    transfer_to: str | None = None
    invalid: tuple[str, ...] = ("invalid",)
    no_input: tuple[str, ...] = ("no_input",)


@dataclass(frozen=True, slots=True)
class Menu:
    name: str
    start: str
    states: Mapping[str, State]
    max_retries: int = 3
    """Re-prompts after no input or invalid input, in a row; one more failure ends politely."""
    give_up: str = "give_up"

    def problems(self, actions: frozenset[str] = frozenset()) -> list[str]:
        """What is wrong with this definition (empty when it can run)."""
        found: list[str] = []
        names = set(self.states)
        for ref in (self.start, self.give_up):
            if ref not in names:
                found.append(f"{self.name}: unknown state {ref!r}")
        for name, s in self.states.items():
            targets = [*s.on.values(), *s.keys.values(), *([s.then] if s.then else [])]
            found += [
                f"{self.name}.{name}: goes to unknown state {t!r}"
                for t in targets
                if t != REPEAT and t not in names
            ]
            exits = sum(x is not None for x in (s.expect, s.then, s.end))
            if exits != 1 and not (s.on and s.do and s.expect is None and s.then is None):
                found.append(f"{self.name}.{name}: needs exactly one of expect, then, end")
            if s.expect == "key" and (not s.keys or s.check):
                found.append(f"{self.name}.{name}: a key state needs keys and no check")
            if s.expect == "digits" and not (s.check and s.on):
                found.append(f"{self.name}.{name}: a digits state needs check and on")
            if s.end == "transfer" and not s.transfer_to:
                found.append(f"{self.name}.{name}: a transfer needs transfer_to")
            for action in (s.do, s.check):
                if action and actions and action not in actions and action not in BUILTINS:
                    found.append(f"{self.name}.{name}: unknown action {action!r}")
        return found

    def prompts(self) -> set[str]:
        """Every prompt id this menu can say."""
        ids: set[str] = set()
        for s in self.states.values():
            ids.update(s.say)
            if s.expect:
                ids.update(s.invalid, s.no_input)
        return ids


@dataclass(slots=True)
class Dialog:
    """Where a caller is in a menu; saved between the requests of one call."""

    menu: str
    state: str
    lang: str = "it"
    retries: int = 0
    vars: dict[str, str] = field(default_factory=dict)
    last: list[str] = field(default_factory=list)
    ended: bool = False

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Dialog:
        return cls(**json.loads(text))


@dataclass(frozen=True, slots=True)
class Turn:
    """What to do now: say ``prompts`` in ``lang``, then wait for input or end the call."""

    prompts: tuple[str, ...]
    lang: str
    expect: Expect | None = None
    max_digits: int = 1
    end: End | None = None
    transfer_to: str | None = None


Action = Callable[[Dialog, str | None], str]


def _switch_language(dialog: Dialog, _input: str | None) -> str:
    dialog.lang = "en" if dialog.lang == "it" else "it"
    return dialog.lang


BUILTINS: dict[str, Action] = {"switch_language": _switch_language}


class Engine:
    """Runs one menu with the given actions."""

    def __init__(self, menu: Menu, actions: Mapping[str, Action]) -> None:
        self.menu = menu
        self.actions: dict[str, Action] = {**BUILTINS, **actions}

    def open(self, variables: Mapping[str, str] | None = None) -> Dialog:
        """A new dialog at the menu's start, with the adapter's variables (e.g. ``cli``)."""
        return Dialog(menu=self.menu.name, state=self.menu.start, vars=dict(variables or {}))

    def start(self, dialog: Dialog) -> Turn:
        """The first turn of a dialog made by ``open``."""
        return self._enter(dialog, self.menu.start)

    def answer(self, dialog: Dialog, text: str | None) -> Turn:
        """The caller's input (``None`` or "" when nothing came before the timeout)."""
        if dialog.ended:
            raise MenuError("the dialog has ended")
        state = self.menu.states[dialog.state]
        given = (text or "").strip()
        if not given:
            return self._retry(dialog, state, state.no_input)
        if state.expect == "key":
            target = state.keys.get(given) if len(given) == 1 else None
            if target is None:
                return self._retry(dialog, state, state.invalid)
            dialog.retries = 0
            if target == REPEAT:
                return self._waiting(dialog, state, list(dialog.last))
            return self._enter(dialog, target)
        if len(given) > state.max_digits or not is_digits(given):
            return self._retry(dialog, state, state.invalid)
        assert state.check is not None
        outcome = self._run(state.check, dialog, given)
        if outcome == INVALID:
            return self._retry(dialog, state, state.invalid)
        dialog.retries = 0
        return self._enter(dialog, self._target(dialog.state, state, outcome))

    def _retry(self, dialog: Dialog, state: State, said: tuple[str, ...]) -> Turn:
        dialog.retries += 1
        if dialog.retries > self.menu.max_retries:
            return self._enter(dialog, self.menu.give_up)
        return self._waiting(dialog, state, [*said, *state.say], remember=False)

    def _enter(self, dialog: Dialog, name: str) -> Turn:
        prompts: list[str] = []
        for _ in range(MAX_HOPS):
            state = self.menu.states[name]
            dialog.state = name
            outcome = self._run(state.do, dialog, None) if state.do else None
            prompts.extend(state.say)
            if state.on and state.do:
                name = self._target(name, state, outcome or "")
                continue
            if state.then:
                name = state.then
                continue
            if state.end:
                dialog.ended = True
                return Turn(
                    tuple(prompts), dialog.lang, end=state.end, transfer_to=state.transfer_to
                )
            return self._waiting(dialog, state, prompts)
        raise MenuError(f"{self.menu.name}: more than {MAX_HOPS} states without input")

    def _waiting(
        self, dialog: Dialog, state: State, prompts: list[str], *, remember: bool = True
    ) -> Turn:
        if remember:
            dialog.last = prompts
        return Turn(tuple(prompts), dialog.lang, expect=state.expect, max_digits=state.max_digits)

    def _target(self, name: str, state: State, outcome: str) -> str:
        if outcome not in state.on:
            raise MenuError(f"{self.menu.name}.{name}: no transition for outcome {outcome!r}")
        return state.on[outcome]

    def _run(self, action: str, dialog: Dialog, given: str | None) -> str:
        fn = self.actions.get(action)
        if fn is None:
            raise MenuError(f"{self.menu.name}: no action {action!r}")
        return fn(dialog, given)
