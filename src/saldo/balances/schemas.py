"""The "saldo" snapshot: the one shape every channel renders."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_serializer

from saldo.kit.clock import iso


class _Snap(BaseModel):
    model_config = ConfigDict(frozen=True)


class PlanView(_Snap):
    code: str
    name: str
    status: Literal["active", "suspended"]
    fee_cents: int
    renews_at: datetime | None
    period: str

    @field_serializer("renews_at")
    def _renews(self, value: datetime | None) -> str | None:
        return iso(value)


class AllowanceView(_Snap):
    service: Literal["voice", "sms", "mms", "data", "data_eu"]
    zone: str
    source: str
    source_code: str | None
    unit: Literal["seconds", "messages", "bytes"]
    unlimited: bool
    total: int | None
    remaining: int | None
    expires_at: datetime | None

    @field_serializer("expires_at")
    def _expires(self, value: datetime | None) -> str | None:
        return iso(value)


class OptionView(_Snap):
    code: str
    name: str
    fee_cents: int
    recurring: bool
    expires_at: datetime | None

    @field_serializer("expires_at")
    def _expires(self, value: datetime | None) -> str | None:
        return iso(value)


class Snapshot(_Snap):
    msisdn: str
    status: str
    billing: Literal["prepaid", "postpaid"]
    segment: Literal["consumer", "business"]
    credit_cents: int
    plan: PlanView
    options: list[OptionView]
    allowances: list[AllowanceView]
    as_of: datetime

    @field_serializer("as_of")
    def _as_of(self, value: datetime) -> str | None:
        return iso(value)

    def allowance(self, service: str, zone: str = "national") -> list[AllowanceView]:
        return [a for a in self.allowances if a.service == service and a.zone == zone]
