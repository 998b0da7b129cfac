"""One AGI call: send a command, read its reply, notice the caller hanging up."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from saldo.channels.menus.agi.protocol import (
    Reply,
    command_line,
    is_continued,
    parse_environment_line,
    parse_reply,
    quote,
)

MAX_LINE = 4096
ALL_KEYS = "0123456789*#"


class AgiHangup(Exception):
    """The caller hung up (or Asterisk closed the connection)."""


class AgiCommandFailed(Exception):
    """Asterisk refused a command (510 unknown, 520 usage…)."""


class AgiChannel:
    def __init__(self, reader: BinaryIO, writer: BinaryIO) -> None:
        self.reader = reader
        self.writer = writer
        self.hung_up = False

    def _line(self) -> str:
        raw = self.reader.readline(MAX_LINE)
        if not raw:
            raise AgiHangup("connection closed")
        return raw.decode("utf-8", "replace").rstrip("\r\n")

    def read_environment(self) -> dict[str, str]:
        env: dict[str, str] = {}
        while True:
            line = self._line()
            if not line:
                return env
            name, value = parse_environment_line(line)
            env[name] = value

    def send(self, name: str, *arguments: str) -> Reply:
        self.writer.write(command_line(name, *arguments))
        self.writer.flush()
        line = self._line()
        while line == "HANGUP":
            self.hung_up = True
            line = self._line()
        while is_continued(line):
            line = self._line()
        reply = parse_reply(line)
        if reply.code == 511:
            raise AgiHangup(reply.text or "dead channel")
        if reply.code != 200:
            raise AgiCommandFailed(f"{name}: {reply.code} {reply.text}")
        return reply

    def answer(self) -> None:
        self.send("ANSWER")

    def stream_file(self, base: Path, escape: str = "") -> str | None:
        """Play a file; the key that interrupted it, if ``escape`` allowed one."""
        reply = self.send("STREAM FILE", str(base), quote(escape))
        code = int(reply.result or "0")
        if code < 0:
            raise AgiHangup("stream file failed")
        return chr(code) if code > 0 else None

    def get_data(self, base: Path, timeout_ms: int, max_digits: int) -> str:
        """Play a file and collect up to ``max_digits`` keys ("#" ends); "" on timeout."""
        reply = self.send("GET DATA", str(base), str(timeout_ms), str(max_digits))
        if reply.result == "-1":
            raise AgiHangup("hangup during get data")
        return reply.result

    def dial(self, destination: str) -> None:
        self.send("EXEC", "Dial", quote(destination))

    def hangup(self) -> None:
        self.send("HANGUP")
