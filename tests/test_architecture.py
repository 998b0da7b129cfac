"""The arrows of docs/ARCHITECTURE.md hold: the import-linter contracts in pyproject.toml
(entry points → channels → domains → runtime, db → kit; no cycle between packages) are kept,
and a deliberately added upward import breaks them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(src: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` with the project's contracts over the package found in ``src``."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(ROOT / "pyproject.toml")],
        env=env,
        cwd=src,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _copy(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "saldo", src / "saldo", ignore=shutil.ignore_patterns("__pycache__")
    )
    return src


def _add_line(module: Path, line: str) -> None:
    module.write_text(module.read_text() + f"\n{line}\n")


def test_the_tree_keeps_every_contract() -> None:
    result = lint_imports(ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower().replace("0 broken", "")


def test_a_domain_importing_a_channel_breaks_the_layers(tmp_path: Path) -> None:
    src = _copy(tmp_path)
    _add_line(src / "saldo" / "balances" / "ledger.py", "import saldo.channels.sms")
    result = lint_imports(src)
    assert result.returncode == 1, result.stdout
    assert "saldo.balances is not allowed to import saldo.channels" in result.stdout


def test_a_cycle_between_domains_breaks_the_layers(tmp_path: Path) -> None:
    src = _copy(tmp_path)
    _add_line(src / "saldo" / "balances" / "service.py", "import saldo.lines.models")
    result = lint_imports(src)
    assert result.returncode == 1, result.stdout
    assert "saldo.balances is not allowed to import saldo.lines" in result.stdout


def test_kit_importing_saldo_breaks_the_layers(tmp_path: Path) -> None:
    src = _copy(tmp_path)
    _add_line(src / "saldo" / "kit" / "money.py", "import saldo.db")
    result = lint_imports(src)
    assert result.returncode == 1, result.stdout
    assert "saldo.kit is not allowed to import saldo.db" in result.stdout


def test_sibling_domains_stay_independent(tmp_path: Path) -> None:
    src = _copy(tmp_path)
    _add_line(src / "saldo" / "charging" / "rating.py", "import saldo.payments.models")
    result = lint_imports(src)
    assert result.returncode == 1, result.stdout
    assert "saldo.charging is not allowed to import saldo.payments" in result.stdout


def test_a_package_missing_from_the_contracts_is_refused(tmp_path: Path) -> None:
    src = _copy(tmp_path)
    (src / "saldo" / "newdomain").mkdir()
    (src / "saldo" / "newdomain" / "__init__.py").write_text("")
    result = lint_imports(src)
    assert result.returncode != 0, result.stdout
    assert "saldo.newdomain" in result.stdout + result.stderr
