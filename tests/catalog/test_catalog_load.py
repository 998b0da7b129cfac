"""Loading the catalogue: versioned, validated whole, refused with every problem named."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from saldo.catalog.errors import CatalogInvalid
from saldo.catalog.models import CatalogVersion
from saldo.catalog.service import get_catalog, load_catalog
from saldo.kit.quantities import GB
from saldo.runtime import Runtime
from tests.factories import DEMO_CATALOG

BAD = """
[operator]
name = "X"
vat_rate = "22"
[topup]
amounts = ["5", "500"]
min = "5"
max = "150"

[[plan]]
code = "BROKEN"
name = "Broken"
segment = "retail"
billing = "prepaid"
fee = 9.99
period = "5x"
[plan.allowances]
data = "lots"
[plan.rates.national]
voice = { per_minute = "0.29" }

[[option]]
code = "EXTRA"
name = "Extra"
fee = "1"
plans = ["NOPE"]
colour = "red"
"""


def _versions(rt: Runtime) -> int:
    with rt.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(CatalogVersion)) or 0)


def test_demo_catalogue_is_loaded_with_exact_units(rt: Runtime) -> None:
    with rt.transaction() as session:
        _, document = get_catalog(session)
    giga = document.plan_by_code("GIGA150")
    assert giga is not None
    assert giga.fee == 999
    assert giga.allowances["data"].amount == 150 * GB
    assert giga.allowances["voice"].unlimited
    assert document.topup.amounts == [500, 1000, 1500, 2000, 2500, 5000]


def test_same_file_twice_adds_no_version(rt: Runtime) -> None:
    with rt.transaction() as session:
        result = load_catalog(session, path=DEMO_CATALOG, clock=rt.clock)
    assert not result.created
    assert _versions(rt) == 1


def test_bad_catalogue_is_refused_whole_with_every_problem(rt: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(BAD)
    with pytest.raises(CatalogInvalid) as caught, rt.transaction() as session:
        load_catalog(session, path=path, clock=rt.clock)
    text = "\n".join(caught.value.problems)
    for expected in (
        "topup: every amount must lie between min and max",
        "plan[0](BROKEN).segment",
        "plan[0](BROKEN).fee: write amounts as strings",
        "plan[0](BROKEN).period: invalid period '5x'",
        "plan[0](BROKEN).allowances",
        "plan[0](BROKEN).rates",
        "option[0](EXTRA).colour: unknown key",
    ):
        assert expected in text, f"{expected!r} not in:\n{text}"
    assert str(path) in caught.value.message_en
    assert _versions(rt) == 1


def test_option_naming_an_unknown_plan_is_refused(rt: Runtime, tmp_path: Path) -> None:
    text = DEMO_CATALOG.read_text().replace(
        'plans = ["SMART50", "BUSINESS100"]', 'plans = ["NOPE"]'
    )
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(CatalogInvalid) as caught, rt.transaction() as session:
        load_catalog(session, path=path, clock=rt.clock)
    assert (
        "option GIGA_EXTRA_50: plans ['NOPE'] are not in the catalogue" in caught.value.problems[0]
    )


def test_not_toml_and_missing_file(rt: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "x.toml"
    path.write_text("[operator\nname=")
    with pytest.raises(CatalogInvalid, match="not valid TOML"), rt.transaction() as session:
        load_catalog(session, path=path, clock=rt.clock)
    with pytest.raises(CatalogInvalid, match="cannot read file"), rt.transaction() as session:
        load_catalog(session, path=tmp_path / "missing.toml", clock=rt.clock)


def test_a_changed_catalogue_is_a_new_version(rt: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        DEMO_CATALOG.read_text().replace(
            'fee = "9.99"\nperiod = "4w"', 'fee = "10.99"\nperiod = "4w"', 1
        )
    )
    with rt.transaction() as session:
        result = load_catalog(session, path=path, clock=rt.clock)
        _, document = get_catalog(session)
    assert result.created and result.version_id == 2
    giga = document.plan_by_code("GIGA150")
    assert giga is not None and giga.fee == 1099
