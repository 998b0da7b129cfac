"""What the business pages show of a line, from its one balance snapshot."""

from __future__ import annotations

from dataclasses import dataclass

from saldo.accounts.lines import LineItem
from saldo.channels.selfcare.views import Gauge, gauges


@dataclass(frozen=True, slots=True)
class Row:
    item: LineItem
    data: Gauge | None
    """National data: GB left, with its bar."""
    voice: Gauge | None
    sms: Gauge | None


def _first(found: list[Gauge], label: str) -> Gauge | None:
    return next((g for g in found if g.label == label), None)


def row(item: LineItem, names: dict[str, str], lang: str) -> Row:
    found = gauges(item.balance, names, lang)
    return Row(item, _first(found, "Giga"), _first(found, "Minuti"), _first(found, "SMS"))


def gauge_text(gauge: Gauge | None, unlimited: str) -> str:
    if gauge is None:
        return "—"
    return unlimited if gauge.unlimited else gauge.remaining


__all__ = ["Row", "gauge_text", "row"]


@dataclass(frozen=True, slots=True)
class MonthBar:
    x: float
    y: float
    height: float
    label: str
    cents: int


CHART_W, CHART_H, CHART_BOTTOM = 600, 180, 20


def month_bars(months: list[tuple[str, int]]) -> list[MonthBar]:
    """Bars of the company's spending per month (label, cents), scaled to the highest."""
    peak = max((c for _, c in months), default=0) or 1
    slot = CHART_W / max(len(months), 1)
    plot = CHART_H - CHART_BOTTOM - 10
    bars = []
    for i, (label, cents) in enumerate(months):
        h = round(plot * cents / peak, 2)
        bars.append(
            MonthBar(round(i * slot + slot * 0.15, 2), CHART_H - CHART_BOTTOM - h, h, label, cents)
        )
    return bars
