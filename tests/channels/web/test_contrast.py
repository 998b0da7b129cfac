"""The app's colour pairs meet WCAG AA contrast (4.5:1 for text)."""

from __future__ import annotations

import re

import pytest

from saldo.channels.http.render import STATIC

VARIABLES = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", (STATIC / "app.css").read_text()))


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def ratio(fg: str, bg: str) -> float:
    lighter, darker = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize(
    ("fg", "bg"),
    [
        ("ink", "bg"),
        ("ink", "card"),
        ("muted", "card"),
        ("muted", "bg"),
        ("accent", "card"),
        ("brand-ink", "brand"),
        ("warn-ink", "warn-bg"),
        ("error-ink", "error-bg"),
        ("ok-ink", "ok-bg"),
    ],
)
def test_text_colours_meet_aa(fg: str, bg: str) -> None:
    assert ratio(VARIABLES[fg], VARIABLES[bg]) >= 4.5, (fg, bg)


def test_buttons_white_on_accent_meet_aa() -> None:
    assert ratio("#ffffff", VARIABLES["accent"]) >= 4.5


def test_the_ratio_itself() -> None:
    assert round(ratio("#000000", "#ffffff"), 1) == 21.0
    assert ratio("#777777", "#ffffff") < 4.5
