"""The catalogue document as the operator writes it (TOML), validated whole."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from stdnum.eu import at_02
from stdnum.exceptions import ValidationError

from saldo.kit.errors import SaldoError
from saldo.kit.fiscal import normalize_iban, normalize_vat_number
from saldo.kit.money import parse_eur, parse_price
from saldo.kit.periods import validate_period
from saldo.kit.quantities import Allowance, parse_allowance
from saldo.kit.validators import shown

ZONES = ("national", "eu", "international", "world")
PLAN_ALLOWANCES = ("voice", "sms", "mms", "data", "data_eu", "international_voice")
MAX_ALLOWANCE = 1024**5
"""The largest allowance in its unit (1 PB of data; as seconds or messages, beyond any plan):
the sum of a line's buckets stays far from a 64-bit overflow."""


def _exact(value: object) -> object:
    """A ``Decimal`` (built in code, exact) as the text it stands for; anything else as is."""
    if isinstance(value, Decimal) and value.is_finite():
        return format(value, "f")
    return value


def _price(value: object) -> Decimal:
    """A price written as a string ("0.29"); a TOML float would carry binary rounding."""
    value = _exact(value)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError('write prices as strings, e.g. "0.29"')
    try:
        return parse_price(value)
    except SaldoError as exc:
        raise ValueError(exc.message_en.removeprefix("price: ")) from None


def _cents(value: object) -> int:
    value = _exact(value)
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError('write amounts as strings in euro, e.g. "9.99"')
    try:
        return parse_eur(value)
    except SaldoError as exc:
        raise ValueError(exc.message_en.removeprefix("amount: ")) from None


