"""The AGI wire format: the ``agi_*`` environment block, command lines, ``200 result=`` replies.

Asterisk connects, sends ``agi_name: value`` lines ended by an empty line, then answers each
command line with ``<code> result=<value> [(<data>)] [key=value…]``; ``520`` usage errors span
several lines (``520-…`` up to ``520 End of proper usage.``). On hangup it may send a lone
``HANGUP`` line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from saldo.kit.validators import is_digits

_REPLY = re.compile(r"^(?P<code>\d{3})(?P<sep>[ -])?(?P<rest>.*)$")
_RESULT = re.compile(r"^result=(?P<result>\S*)(?:\s+\((?P<data>[^)]*)\))?(?P<extra>.*)$")


class ProtocolError(Exception):
    """A line that is not AGI."""


@dataclass(frozen=True, slots=True)
class Reply:
    code: int
    result: str = ""
    data: str = ""
    """The text in parentheses: "timeout", "dtmf"…"""
    extra: dict[str, str] = field(default_factory=dict)
    """``endpos=…`` and the like."""
    text: str = ""
    """The rest of a reply that is not ``result=`` (error replies)."""


def parse_environment_line(line: str) -> tuple[str, str]:
    """``agi_callerid: 3471234567`` -> ("agi_callerid", "3471234567")."""
    name, sep, value = line.partition(":")
    if not sep or not name.startswith("agi_") or " " in name:
        raise ProtocolError(f"not an AGI environment line: {line!r}")
    return name, value.strip()


def parse_reply(line: str) -> Reply:
    """The first line of a reply: ``200 result=1 (timeout) endpos=1234``."""
    match = _REPLY.match(line.strip())
    if not match:
        raise ProtocolError(f"not an AGI reply: {line!r}")
    code, rest = int(match["code"]), match["rest"].strip()
    result = _RESULT.match(rest)
    if not result:
        return Reply(code, text=rest)
    extra = dict(item.partition("=")[::2] for item in result["extra"].split() if "=" in item)
    return Reply(code, result["result"], result["data"] or "", extra)


def is_continued(line: str) -> bool:
    """A ``520-`` line: more lines of the same reply follow."""
    return len(line) > 3 and is_digits(line[:3]) and line[3] == "-"


def quote(argument: str) -> str:
    """An argument in double quotes, as AGI's parser wants spaces and empty strings."""
    return '"' + argument.replace("\\", "\\\\").replace('"', '\\"') + '"'


def command_line(name: str, *arguments: str) -> bytes:
    """One command, newline-terminated; no argument may break the line."""
    text = " ".join([name, *arguments])
    if "\n" in text or "\r" in text:
        raise ProtocolError("an AGI command is one line")
    return (text + "\n").encode()
