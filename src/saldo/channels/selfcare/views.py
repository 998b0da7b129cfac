"""The dashboard's figures, computed from the one snapshot every channel renders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from saldo.balances.presenter import HOME_FIRST, AllowanceLine, allowance_lines, renewal
from saldo.balances.schemas import Snapshot
from saldo.channels.http.i18n import day_month, eur, quantity

GAUGES: list[tuple[str, str, str]] = [(k.service, k.zone, k.labels.app) for k in HOME_FIRST]
"""(service, zone, label) in the order the dashboard shows them (the presenter's)."""


@dataclass(frozen=True, slots=True)
class Gauge:
    label: str
    unlimited: bool
    remaining: str
    total: str
    percent: int
    """Share remaining, 0..100 (100 for unlimited)."""
    low: bool
    sources: list[str]
    expires_at: datetime | None


def _gauge(line: AllowanceLine, names: dict[str, str], lang: str) -> Gauge:
    unit = line.kind.unit
    percent = 100 if line.unlimited or line.total == 0 else line.remaining * 100 // line.total
    sources = [names.get(a.source_code or "", a.source_code or a.source) for a in line.items]
    return Gauge(
        label=line.kind.labels.app,
        unlimited=line.unlimited,
        remaining=quantity(unit, line.remaining, lang),
        total=quantity(unit, line.total, lang),
        percent=percent,
        low=not line.unlimited and percent < 20,
        sources=list(dict.fromkeys(sources)),
        expires_at=line.expires_at,
    )


def gauges(snapshot: Snapshot, names: dict[str, str], lang: str) -> list[Gauge]:
    """One gauge per kind of allowance, plan and options summed (``names``: code -> name)."""
    return [_gauge(line, names, lang) for line in allowance_lines(snapshot, HOME_FIRST)]


def renewal_warning(snapshot: Snapshot, lang: str, _: Callable[[str], str]) -> str | None:
    """ "Ricarica almeno 3,50 € entro il 3 dicembre" when the credit will not pay the renewal."""
    r = renewal(snapshot)
    if r.state == "suspended" and snapshot.billing == "prepaid":
        return _("Offerta sospesa: ricarica almeno %(amount)s per riattivarla") % {
            "amount": eur(r.missing_cents, lang)
        }
    if r.state != "short" or r.renews_at is None:
        return None
    return _("Ricarica almeno %(amount)s entro il %(date)s") % {
        "amount": eur(r.missing_cents, lang),
        "date": day_month(r.renews_at, lang),
    }
