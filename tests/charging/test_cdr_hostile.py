"""CDR import under hostile input: every bad line is a reject with its reason, never a crash,
and the rest of the file is rated."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from saldo.charging.cdr import HEADER, MAX_QUANTITY, import_usage
from saldo.charging.errors import UsageInvalid
from saldo.runtime import Runtime
from tests.factories import make_line, remaining, snapshot

WHEN = "2026-11-26T10:00:00+01:00"


def _import(rt: Runtime, path: Path) -> tuple[dict[int, str], tuple[int, int]]:
    rejects = io.StringIO()
    summary = import_usage(rt.sessions, path=path, clock=rt.clock, rejects=rejects, batch_size=3)
    rows = list(csv.reader(io.StringIO(rejects.getvalue())))
    assert rows[0] == ["line", "reason", *HEADER]
    return {int(r[0]): r[1] for r in rows[1:]}, (summary.rated, summary.rejected)


def _row(event_id: str, msisdn: str, service: str, quantity: str, when: str = WHEN) -> bytes:
    return f"{event_id},{msisdn},{service},national,{when},{quantity},\n".encode()


def test_hostile_quantities_and_dates_are_rejected_and_the_rest_is_rated(
    rt: Runtime, tmp_path: Path
) -> None:
    msisdn = make_line(rt, plan="SMART50", credit="20")
    lines = [
        ",".join(HEADER).encode() + b"\n",
        _row("ok1", msisdn, "sms", "1"),  # 2
        _row("sup", msisdn, "sms", "²"),  # 3
        _row("wide", msisdn, "sms", "１"),  # 4
        _row("long", msisdn, "voice", "9" * 5000),  # 5
        _row("i64", msisdn, "data", str(2**63)),  # 6
        _row("call", msisdn, "voice", str(9 * 10**18)),  # 7
        _row("day", msisdn, "voice", str(MAX_QUANTITY["voice"] + 1)),  # 8
        _row("sms", msisdn, "sms", "300"),  # 9
        _row("tb", msisdn, "data", str(MAX_QUANTITY["data"] + 1)),  # 10
        _row("old", msisdn, "sms", "1", "0001-01-01T00:00:00+14:00"),  # 11
        _row("far", msisdn, "sms", "1", "9999-12-31T23:59:59-14:00"),  # 12
        _row("late", msisdn, "sms", "1", "2100-01-01T00:00:00+00:00"),  # 13
        f"dest,{msisdn},sms,national,{WHEN},1,{'4' * 33}\n".encode(),  # 14
        b"bin\xff\xfe," + msisdn.encode() + b",sms,national," + WHEN.encode() + b",1,\n",  # 15
        _row("ok2", msisdn, "voice", str(MAX_QUANTITY["voice"])),  # 16
    ]
    path = tmp_path / "cdr.csv"
    path.write_bytes(b"".join(lines))
    reasons, (rated, rejected) = _import(rt, path)
    assert (rated, rejected) == (2, 13)
    assert reasons == {
        3: "invalid quantity '²'",
        4: "invalid quantity '１'",
        5: f"invalid quantity '{'9' * 40}…'",
        6: f"quantity {2**63} above the most one data event may carry",
        7: f"quantity {9 * 10**18} above the most one voice event may carry",
        8: "quantity 86401 above the most one voice event may carry",
        9: "quantity 300 above the most one sms event may carry",
        10: f"quantity {1024**4 + 1} above the most one data event may carry",
        11: "started_at '0001-01-01T00:00:00+14:00' out of range (1970 to 2100)",
        12: "started_at '9999-12-31T23:59:59-14:00' out of range (1970 to 2100)",
        13: "started_at '2100-01-01T00:00:00+00:00' out of range (1970 to 2100)",
        14: "destination longer than 32 characters",
        15: "not UTF-8",
    }
    assert remaining(snapshot(rt, msisdn), "sms") == 99


def test_a_field_over_128_kb_is_one_reject_and_the_rest_is_rated(
    rt: Runtime, tmp_path: Path
) -> None:
    msisdn = make_line(rt, plan="SMART50", credit="20")
    path = tmp_path / "cdr.csv"
    path.write_bytes(
        ",".join(HEADER).encode()
        + b"\n"
        + _row("ok1", msisdn, "sms", "1")
        + _row("x" * (200 * 1024), msisdn, "sms", "1")
        + _row("ok2", msisdn, "sms", "1")
    )
    rejects = io.StringIO()
    summary = import_usage(rt.sessions, path=path, clock=rt.clock, rejects=rejects)
    assert (summary.rated, summary.rejected) == (2, 1)
    assert "unreadable line: field larger than field limit" in rejects.getvalue()
    assert remaining(snapshot(rt, msisdn), "sms") == 98


def test_a_rejects_file_stays_utf8_when_a_line_was_not(rt: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "cdr.csv"
    path.write_bytes(",".join(HEADER).encode() + b"\n" + b"e1,+39347\xff\xfe,sms\n")
    out = tmp_path / "rejects.csv"
    with out.open("w", newline="", encoding="utf-8") as stream:
        summary = import_usage(rt.sessions, path=path, clock=rt.clock, rejects=stream)
    assert summary.rejected == 1
    assert "+39347\ufffd\ufffd" in out.read_text(encoding="utf-8")


def test_a_binary_or_missing_file_is_a_clear_error(rt: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "cdr.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(UsageInvalid, match="invalid CSV header"):
        import_usage(rt.sessions, path=path, clock=rt.clock)
    with pytest.raises(UsageInvalid, match="cannot read"):
        import_usage(rt.sessions, path=tmp_path / "missing.csv", clock=rt.clock)
