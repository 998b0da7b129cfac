"""The frozen description of a document (invoice or credit note), computed once: its parties,
lines and totals. The XML and the PDF are two renderings of it. Pure values, no session.

VAT is computed here, per rate, on the sum of the net amounts of that rate, rounded half up to
the cent once (FatturaPA DatiRiepilogo); the TCG and the stamp duty are outside VAT (N1).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from typing import Any

from saldo.kit.money import round_cents

STAMP_CENTS = 200
STAMP_THRESHOLD_CENTS = 7747
"""Above 77.47 € of amounts outside VAT an invoice carries the 2 € virtual stamp."""
OUTSIDE_VAT = "N1"
"""Natura of the TCG and of the stamp charged on: excluded under art. 15 DPR 633/72."""
OUTSIDE_VAT_KINDS = ("tcg", "indemnity", "refund")
"""Charges outside VAT: the TCG, and what care gives back to a postpaid account (an indemnity
for a late answer is a penalty for delay, art. 15 n. 1; a refund returns an amount)."""
SERVICE_NAMES = {"voice": "Traffico voce", "sms": "SMS", "mms": "MMS", "data": "Traffico dati"}


@dataclass(frozen=True, slots=True)
class Party:
    """Seller or buyer as the document names them."""

    name: str
    address: str
    zip: str
    city: str
    province: str | None
    country: str
    vat_number: str | None = None
    tax_code: str | None = None
    email: str | None = None
    pec: str | None = None
    sdi_code: str | None = None
    tax_regime: str | None = None
    rea_office: str | None = None
    rea_number: str | None = None
    iban: str | None = None


@dataclass(frozen=True, slots=True)
class Line:
    description: str
    kind: str
    """plan_fee | option_fee | usage | tcg | stamp | credit."""
    net_cents: int
    vat_rate_bp: int
    natura: str | None = None
    msisdn: str | None = None


@dataclass(frozen=True, slots=True)
class VatGroup:
    """One DatiRiepilogo: a VAT rate (natura None) or a Natura outside VAT (rate 0)."""

    rate_bp: int
    natura: str | None
    taxable_cents: int
    vat_cents: int


@dataclass(frozen=True, slots=True)
class Totals:
    net_cents: int
    vat_cents: int
    exempt_cents: int
    stamp_cents: int
    total_cents: int
    groups: tuple[VatGroup, ...]


@dataclass(frozen=True, slots=True)
class ChargeRow:
    """A billable charge as the document groups it."""

    msisdn: str
    kind: str
    code: str | None
    service: str | None
    net_cents: int
    vat_rate_bp: int


@dataclass(frozen=True, slots=True)
class Document:
    type: str
    """TD01 (invoice) | TD04 (credit note)."""
    number: str
    date: str
    due_date: str
    progressive: str
    seller: Party
    buyer: Party
    lines: tuple[Line, ...]
    totals: Totals
    payment_method: str
    """MP05 (bank transfer) | MP19 (SEPA direct debit)."""
    period: str | None = None
    linked_number: str | None = None
    linked_date: str | None = None
    reason: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Document:
        raw: dict[str, Any] = json.loads(text)
        totals = raw["totals"]
        return cls(
            **{
                **raw,
                "seller": Party(**raw["seller"]),
                "buyer": Party(**raw["buyer"]),
                "lines": tuple(Line(**line) for line in raw["lines"]),
                "totals": Totals(
                    **{**totals, "groups": tuple(VatGroup(**g) for g in totals["groups"])}
                ),
            }
        )

    def numbered(self, *, number: str, progressive: str) -> Document:
        return replace(self, number=number, progressive=progressive)


def vat_of(taxable_cents: int, rate_bp: int) -> int:
    """The VAT of one rate's taxable sum: rounded once, half up."""
    return round_cents(Decimal(taxable_cents) * rate_bp / 1_000_000)


def _description(row: ChargeRow, names: Mapping[str, str]) -> str:
    name = names.get(row.code or "", row.code or "")
    if row.kind == "plan_fee":
        return f"Canone {name}"
    if row.kind == "option_fee":
        return f"Opzione {name}"
    if row.kind == "tcg":
        return "Tassa di concessione governativa"
    if row.kind == "indemnity":
        return "Indennizzo per reclamo (delibera AGCOM 347/18/CONS)"
    if row.kind == "refund":
        return "Rimborso"
    return f"{SERVICE_NAMES.get(row.service or '', row.service or 'Traffico')} oltre i bundle"


def charge_lines(rows: Iterable[ChargeRow], names: Mapping[str, str]) -> list[Line]:
    """One line per group of charges: per phone line, its fees (per plan or option), its
    traffic per kind, its TCG, each at its rate."""
    sums: dict[tuple[str, str, str, int], int] = {}
    for row in rows:
        group = row.code if row.kind in ("plan_fee", "option_fee") else row.service
        key = (row.msisdn, row.kind, group or "", row.vat_rate_bp)
        sums[key] = sums.get(key, 0) + row.net_cents
    order = {"plan_fee": 0, "option_fee": 1, "usage": 2, "tcg": 3, "indemnity": 4, "refund": 5}
    lines = []
    for (msisdn, kind, group, rate), cents in sorted(
        sums.items(), key=lambda kv: (kv[0][0], order.get(kv[0][1], 9), kv[0][2])
    ):
        row = ChargeRow(msisdn, kind, group, group, cents, rate)
        natura = OUTSIDE_VAT if kind in OUTSIDE_VAT_KINDS else None
        description = f"{msisdn} - {_description(row, names)}"
        lines.append(Line(description, kind, cents, rate, natura, msisdn))
    return lines


def with_stamp(lines: list[Line]) -> list[Line]:
    """The lines, with the 2 € stamp duty charged on when the amounts outside VAT exceed
    77.47 €."""
    outside = sum(line.net_cents for line in lines if line.natura is not None)
    if outside <= STAMP_THRESHOLD_CENTS:
        return lines
    stamp = Line("Imposta di bollo virtuale", "stamp", STAMP_CENTS, 0, OUTSIDE_VAT)
    return [*lines, stamp]


def summarize(lines: Iterable[Line]) -> Totals:
    """Totals and DatiRiepilogo of the lines: VAT per rate on the sum of its net amounts."""
    taxable: dict[tuple[int, str | None], int] = {}
    exempt = stamp = 0
    for line in lines:
        key = (0, line.natura) if line.natura else (line.vat_rate_bp, None)
        taxable[key] = taxable.get(key, 0) + line.net_cents
        if line.kind == "stamp":
            stamp += line.net_cents
        elif line.natura:
            exempt += line.net_cents
    groups = tuple(
        VatGroup(rate, natura, cents, 0 if natura else vat_of(cents, rate))
        for (rate, natura), cents in sorted(
            taxable.items(), key=lambda kv: (-kv[0][0], kv[0][1] or "")
        )
    )
    net = sum(g.taxable_cents for g in groups if g.natura is None)
    vat = sum(g.vat_cents for g in groups)
    return Totals(net, vat, exempt, stamp, net + vat + exempt + stamp, groups)
