"""The CLI as an operator uses it: a fresh SQLite file, commands in a real subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.factories import DEMO_CATALOG


def test_operator_session(saldo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    saldo("db", "upgrade")
    assert "6" in saldo("catalog", "load", str(DEMO_CATALOG)).stdout
    saldo(
        "line",
        "add",
        "3471234567",
        "--plan",
        "GIGA150",
        "--credit",
        "20",
        "--tax-code",
        "RSSMRA80A01H501U",
    )
    topped = json.loads(saldo("topup", "+393471234567", "10", "--ref", "PAY-1", "--json").stdout)
    again = json.loads(saldo("topup", "+393471234567", "10", "--ref", "PAY-1", "--json").stdout)
    assert topped["credit_cents"] == 2001 and again == {**topped, "replayed": True}

    snap = json.loads(saldo("balance", "+393471234567", "--json").stdout)
    assert set(snap) >= {"msisdn", "status", "credit_cents", "plan", "allowances"}
    assert snap["plan"] == {
        "code": "GIGA150",
        "name": "Giga 150",
        "status": "active",
        "fee_cents": 999,
        "renews_at": "2026-12-24T09:00:00+01:00",
        "period": "4w",
    }
    data = next(a for a in snap["allowances"] if a["service"] == "data")
    assert data == {
        "service": "data",
        "zone": "national",
        "source": "plan",
        "source_code": "GIGA150",
        "unit": "bytes",
        "unlimited": False,
        "total": 150 * 1024**3,
        "remaining": 150 * 1024**3,
        "expires_at": "2026-12-24T09:00:00+01:00",
    }

    cdr = tmp_path / "cdr.csv"
    cdr.write_text(
        "event_id,msisdn,service,zone,started_at,quantity,destination\n"
        "e1,+393471234567,data,national,2026-11-26T10:00:00+01:00,1073741824,\n"
        "e2,+393471234567,sms,world,2026-11-26T10:00:00+01:00,2,+14155550100\n"
        "e3,not-a-number,sms,national,2026-11-26T10:00:00+01:00,1,\n"
    )
    summary = json.loads(
        saldo("usage", "import", str(cdr), "--rejects", str(tmp_path / "rej.csv"), "--json").stdout
    )
    assert summary == {
        "rated": 2,
        "duplicates": 0,
        "rejected": 1,
        "credit_charged_cents": 100,
        "unpaid_cents": 0,
    }
    assert "4,invalid msisdn 'not-a-number'" in (tmp_path / "rej.csv").read_text()

    saldo("option", "add", "+393471234567", "GIGA_EXTRA_10")
    saldo("plan", "change", "+393471234567", "GIGA200", "--at-renewal")
    report = saldo("worker", "--now", "2026-12-24T10:00:00+01:00").stdout
    assert "renewed: 1" in report
    outbox = json.loads(saldo("outbox", "list", "--to", "+393471234567", "--json").stdout)
    assert {m["topic"] for m in outbox} >= {"topup", "renewal"}


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("line", "add", "12345", "--plan", "GIGA150"), 2, "not a valid Italian mobile number"),
        (("balance", "+393470000000"), 3, "line not found"),
        (("topup", "+393471234567", "abc"), 2, "invalid amount"),
        (
            ("line", "add", "3471234568", "--plan", "BUSINESS100", "--business", "123"),
            2,
            "invalid Italian VAT number",
        ),
        (("catalog", "load", "missing.toml"), 2, "cannot read file"),
    ],
)
def test_errors_are_clear_with_exit_codes(
    saldo, args: tuple[str, ...], code: int, message: str
) -> None:  # type: ignore[no-untyped-def]
    saldo("catalog", "load", str(DEMO_CATALOG))
    done = saldo(*args, expect=code)
    assert message in done.stderr


def test_schema_behind_is_refused_when_auto_migrate_is_off(saldo) -> None:  # type: ignore[no-untyped-def]
    done = saldo("balance", "3471234567", expect=6, settings={"SALDO_AUTO_MIGRATE": "0"})
    assert done.returncode == 6 and "run 'saldo db upgrade'" in done.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SALDO_RETENTION_DAYS", "0", "greater than or equal to 1"),
        ("SALDO_SMPP_PORT", "abc", "valid integer"),  # a setting of a section
    ],
)
def test_a_bad_setting_is_named_with_what_was_expected(  # type: ignore[no-untyped-def]
    saldo, tmp_path: Path, variable: str, value: str, message: str
) -> None:
    done = saldo("worker", "--once", expect=2, settings={variable: value})
    assert done.returncode == 2, done.stderr
    assert f"invalid setting: {variable} = '{value}': " in done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "cli.db").exists()  # refused before anything was touched
