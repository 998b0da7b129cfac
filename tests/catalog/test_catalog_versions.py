"""Catalogue versions: a bad version can be rolled back; hostile files load nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from saldo.catalog.errors import CatalogInvalid, UnknownVersion
from saldo.catalog.models import CatalogVersion
from saldo.catalog.service import (
    activate_version,
    get_catalog,
    get_plan,
    list_versions,
    load_catalog,
)
from saldo.channels.menus.repository import current_catalog
from saldo.channels.selfcare import queries
from saldo.runtime import Runtime
from tests.factories import DEMO_CATALOG

GIGA_FEE = 'fee = "9.99"\nperiod = "4w"'


def _variant(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = DEMO_CATALOG.read_text()
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1))
    return path


def _versions(rt: Runtime) -> int:
    with rt.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(CatalogVersion)) or 0)


def _giga_fee(rt: Runtime) -> tuple[int, int, int]:
    """The GIGA150 fee as the catalogue service, the menus and the pages read it."""
    with rt.transaction() as session:
        _, plan = get_plan(session, "GIGA150")
        menus = current_catalog(session).plan_by_code("GIGA150")
        pages = queries.catalog(session).plan_by_code("GIGA150")
    assert menus is not None and pages is not None
    return plan.fee, menus.fee, pages.fee


def test_reloading_the_previous_file_rolls_a_bad_version_back(rt: Runtime, tmp_path: Path) -> None:
    bad = _variant(tmp_path, "bad.toml", GIGA_FEE, 'fee = "99.99"\nperiod = "4w"')
    with rt.transaction() as session:
        loaded = load_catalog(session, path=bad, clock=rt.clock)
    assert loaded.created and loaded.activated and loaded.version_id == 2
    assert _giga_fee(rt) == (9999, 9999, 9999)

    with rt.transaction() as session:
        back = load_catalog(session, path=DEMO_CATALOG, clock=rt.clock)
    assert (back.version_id, back.created, back.activated) == (1, False, True)
    assert _giga_fee(rt) == (999, 999, 999)
    assert _versions(rt) == 2

    with rt.transaction() as session:
        again = load_catalog(session, path=DEMO_CATALOG, clock=rt.clock)
    assert (again.created, again.activated) == (False, False)


def test_activate_a_version_is_idempotent_and_listed(rt: Runtime, tmp_path: Path) -> None:
    newer = _variant(tmp_path, "new.toml", GIGA_FEE, 'fee = "10.99"\nperiod = "4w"')
    with rt.transaction() as session:
        load_catalog(session, path=newer, clock=rt.clock)
        first = activate_version(session, version_id=1)
        second = activate_version(session, version_id=1)
    assert (first.changed, first.previous_id) == (True, 2)
    assert (second.changed, second.previous_id) == (False, 1)
    with rt.transaction() as session:
        versions = list_versions(session)
        current, _ = get_catalog(session)
    assert [(v.id, v.active) for v in versions] == [(1, True), (2, False)]
    assert current == 1 and len(versions[1].checksum) == 64
    with pytest.raises(UnknownVersion), rt.transaction() as session:
        activate_version(session, version_id=99)


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('period = "4w"', 'period = "99999999999w"', "invalid period '99999999999w'"),
        ('period = "4w"', 'period = "521w"', "at most ten years"),
        (GIGA_FEE, 'fee = "1e30"\nperiod = "4w"', "invalid amount '1e30'"),
        (GIGA_FEE, f'fee = {10**30}\nperiod = "4w"', "invalid amount"),
        (GIGA_FEE, 'fee = "10_0"\nperiod = "4w"', "invalid amount '10_0'"),
        ('per_minute = "0.29"', 'per_minute = "1e30"', "invalid price '1e30'"),
        ('per_minute = "0.29"', f'per_minute = "{10**30}"', "invalid price"),
        ('per_minute = "0.29"', 'per_minute = "200000"', "above the maximum"),
        ('data = "150GB"', 'data = "99999999999999999999GB"', "more than any plan may grant"),
        ("increment = 1", f"increment = {10**30}", "less than or equal to 3600"),
    ],
)
def test_a_catalogue_with_unbounded_periods_fees_or_rates_is_refused_whole(
    rt: Runtime, tmp_path: Path, old: str, new: str, problem: str
) -> None:
    path = _variant(tmp_path, "c.toml", old, new)
    with pytest.raises(CatalogInvalid) as caught, rt.transaction() as session:
        load_catalog(session, path=path, clock=rt.clock)
    assert problem in "\n".join(caught.value.problems)
    assert _versions(rt) == 1


def test_a_5000_digit_integer_in_the_catalogue_is_refused(rt: Runtime, tmp_path: Path) -> None:
    path = _variant(tmp_path, "c.toml", "increment = 1", "increment = " + "9" * 5000)
    with pytest.raises(CatalogInvalid, match="not a catalogue"), rt.transaction() as session:
        load_catalog(session, path=path, clock=rt.clock)
    assert _versions(rt) == 1


@pytest.mark.parametrize("depth", [12, 100_000])
def test_a_deeply_nested_catalogue_is_refused(rt: Runtime, tmp_path: Path, depth: int) -> None:
    path = tmp_path / "deep.toml"
    path.write_text(DEMO_CATALOG.read_text() + "\n[extra]\nx = " + "[" * depth + "]" * depth)
    with pytest.raises(CatalogInvalid) as caught, rt.transaction() as session:
        load_catalog(session, path=path, clock=rt.clock)
    assert (
        "nest deeper" in caught.value.problems[0] or "not a catalogue" in caught.value.problems[0]
    )
    assert _versions(rt) == 1


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8", "not a text file in UTF-8"),
        (b"[operator]\x00name = 'x'\n", "not a text file (it contains NUL bytes)"),
        (b"#" * (1024 * 1024 + 1), "file larger than 1024 KB"),
    ],
)
def test_a_binary_or_huge_file_is_refused(
    rt: Runtime, tmp_path: Path, content: bytes, problem: str
) -> None:
    path = tmp_path / "c.toml"
    path.write_bytes(content)
    with pytest.raises(CatalogInvalid) as caught, rt.transaction() as session:
        load_catalog(session, path=path, clock=rt.clock)
    assert problem in caught.value.problems[0]
    assert _versions(rt) == 1
