"""Every text of the app has its English translation, and formats follow the language."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from saldo.channels.http import i18n, render
from saldo.channels.http.i18n_en import EN
from saldo.channels.selfcare.messages import TOPICS
from saldo.channels.selfcare.offers import ALLOWANCE_LABELS
from saldo.channels.selfcare.views import GAUGES
from saldo.kit.quantities import GB, MB

WEB = Path(render.__file__).parent


def _texts() -> set[str]:
    found: set[str] = set()
    for template in (WEB / "templates").glob("*.html"):
        source = template.read_text()
        found |= {m.group(2) for m in re.finditer(r'(?<![\w.])_\((["\'])(.+?)\1\)', source)}
        found |= set(re.findall(r'\("[^"]*", "[^"]*", "([^"]+)"\)', source))  # the menu
        found |= set(re.findall(r'\("[a-z]+", "([^"]+)"\)', source))  # select options
        for mapping in re.findall(r"_\(\{(.*?)\}\[", source):  # inline label tables
            found |= set(re.findall(r': "([^"]+)"', mapping))
    for module in WEB.rglob("*.py"):
        source = module.read_text()
        found |= set(re.findall(r'(?<![\w.])_\("(.+?)"\)', source))
        found |= set(re.findall(r'title="([^"]+)"', source))
    found |= {label for _, _, label in GAUGES}
    found |= {label for label, _ in ALLOWANCE_LABELS.values()}
    found |= set(TOPICS.values()) | set(render.DONE.values())
    return found


def test_every_text_has_an_english_translation() -> None:
    texts = _texts()
    assert len(texts) > 150
    missing = sorted(t for t in texts if t not in EN)
    assert missing == []


def test_translations_keep_their_placeholders() -> None:
    for italian, english in EN.items():
        assert sorted(re.findall(r"%\((\w+)\)s", italian)) == sorted(
            re.findall(r"%\((\w+)\)s", english)
        ), italian


def test_money_dates_and_data_follow_the_language() -> None:
    assert i18n.eur(350) == "3,50\u00a0€" and i18n.eur(350, "en") == "€3.50"
    assert (
        i18n.eur(123456789) == "1.234.567,89\u00a0€"
        and i18n.eur(123456789, "en") == "€1,234,567.89"
    )
    assert i18n.eur(-5) == "-0,05\u00a0€"
    moment = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)  # already 3 December in Rome
    assert i18n.day_month(moment) == "3 dicembre" and i18n.day_month(moment, "en") == "3 December"
    assert i18n.data(45 * GB + 200 * MB) == "45,2 GB" and i18n.data(45 * GB + 200 * MB, "en") == (
        "45.2 GB"
    )
    assert i18n.data(500 * MB) == "500 MB" and i18n.data(150 * GB) == "150 GB"
    assert i18n.quantity("seconds", 754) == "12 min"
    assert i18n.every("4w") == "ogni 4 settimane" and i18n.every("1m", "en") == "a month"
    assert i18n.translator("en")("non tradotto") == "non tradotto"
