"""Prompt audio for Asterisk: speech text rendered with espeak-ng, resampled by sox to 8 kHz
16-bit mono WAV (Asterisk's ``wav`` format), cached by content.

A file's name is a hash of its language and text, so a static prompt is rendered once (by
``saldo ivr prompts`` ahead of time) and a dynamic one (an amount, a date) once per distinct
text; next to each ``.wav`` a ``.txt`` holds the text it says.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import structlog

from saldo.channels.menus import speech
from saldo.channels.menus.definitions import MENUS, VOICE_MENUS
from saldo.channels.menus.speech import PromptContext
from saldo.channels.menus.words import Lang
from saldo.kit.errors import Unavailable

log = structlog.get_logger("saldo.menus.audio")

VOICES: dict[str, str] = {"it": "it", "en": "en-gb"}
SAMPLE_RATE = 8000
SPEED_WPM = 160
SOX_ARGS = ("sox", "-r", str(SAMPLE_RATE), "-c", "1", "-b", "16", "-e", "signed-integer")


class AudioUnavailable(Unavailable):
    code = "prompt_audio_unavailable"


def tools_missing() -> list[str]:
    """The programs prompt audio needs that are not installed."""
    return [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]


def default_directory() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "saldo" / "prompts"


class PromptAudio:
    """Renders and caches prompt audio under ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @staticmethod
    def check_tools() -> None:
        missing = tools_missing()
        if missing:
            raise AudioUnavailable(
                f"audio dei prompt non disponibile: installa {' e '.join(missing)}",
                f"prompt audio unavailable: install {' and '.join(missing)}",
            )

    def base(self, lang: str, text: str) -> Path:
        """The file's path without extension, as Asterisk's STREAM FILE and GET DATA want it."""
        digest = hashlib.sha256(f"{lang}\n{text}".encode()).hexdigest()[:24]
        return self.directory / lang / f"{lang}-{digest}"

    def render(self, lang: str, text: str) -> tuple[Path, bool]:
        """The prompt's file (without extension), rendered now when missing; True if it was."""
        base = self.base(lang, text)
        wav = base.with_suffix(".wav")
        if wav.exists():
            return base, False
        self.check_tools()
        wav.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=wav.parent) as tmp:
            spoken = Path(tmp) / "espeak.wav"
            resampled = Path(tmp) / "out.wav"
            voice = VOICES.get(lang, "it")
            subprocess.run(
                ["espeak-ng", "-v", voice, "-s", str(SPEED_WPM), "-w", str(spoken), text],
                check=True,
                capture_output=True,
                timeout=60,
            )
            subprocess.run(
                [*SOX_ARGS[:1], str(spoken), *SOX_ARGS[1:], str(resampled)],
                check=True,
                capture_output=True,
                timeout=60,
            )
            base.with_suffix(".txt").write_text(text + "\n", encoding="utf-8")
            os.replace(resampled, wav)  # atomic: a concurrent call sees all of it or nothing
        log.info("prompt_rendered", lang=lang, file=wav.name, chars=len(text))
        return base, True


def static_segments(ctx: PromptContext) -> list[tuple[Lang, str]]:
    """Every segment of every prompt of the voice menus that does not depend on the line."""
    found: list[tuple[Lang, str]] = []
    for name in VOICE_MENUS:
        for prompt_id in sorted(MENUS[name].prompts()):
            if not speech.PROMPTS[prompt_id].static:
                continue
            for lang in ("it", "en"):
                for segment in speech.PROMPTS[prompt_id].text(ctx, lang):
                    if segment not in found:
                        found.append(segment)
    return found


def render_static(audio: PromptAudio, ctx: PromptContext) -> tuple[int, int]:
    """Render the static prompts ahead of calls: (rendered now, already there)."""
    new = old = 0
    for lang, text in static_segments(ctx):
        _, rendered = audio.render(lang, text)
        new, old = (new + 1, old) if rendered else (new, old + 1)
    return new, old
