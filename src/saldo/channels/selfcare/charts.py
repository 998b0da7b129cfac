"""The daily data-use chart: bar geometry computed here, drawn as inline SVG by the template."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from saldo.kit.quantities import GB, MB

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 600, 180, 44, 20, 10


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: date
    used: int
    label: str | None
    """The day of the month under every few bars."""


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    top_label: str
    baseline: float
    left: int


def _nice_max(peak: int) -> tuple[int, str]:
    """A round top for the scale: 1, 2, 5 × a power of ten, in MB or GB."""
    unit, name = (GB, "GB") if peak >= GB else (MB, "MB")
    value = max(peak / unit, 1.0)
    step = 1.0
    while step * 10 < value:
        step *= 10
    for factor in (1, 2, 5, 10):
        if value <= factor * step:
            top = factor * step
            return int(top * unit), f"{top:g} {name}"
    raise AssertionError("unreachable")


def daily_chart(days: list[tuple[date, int]]) -> Chart:
    peak = max((used for _, used in days), default=0)
    top, top_label = _nice_max(peak)
    plot_w, plot_h = WIDTH - LEFT - 4, HEIGHT - BOTTOM - TOP
    slot = plot_w / max(len(days), 1)
    every = max(1, len(days) // 10)
    bars = []
    for i, (day, used) in enumerate(days):
        h = plot_h * used / top if top else 0.0
        bars.append(
            Bar(
                x=round(LEFT + i * slot + slot * 0.15, 2),
                y=round(TOP + plot_h - h, 2),
                width=round(slot * 0.7, 2),
                height=round(h, 2),
                day=day,
                used=used,
                label=str(day.day) if i % every == 0 else None,
            )
        )
    return Chart(WIDTH, HEIGHT, bars, top_label, TOP + plot_h, LEFT)
