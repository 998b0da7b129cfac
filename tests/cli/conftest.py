"""The CLI as an operator uses it: a fresh SQLite file, commands in a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def saldo(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {
        **os.environ,
        "SALDO_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "SALDO_NOW": "2026-11-26T09:00:00+01:00",
        "SALDO_LANG": "en",
    }

    def run(
        *args: str, expect: int = 0, settings: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "saldo.cli", *args],
            env={**env, **(settings or {})},
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert done.returncode == expect, done.stdout + done.stderr
        return done

    return run
