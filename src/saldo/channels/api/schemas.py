"""Shapes of the JSON API for a native app (what crosses the wire, documented in OpenAPI)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from saldo.kit.clock import iso


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    pass


class OtpRequest(_In):
    msisdn: str = Field(max_length=40, examples=["+393471234567"])


class OtpAccepted(_Out):
    status: Literal["accepted"] = "accepted"
    message: str
    expires_in: int = Field(description="seconds the code stays valid")


class TokenRequest(_In):
    msisdn: str = Field(max_length=40, examples=["+393471234567"])
    otp: str = Field(max_length=20, examples=["123456"])


class Token(_Out):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="seconds")


class Error(_Out):
    code: str
    message: str


class UsageItem(_Out):
    service: str
    zone: str
    started_at: datetime
    quantity: int = Field(description="seconds, messages or bytes")
    unit: Literal["seconds", "messages", "bytes"]
    covered: int = Field(description="units covered by allowances")
    charge_cents: int
    destination: str | None

    @field_serializer("started_at")
    def _when(self, value: datetime) -> str | None:
        return iso(value)


class UsagePage(_Out):
    items: list[UsageItem]
    next_cursor: str | None = Field(description="pass as ?cursor= for older records")


class AllowanceSpec(_Out):
    unit: Literal["seconds", "messages", "bytes"]
    unlimited: bool
    amount: int | None


class PlanItem(_Out):
    code: str
    name: str
    description: str
    fee_cents: int
    period: str
    allowances: dict[str, AllowanceSpec]
    current: bool
    pending: bool = Field(description="chosen to start at the next renewal")


class PlanChangeRequest(_In):
    plan_code: str = Field(max_length=40)
    at_renewal: bool = False


class OptionItem(_Out):
    code: str
    name: str
    description: str
    fee_cents: int
    period: str
    recurring: bool
    allowances: dict[str, AllowanceSpec]
    active: bool
    expires_at: datetime | None

    @field_serializer("expires_at")
    def _expires(self, value: datetime | None) -> str | None:
        return iso(value)


class Options(_Out):
    active: list[OptionItem]
    available: list[OptionItem]


class OptionRequest(_In):
    option_code: str = Field(max_length=40)


class CardIn(_In):
    number: str = Field(max_length=30, examples=["4242 4242 4242 4242"])
    expiry: str = Field(max_length=7, examples=["08/29"], description="MM/YY")
    cvc: str = Field(max_length=4, examples=["123"])


class TopupRequest(_In):
    amount_cents: int = Field(examples=[1000])
    card: CardIn


class TopupOut(_Out):
    ref: str
    status: str = Field(description="pending | processing | paid | declined | failed")
    amount_cents: int
    channel: str
    card_brand: str | None
    card_last4: str | None
    failure_code: str | None
    created_at: datetime
    paid_at: datetime | None

    @field_serializer("created_at", "paid_at")
    def _when(self, value: datetime | None) -> str | None:
        return iso(value)


class MessageOut(_Out):
    id: int
    topic: str
    body: str
    created_at: datetime
    read: bool

    @field_serializer("created_at")
    def _when(self, value: datetime) -> str | None:
        return iso(value)


class PinRequest(_In):
    pin: str = Field(max_length=8, examples=["4829"])