Price = Annotated[Decimal, BeforeValidator(_price)]
Cents = Annotated[int, BeforeValidator(_cents)]
Code = Annotated[str, Field(pattern=r"^[A-Z0-9_]{2,32}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VoiceRate(_Strict):
    per_minute: Price
    connect_fee: Price = Decimal(0)
    increment: int = Field(default=1, ge=1, le=3600, description="seconds")


class MessageRate(_Strict):
    each: Price


class DataRate(_Strict):
    per_mb: Price
    increment_kb: int = Field(default=1, ge=1, le=1024 * 1024)


class ZoneRates(_Strict):
    voice: VoiceRate | None = None
    sms: MessageRate | None = None
    mms: MessageRate | None = None
    data: DataRate | None = None


def _vat_number(value: str) -> str:
    try:
        return normalize_vat_number(value)
    except SaldoError as exc:
        raise ValueError(exc.message_en) from None


def _iban(value: str) -> str:
    try:
        return normalize_iban(value)
    except SaldoError as exc:
        raise ValueError(exc.message_en) from None


def _creditor_id(value: str) -> str:
    try:
        return str(at_02.validate(value))
    except ValidationError:
        raise ValueError(f"invalid SEPA creditor identifier {shown(value)}") from None


VatNumber = Annotated[str, AfterValidator(_vat_number)]
CreditorId = Annotated[str, AfterValidator(_creditor_id)]
Iban = Annotated[str, AfterValidator(_iban)]
Province = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
Zip = Annotated[str, Field(pattern=r"^[0-9]{5}$")]


class OperatorSection(_Strict):
    """The operator: its name on every channel, and the seller's data of its invoices
    (optional until it bills postpaid lines; a bill run refuses to start without them)."""

    name: str = Field(min_length=1, max_length=60)
    vat_rate: Price
    legal_name: str | None = Field(default=None, min_length=1, max_length=80)
    """The company name on invoices (``name`` when absent)."""
    vat_number: VatNumber | None = None
    tax_regime: str = Field(default="RF01", pattern=r"^RF(0[1-9]|1[0-9])$")
    address: str | None = Field(default=None, min_length=1, max_length=60)
    zip: Zip | None = None
    city: str | None = Field(default=None, min_length=1, max_length=60)
    province: Province | None = None
    country: str = Field(default="IT", pattern=r"^[A-Z]{2}$")
    rea_office: Province | None = None
    rea_number: str | None = Field(default=None, pattern=r"^[A-Za-z0-9]{1,20}$")
    iban: Iban | None = None
    sepa_creditor_id: CreditorId | None = None
    """SEPA creditor identifier (e.g. IT26ZZZ09876540015), for direct debit batches."""

    @model_validator(mode="after")
    def _rea_whole(self) -> OperatorSection:
        if (self.rea_office is None) != (self.rea_number is None):
            raise ValueError("rea_office and rea_number go together")
        return self

    def missing_for_invoices(self) -> list[str]:
        """The fields an invoice needs that the catalogue does not give."""
        needed = ("vat_number", "address", "zip", "city", "province", "iban")
        return [f for f in needed if getattr(self, f) is None]


class BillingSection(_Strict):
    due_days: int = Field(default=20, ge=0, le=365)
    series: str = Field(default="M", pattern=r"^[A-Z0-9]{1,8}$")
    """The prefix of invoice numbers: ``M/2026/000001``."""
    tcg_private: Cents = 516
    """Tassa di concessione governativa per month of a private customer's postpaid line."""
    tcg_business: Cents = 1291


class ChannelsSection(_Strict):
    ivr: str = Field(default="4242", pattern=r"^\d{3,6}$")
    ivr_business: str = Field(default="1928", pattern=r"^\d{3,6}$")
    sms: str = Field(default="4155", pattern=r"^\d{3,6}$")
    ussd: str = Field(default="*133#", pattern=r"^\*\d{2,4}#$")


class TopupSection(_Strict):
    amounts: list[Cents] = Field(min_length=1)
    min: Cents
    max: Cents

    @model_validator(mode="after")
    def _amounts_within_limits(self) -> TopupSection:
        if self.min <= 0 or self.min > self.max:
            raise ValueError("min must be above zero and not above max")
        outside = [a for a in self.amounts if not self.min <= a <= self.max]
        if outside:
            raise ValueError("every amount must lie between min and max")
        return self


def _check_allowances(raw: dict[str, str]) -> dict[str, Allowance]:
    parsed: dict[str, Allowance] = {}
    for service, text in raw.items():
        if service not in PLAN_ALLOWANCES:
            raise ValueError(
                f"unknown allowance {service!r} (expected one of {', '.join(PLAN_ALLOWANCES)})"
            )
        try:
            allowance = parse_allowance(
                "voice" if service == "international_voice" else service, text
            )
        except SaldoError as exc:
            raise ValueError(f"{service}: {exc.message_en}") from None
        if allowance.amount > MAX_ALLOWANCE:
            raise ValueError(f"{service}: {shown(text)} is more than any plan may grant")
        parsed[service] = allowance
    return parsed


def _allowances(value: object) -> object:
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return _check_allowances(value)
    return value


def _period(*, until_renewal: bool) -> AfterValidator:
    def check(value: str) -> str:
        try:
            return validate_period(value, allow_until_renewal=until_renewal)
        except SaldoError as exc:
            raise ValueError(exc.message_en) from None

    return AfterValidator(check)


Allowances = Annotated[dict[str, Allowance], BeforeValidator(_allowances)]
PlanPeriod = Annotated[str, _period(until_renewal=False)]
OptionPeriod = Annotated[str, _period(until_renewal=True)]


class Plan(_Strict):
    code: Code
    name: str = Field(min_length=1, max_length=60)
    segment: Literal["consumer", "business"]
    billing: Literal["prepaid", "postpaid"]
    fee: Cents
    period: PlanPeriod
    description: str = ""
    allowances: Allowances = Field(default_factory=dict)
    rates: dict[Literal["national", "eu", "international", "world"], ZoneRates]
    prices_include_vat: bool = True
    """Whether fee, options and tariffs include VAT; absent: true for consumer plans, false for
    business ones."""

    @model_validator(mode="before")
    @classmethod
    def _vat_default(cls, data: object) -> object:
        if isinstance(data, dict) and "prices_include_vat" not in data:
            return {**data, "prices_include_vat": data.get("segment") != "business"}
        return data

    @property
    def fee_cents(self) -> int:
        return self.fee

    @field_validator("rates")
    @classmethod
    def _national_rates_complete(cls, value: dict[str, ZoneRates]) -> dict[str, ZoneRates]:
        national = value.get("national")
        if national is None or not (national.voice and national.sms and national.data):
            raise ValueError("rates.national must give voice, sms and data rates")
        return value


class Option(_Strict):
    code: Code
    name: str = Field(min_length=1, max_length=60)
    fee: Cents
    period: OptionPeriod = "until_renewal"
    recurring: bool = False
    plans: list[str] | None = None
    description: str = ""
    allowances: Allowances = Field(default_factory=dict)

    def fits(self, plan_code: str) -> bool:
        return self.plans is None or plan_code in self.plans


class CatalogDocument(_Strict):
    operator: OperatorSection
    channels: ChannelsSection = ChannelsSection()
    topup: TopupSection
    billing: BillingSection = BillingSection()
    plan: list[Plan] = Field(min_length=1)
    option: list[Option] = Field(default_factory=list)

    @model_validator(mode="after")
    def _cross_references(self) -> CatalogDocument:
        codes = [p.code for p in self.plan] + [o.code for o in self.option]
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        if repeated:
            raise ValueError(f"codes must be unique across plans and options: {repeated}")
        plan_codes = {p.code for p in self.plan}
        for option in self.option:
            unknown = sorted(set(option.plans or ()) - plan_codes)
            if unknown:
                raise ValueError(f"option {option.code}: plans {unknown} are not in the catalogue")
        return self

    def plan_by_code(self, code: str) -> Plan | None:
        return next((p for p in self.plan if p.code == code), None)

    def option_by_code(self, code: str) -> Option | None:
        return next((o for o in self.option if o.code == code), None)
