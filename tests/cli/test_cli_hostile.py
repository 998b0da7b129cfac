"""The CLI never prints a traceback for bad input: a clear error (exit 2) or a rejects line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.factories import DEMO_CATALOG

MSISDN = "+393471234567"


@pytest.fixture
def line(saldo):  # type: ignore[no-untyped-def]
    saldo("catalog", "load", str(DEMO_CATALOG))
    saldo("line", "add", "3471234567", "--plan", "GIGA150", "--credit", "20")
    return saldo


def _credit(saldo) -> int:  # type: ignore[no-untyped-def]
    return int(json.loads(saldo("balance", MSISDN, "--json").stdout)["credit_cents"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("topup", MSISDN, "1e400"), "invalid amount '1e400'"),
        (("topup", MSISDN, "10_0"), "invalid amount '10_0'"),
        (("topup", MSISDN, "²"), "invalid amount '²'"),
        (("topup", MSISDN, "100000.01"), "above the maximum of 100000.00 €"),
        (("topup", MSISDN, "10", "--ref", "R" * 200), "--ref: at most 100 characters"),
        (("line", "add", "3471234568", "--plan", "BASE", "--credit", "1e30"), "--credit: invalid"),
        (("line", "add", "3471234568", "--plan", "BASE", "--name", "N" * 201), "--name: at most"),
        (("worker", "--now", "0001-01-01T00:00:00+14:00"), "invalid date/time"),
        (("outbox", "list", "--limit", "9" * 30), "Invalid value for '--limit'"),
        (("catalog", "activate", "²"), "VERSION: expected a whole number"),
        (("catalog", "activate", "9223372036854775808"), "VERSION: the value must be between 1"),
    ],
)
def test_topup_amount_with_underscore_or_exponent_and_overlong_ref_are_refused(
    line, args: tuple[str, ...], message: str
) -> None:  # type: ignore[no-untyped-def]
    done = line(*args, expect=2)
    assert message in done.stderr and "Traceback" not in done.stderr
    assert _credit(line) == 2000 - 999  # nothing was credited


def test_hostile_cdr_file_becomes_rejects_lines_and_the_rest_loads(line, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    when = "2026-11-26T10:00:00+01:00"
    cdr = tmp_path / "cdr.csv"
    cdr.write_bytes(
        b"event_id,msisdn,service,zone,started_at,quantity,destination\n"
        + f"e1,{MSISDN},sms,national,{when},1,\n".encode()
        + f"e2,{MSISDN},sms,national,{when},{'x' * 140_000},\n".encode()
        + b"e3\xff,"
        + f"{MSISDN},sms,national,{when},1,\n".encode()  # a byte not UTF-8
        + f"e4,{MSISDN},voice,national,{when},{9 * 10**18},\n".encode()
        + f"e5,{MSISDN},voice,national,0001-01-01T00:00:00+14:00,1,\n".encode()
        + f"e6,{MSISDN},sms,national,{when},1,\n".encode()
    )
    rejects = tmp_path / "rej.csv"
    done = line("usage", "import", str(cdr), "--rejects", str(rejects), "--json")
    assert json.loads(done.stdout)["rated"] == 2 and "Traceback" not in done.stderr
    rows = list(csv.reader(io.StringIO(rejects.read_text(encoding="utf-8"))))
    assert [r[0] for r in rows[1:]] == ["3", "4", "5", "6"]


def test_catalog_versions_and_activate_roll_a_bad_version_back(line, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.toml"
    bad.write_text(DEMO_CATALOG.read_text().replace('fee = "9.99"', 'fee = "99.99"', 1))
    assert "(nuova versione, attiva)" in line("catalog", "load", str(bad)).stdout
    listed = json.loads(line("catalog", "versions", "--json").stdout)
    assert [(v["id"], v["active"]) for v in listed] == [(1, False), (2, True)]
    assert set(listed[0]) == {"id", "loaded_at", "checksum", "source", "active"}
    assert "catalogo v1 attivo (prima v2)" in line("catalog", "activate", "1").stdout
    assert "v1 già attivo, nessuna modifica" in line("catalog", "activate", "1").stdout
    listed = json.loads(line("catalog", "versions", "--json").stdout)
    assert [(v["id"], v["active"]) for v in listed] == [(1, True), (2, False)]
    assert "unknown catalogue version: 7" in line("catalog", "activate", "7", expect=3).stderr
    reloaded = line("catalog", "load", str(bad)).stdout
    assert "catalogo v2" in reloaded and "versione riattivata" in reloaded
    listed = json.loads(line("catalog", "versions", "--json").stdout)
    assert [(v["id"], v["active"]) for v in listed] == [(1, False), (2, True)]
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xd8\x00")
    refused = line("catalog", "load", str(binary), expect=2)
    assert "not a text file in UTF-8" in refused.stderr and "Traceback" not in refused.stderr
