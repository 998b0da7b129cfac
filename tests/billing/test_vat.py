"""Net amounts of VAT-inclusive prices: one scorporo, rounded once, half up."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saldo.billing.vat import VatTerms, basis_points
from saldo.kit.money import net_of_vat


@pytest.mark.parametrize(
    ("gross", "rate_bp", "net"),
    [
        (999, 2200, 819),  # 8.1885… -> 8.19
        (2499, 2200, 2048),  # 20.4836… -> 20.48
        (61, 2200, 50),  # exact
        (1, 2200, 1),  # 0.8196… -> 0.01
        (0, 2200, 0),
        (105, 1000, 95),  # 0.954545… -> 0.95
        (21, 1000, 19),  # 0.190909… -> 0.19
        (1025, 2500, 820),  # exact
        (5, 2500, 4),  # exactly 0.04
        (1000, 0, 1000),
    ],
)
def test_net_of_vat(gross: int, rate_bp: int, net: int) -> None:
    assert net_of_vat(gross, rate_bp) == net


def test_half_a_cent_rounds_up() -> None:
    assert net_of_vat(5, 10_000) == 3  # 2.5 cents at 100 %
    assert net_of_vat(-5, 10_000) == -3  # half away from zero, as round_cents


@given(gross=st.integers(0, 10**12), rate_bp=st.sampled_from([400, 500, 1000, 2200, 2500]))
def test_net_plus_vat_on_it_gives_the_gross_back_within_a_cent(gross: int, rate_bp: int) -> None:
    net = net_of_vat(gross, rate_bp)
    assert abs(net * (10_000 + rate_bp) - gross * 10_000) * 2 <= 10_000 + rate_bp


def test_vat_terms() -> None:
    assert VatTerms(2200, prices_include_vat=True).net(1999) == 1639
    assert VatTerms(2200, prices_include_vat=False).net(1999) == 1999
    assert basis_points(Decimal("22")) == 2200 and basis_points(Decimal("5.5")) == 550
    with pytest.raises(ValueError, match="basis points"):
        basis_points(Decimal("22.005"))
