"""A scripted Asterisk: connects to the FastAGI server over TCP and plays a session transcript.

``<`` lines are sent as Asterisk sends them; each ``>`` line is a regular expression the next
line from the server must match in full. ``{it}``/``{en}`` match a prompt file in that
language, ``{keys}`` the escape digits of a menu.
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass, field
from pathlib import Path

PLACEHOLDERS = {
    "{it}": r"(?P<file>/\S+/it/it-[0-9a-f]{24})",
    "{en}": r"(?P<file>/\S+/en/en-[0-9a-f]{24})",
    "{keys}": re.escape('"0123456789*#"'),
}


@dataclass
class Session:
    commands: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    closed_by_server: bool = False


def _pattern(text: str) -> re.Pattern[str]:
    for name, regex in PLACEHOLDERS.items():
        text = text.replace(name, regex)
    return re.compile(text)


def play(transcript: Path, port: int) -> Session:
    """Run the transcript against the server on ``port``; every expectation is asserted."""
    session = Session()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        stream = sock.makefile("rwb")
        for number, raw in enumerate(transcript.read_text().splitlines(), 1):
            if raw.startswith("#") or (not raw.strip() and not raw.startswith("<")):
                continue
            if raw.startswith("<"):
                stream.write(raw[2:].encode() + b"\n")
                stream.flush()
                continue
            assert raw.startswith("> "), f"{transcript.name}:{number}: bad line {raw!r}"
            line = stream.readline().decode().rstrip("\n")
            match = _pattern(raw[2:]).fullmatch(line)
            assert match, f"{transcript.name}:{number}: expected {raw[2:]!r}, got {line!r}"
            session.commands.append(line)
            if match.groupdict().get("file"):
                session.files.append(Path(match["file"]))
        session.closed_by_server = stream.readline() == b""
    return session
