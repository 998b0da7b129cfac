"""The dashboard's figures, computed from the one snapshot every channel renders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from saldo.balances.schemas import AllowanceView, Snapshot
from saldo.channels.http.i18n import day_month, eur, quantity

# (service, zone) -> label, in the order the dashboard shows them
GAUGES: list[tuple[str, str, str]] = [
    ("data", "national", "Giga"),
    ("voice", "national", "Minuti"),
    ("sms", "national", "SMS"),
    ("mms", "national", "MMS"),
    ("data_eu", "eu", "Giga in roaming UE"),
    ("voice", "international", "Minuti verso l'estero"),
]


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


def _gauge(label: str, items: list[AllowanceView], names: dict[str, str], lang: str) -> Gauge:
    unit = items[0].unit
    unlimited = any(a.unlimited for a in items)
    left = sum(a.remaining or 0 for a in items if not a.unlimited)
    total = sum(a.total or 0 for a in items if not a.unlimited)
    percent = 100 if unlimited or total == 0 else left * 100 // total
    sources = [names.get(a.source_code or "", a.source_code or a.source) for a in items]
    expiries = [a.expires_at for a in items if a.expires_at is not None]
    return Gauge(
        label=label,
        unlimited=unlimited,
        remaining=quantity(unit, left, lang),
        total=quantity(unit, total, lang),
        percent=percent,
        low=not unlimited and percent < 20,
        sources=list(dict.fromkeys(sources)),
        expires_at=min(expiries) if expiries else None,
    )


def gauges(snapshot: Snapshot, names: dict[str, str], lang: str) -> list[Gauge]:
    """One gauge per kind of allowance, plan and options summed (``names``: code -> name)."""
    shown = []
    for service, zone, label in GAUGES:
        items = snapshot.allowance(service, zone)
        if items:
            shown.append(_gauge(label, items, names, lang))
    return shown


def renewal_warning(snapshot: Snapshot, lang: str, _: Callable[[str], str]) -> str | None:
    """ "Ricarica almeno 3,50 € entro il 3 dicembre" when the credit will not pay the renewal."""
    plan = snapshot.plan
    if snapshot.billing != "prepaid":
        return None
    missing = plan.fee_cents - snapshot.credit_cents
    if plan.status == "suspended":
        return _("Offerta sospesa: ricarica almeno %(amount)s per riattivarla") % {
            "amount": eur(max(missing, 0), lang)
        }
    if snapshot.renewal_covered or plan.renews_at is None:
        return None
    return _("Ricarica almeno %(amount)s entro il %(date)s") % {
        "amount": eur(missing, lang),
        "date": day_month(plan.renews_at, lang),
    }
