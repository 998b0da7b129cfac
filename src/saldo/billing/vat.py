"""The VAT terms of a line's prices: whether the catalogue's amounts include VAT, and at which
rate. Pure values, no session.

Each plan says whether its prices (fee, options, tariffs) include VAT
(``prices_include_vat``, by default true for consumer plans and false for business ones). The
rate is the operator's (``[operator] vat_rate``).
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import NamedTuple

from saldo.catalog.schemas import CatalogDocument, Plan
from saldo.kit.money import net_of_vat


class VatTerms(NamedTuple):
    rate_bp: int
    """VAT rate in basis points (2200 = 22 %)."""
    prices_include_vat: bool

    def net(self, cents: int) -> int:
        """The net part of an amount priced on these terms: one scorporo, rounded once."""
        return net_of_vat(cents, self.rate_bp) if self.prices_include_vat else cents


def basis_points(percent: Decimal) -> int:
    """A VAT rate in percent ("22", "5.5") as basis points; finer than 0.01 % is an error."""
    bp = percent * 100
    if bp != bp.to_integral_value() or bp < 0:
        raise ValueError(f"VAT rate {percent} % is not a whole number of basis points")
    return int(bp)


@cache
def _terms(vat_rate: Decimal, prices_include_vat: bool) -> VatTerms:
    return VatTerms(basis_points(vat_rate), prices_include_vat)


def terms_for(document: CatalogDocument, plan: Plan) -> VatTerms:
    """The terms of the prices a line on ``plan`` (of ``document``) pays."""
    return _terms(document.operator.vat_rate, plan.prices_include_vat)
