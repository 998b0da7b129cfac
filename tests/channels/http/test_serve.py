"""What ``saldo serve`` refuses to start with: the default secret key, the demo on a network."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from saldo.config import DEFAULT_SECRET_KEY
from tests.channels.http.process import KEY, saldo, serving
from tests.factories import DEMO_CATALOG


@pytest.mark.parametrize(
    ("key", "why"),
    [(None, "is not set"), (DEFAULT_SECRET_KEY, "is not set"), ("s" * 31, "is too short")],
)
def test_serve_refuses_the_default_or_a_weak_secret_key(
    tmp_path: Path, key: str | None, why: str
) -> None:
    settings = {} if key is None else {"SALDO_WEB_SECRET_KEY": key}
    done = saldo(tmp_path, "serve", "--port", "9", **settings)
    assert done.returncode == 2, done.stdout + done.stderr
    message = " ".join(done.stderr.split())
    assert f"SALDO_WEB_SECRET_KEY {why}" in message
    assert "Traceback" not in done.stderr


def test_the_demo_starts_on_loopback_with_the_key_of_a_fresh_checkout(tmp_path: Path) -> None:
    # as `make run` starts it (a real key is what test_body_limit's server starts with)
    with serving(tmp_path, "--demo") as (_pid, port):
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200


@pytest.mark.parametrize(
    ("args", "settings"),
    [
        (("--demo", "--host", "0.0.0.0"), {}),
        (("--demo", "--host", "::"), {}),
        (("--demo", "--host", "192.0.2.10"), {}),
        (("--host", "0.0.0.0"), {"SALDO_DEMO": "1", "SALDO_WEB_SECRET_KEY": KEY}),
    ],
)
def test_demo_exposes_every_login_code_so_it_stays_on_loopback(
    tmp_path: Path, args: tuple[str, ...], settings: dict[str, str]
) -> None:
    done = saldo(tmp_path, "serve", "--port", "9", *args, **settings)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "--demo-public" in " ".join(done.stderr.split())


def test_demo_public_opens_the_demo_to_the_network_when_asked(tmp_path: Path) -> None:
    assert saldo(tmp_path, "catalog", "load", str(DEMO_CATALOG)).returncode == 0
    with serving(tmp_path, "--demo", "--demo-public", "--host", "0.0.0.0") as (_pid, port):
        phone = httpx.get(f"http://127.0.0.1:{port}/demo/phone")
        assert phone.status_code == 200 and "4155" in phone.text
