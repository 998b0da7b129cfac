"""The one presenter of the balance snapshot: what every channel shows, before its own wording.

SMS, USSD, voice, the app, the JSON API and what comes next (TMF, care) read here what the
credit lacks for the renewal, which allowances there are, in which order and under which
label, and their sums; each channel keeps only its sentences and its layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from saldo.balances.schemas import AllowanceView, Snapshot

Unit = Literal["seconds", "messages", "bytes"]
RenewalState = Literal["suspended", "free", "postpaid", "covered", "short"]


def missing_cents(*, fee_cents: int, credit_cents: int) -> int:
    """What the credit lacks to pay a fee: never negative, zero exactly when the credit pays it."""
    return max(fee_cents - credit_cents, 0)


def shortfall(snapshot: Snapshot, fee_cents: int) -> int:
    """What the line's credit lacks to pay ``fee_cents`` now (a postpaid line lacks nothing)."""
    if snapshot.billing == "postpaid":
        return 0
    return missing_cents(fee_cents=fee_cents, credit_cents=snapshot.credit_cents)


def missing_for_renewal(snapshot: Snapshot) -> int:
    """Credit missing for the next renewal of the plan (or to restart it when suspended)."""
    return shortfall(snapshot, snapshot.plan.fee_cents)


def renewal_covered(snapshot: Snapshot) -> bool:
    """Whether the credit pays the next renewal (postpaid lines always do)."""
    return missing_for_renewal(snapshot) == 0


@dataclass(frozen=True, slots=True)
class Renewal:
    """What the plan's next renewal asks of the customer."""

    state: RenewalState
    """suspended (a top-up restarts it), free (no fee), postpaid (billed), covered (the credit
    pays it) or short (the credit does not)."""
    fee_cents: int
    missing_cents: int
    renews_at: datetime | None


def renewal(snapshot: Snapshot) -> Renewal:
    plan = snapshot.plan
    missing = missing_for_renewal(snapshot)
    state: RenewalState
    if plan.status == "suspended":
        state = "suspended"
    elif plan.fee_cents == 0:
        state = "free"
    elif snapshot.billing == "postpaid":
        state = "postpaid"
    else:
        state = "short" if missing else "covered"
    return Renewal(state, plan.fee_cents, missing, plan.renews_at)


@dataclass(frozen=True, slots=True)
class Labels:
    """A kind of allowance's name on each channel."""

    text: str
    """SMS (SALDO, DETTAGLIO)."""
    screen: str
    """USSD screens (at most 182 characters)."""
    app: str
    """The app's dashboard gauges."""
    offer: str
    """What a plan or an option includes (app pages)."""
    spoken_it: str
    spoken_en: str


@dataclass(frozen=True, slots=True)
class AllowanceKind:
    key: str
    """The catalogue's allowance key (``international_voice`` is voice to the world)."""
    service: str
    zone: str
    unit: Unit
    labels: Labels

    @property
    def at_home(self) -> bool:
        return self.zone == "national"


KINDS: tuple[AllowanceKind, ...] = (
    AllowanceKind("data", "data", "national", "bytes",
                  Labels("Giga", "Giga", "Giga", "Giga",
                         "Internet in Italia", "Data in Italy")),
    AllowanceKind("data_eu", "data_eu", "eu", "bytes",
                  Labels("Giga UE", "Giga UE", "Giga in roaming UE", "Giga in UE",
                         "Internet in roaming nell'Unione Europea", "Data roaming in the EU")),
    AllowanceKind("voice", "voice", "national", "seconds",
                  Labels("Minuti", "Minuti", "Minuti", "Minuti", "Minuti", "Minutes")),
    AllowanceKind("sms", "sms", "national", "messages",
                  Labels("SMS", "SMS", "SMS", "SMS", "SMS", "Text messages")),
    AllowanceKind("mms", "mms", "national", "messages",
                  Labels("MMS", "MMS", "MMS", "MMS", "MMS", "MMS")),
    AllowanceKind("international_voice", "voice", "international", "seconds",
                  Labels("Minuti estero", "Min. estero", "Minuti verso l'estero",
                         "Minuti verso l'estero", "Minuti verso l'estero",
                         "International minutes")),
)  # fmt: skip
"""Every kind of allowance, in the order texts and speech give them (data first)."""

HOME_FIRST: tuple[AllowanceKind, ...] = tuple(sorted(KINDS, key=lambda k: not k.at_home))
"""The order of the app's gauges and plan cards: what is used in Italy, then roaming and abroad."""

KIND_BY_KEY: dict[str, AllowanceKind] = {k.key: k for k in KINDS}


@dataclass(frozen=True, slots=True)
class AllowanceLine:
    """One kind of allowance of the line, its buckets (plan, options, promotions) summed."""

    kind: AllowanceKind
    items: tuple[AllowanceView, ...]
    unlimited: bool
    remaining: int
    """Sum of the limited buckets (unit of ``kind``)."""
    total: int
    expires_at: datetime | None
    """The earliest expiry among the buckets."""


def _line(kind: AllowanceKind, items: list[AllowanceView]) -> AllowanceLine:
    limited = [a for a in items if not a.unlimited]
    expiries = [a.expires_at for a in items if a.expires_at is not None]
    return AllowanceLine(
        kind=kind,
        items=tuple(items),
        unlimited=len(limited) < len(items),
        remaining=sum(a.remaining or 0 for a in limited),
        total=sum(a.total or 0 for a in limited),
        expires_at=min(expiries) if expiries else None,
    )


def allowance_line(snapshot: Snapshot, key: str) -> AllowanceLine | None:
    """The line's allowance of one kind, or None when it has none."""
    kind = KIND_BY_KEY[key]
    items = snapshot.allowance(kind.service, kind.zone)
    return _line(kind, items) if items else None


def allowance_lines(
    snapshot: Snapshot, order: tuple[AllowanceKind, ...] = KINDS
) -> list[AllowanceLine]:
    """Every kind of allowance the line has, in ``order``."""
    found = (allowance_line(snapshot, kind.key) for kind in order)
    return [line for line in found if line is not None]
