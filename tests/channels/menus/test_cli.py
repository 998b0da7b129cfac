"""``saldo call``, ``saldo ivr prompts`` and ``saldo agi`` as an operator runs them: real
subprocesses on a fresh SQLite file."""

from __future__ import annotations

import os
import queue
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import wave
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from saldo.channels.menus.audio import tools_missing
from tests.channels.menus.agi_peer import play
from tests.conftest import REQUIRE_ALL
from tests.factories import DEMO_CATALOG

Run = Callable[..., subprocess.CompletedProcess[str]]
FIXTURES = Path(__file__).parent / "fixtures"


def _env(directory: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SALDO_DATABASE_URL": f"sqlite:///{directory / 'voice.db'}",
        "SALDO_NOW": "2026-11-05T09:00:00+01:00",
        "SALDO_IVR_PROMPTS_DIR": str(directory / "prompts"),
        "COLUMNS": "300",
    }


def _runner(directory: Path) -> Run:
    def run(*args: str, expect: int = 0, stdin: str = "") -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "saldo.cli", *args],
            env=_env(directory),
            cwd=directory,
            capture_output=True,
            text=True,
            input=stdin,
            timeout=120,
        )
        assert done.returncode == expect, done.stdout + done.stderr
        return done

    return run


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the demo catalogue and one line, made once by the CLI itself."""
    directory = tmp_path_factory.mktemp("voice-cli")
    run = _runner(directory)
    run("catalog", "load", str(DEMO_CATALOG))
    run("line", "add", "3471234567", "--plan", "GIGA150", "--credit", "22.33")
    return directory / "voice.db"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return _env(tmp_path)


@pytest.fixture
def saldo(template: Path, tmp_path: Path) -> Run:
    """``saldo`` in a subprocess, on a copy of the template database."""
    source = sqlite3.connect(template)
    target = sqlite3.connect(tmp_path / "voice.db")
    with target:
        source.backup(target)
    source.close()
    target.close()
    return _runner(tmp_path)


def test_a_call_with_keys(saldo: Run) -> None:
    out = saldo("call", "4242", "--from", "3471234567", "--keys", "1,2,9").stdout
    assert "Il tuo credito residuo è di dodici euro e trentaquattro centesimi." in out
    assert "si rinnova il tre dicembre" in out
    assert "> 1\n[it] Internet in Italia: ne hai ancora centocinquanta giga" in out
    assert "> 2\n[it] Ti abbiamo inviato un SMS" in out
    assert out.rstrip().endswith("→ trasferimento a +390699999999")
    sent = saldo("outbox", "list", "--to", "+393471234567", "--json").stdout
    assert sent.count('"topic": "details"') == 1


def test_speak_never_stops_the_call(saldo: Run) -> None:
    # with espeak-ng and no sound card, or without espeak-ng: the text is still printed
    done = saldo("call", "4242", "--from", "3471234567", "--keys", "9", "--speak")
    assert "Ti passo un operatore, resta in linea." in done.stdout
    if shutil.which("espeak-ng") is None:
        assert "espeak-ng non installato: --speak ignorato" in done.stderr


def test_keys_typed_at_the_terminal_and_end_of_input(saldo: Run) -> None:
    out = saldo("call", "4242", "--from", "+393471234567", stdin="3\n").stdout
    assert "La tua offerta è Giga 150" in out
    assert out.count("Per ascoltare i dettagli") == 2


def test_a_withheld_number_and_the_end_of_the_keys(saldo: Run) -> None:
    out = saldo("call", "4242", "--keys", "3471234567,,").stdout
    assert "da numero nascosto" in out
    assert "Non riconosciamo il numero da cui chiami." in out
    assert "Digita il PIN di servizio" in out
    assert "> (nessun tasto)\n[it] Non ho ricevuto nessuna scelta." in out
    assert out.rstrip().endswith("(tasti finiti: riaggancio)")


def test_ussd_from_the_terminal(saldo: Run) -> None:
    out = saldo("call", "*133#", "--from", "3471234567", "--keys", "1").stdout
    assert out.startswith("CON Saldo Mobile\n1 Credito")
    assert "END Credito residuo: 12,34 €" in out


def test_a_number_that_is_not_served(saldo: Run) -> None:
    err = saldo("call", "4243", "--from", "3471234567", expect=2).stderr
    assert "numero non servito dal risponditore vocale: '4243'" in err


# Without the tools these tests skip, except in CI (SALDO_REQUIRE_ALL_BACKENDS=1) where a
# missing tool must fail them instead.
needs_audio = pytest.mark.skipif(
    bool(tools_missing()) and not REQUIRE_ALL,
    reason="prompt audio needs espeak-ng and sox (CI installs them)",
)


@needs_audio
def test_ivr_prompts_renders_static_prompts_once(saldo: Run, tmp_path: Path) -> None:
    first = saldo("ivr", "prompts").stdout
    match = re.search(r"(\d+) prompt generati, 0 già presenti", first)
    assert match and int(match[1]) > 30
    again = saldo("ivr", "prompts").stdout
    assert f"0 prompt generati, {match[1]} già presenti" in again
    wavs = sorted((tmp_path / "prompts").rglob("*.wav"))
    assert len(wavs) == int(match[1])
    with wave.open(str(wavs[0])) as audio:
        assert (audio.getframerate(), audio.getnchannels(), audio.getsampwidth()) == (8000, 1, 2)


@pytest.fixture
def agi_process(saldo: Run, env: dict[str, str], tmp_path: Path) -> Iterator[int]:
    """``saldo agi --port 0`` in a subprocess; the port is read from its banner."""
    process = subprocess.Popen(
        [sys.executable, "-m", "saldo.cli", "agi", "--port", "0"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout

    def drain() -> None:
        for line in stdout:
            lines.put(line)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        seen: list[str] = []
        match = None
        for _ in range(900):  # logs come first; the banner names the port
            try:
                seen.append(lines.get(timeout=0.1))
            except queue.Empty:
                if process.poll() is not None:
                    break
                continue
            match = re.search(r"FastAGI su 127\.0\.0\.1:(\d+)", seen[-1])
            if match:
                break
        if match is None:
            pytest.fail("saldo agi printed no banner:\n" + "".join(seen))
        yield int(match[1])
    finally:
        process.terminate()
        process.wait(timeout=30)
        reader.join(timeout=10)
        stdout.close()


@needs_audio
def test_saldo_agi_serves_a_call(agi_process: int, saldo: Run) -> None:
    session = play(FIXTURES / "agi_known_caller_4242.txt", agi_process)
    assert session.closed_by_server
    sent = saldo("outbox", "list", "--to", "+393471234567", "--json").stdout
    assert sent.count('"topic": "details"') == 1
