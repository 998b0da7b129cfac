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
