"""Shapes of the business area's JSON API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from saldo.channels.api.schemas import Token


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RegistrationIn(_In):
    vat_number: str = Field(max_length=40, examples=["01234567897"])
    email: str = Field(max_length=320, examples=["amministrazione@esempio.it"])
    password: str = Field(max_length=1000)
    msisdn: str = Field(max_length=40, examples=["+393471234567"])
    name: str = Field(max_length=400, examples=["Esempio S.r.l."])


class Accepted(BaseModel):
    status: Literal["accepted"] = "accepted"
    message: str


class ConfirmIn(_In):
    email: str = Field(max_length=320)
    code: str = Field(max_length=20)


class UserOut(BaseModel):
    id: int
    email: str
    role: str
    status: str
    msisdn: str | None = None
    totp_enabled: bool = False


class BusinessTokenIn(_In):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1000)
    totp: str | None = Field(default=None, max_length=12)


class InviteIn(_In):
    email: str = Field(max_length=320)
    role: str = Field(max_length=20, examples=["manager"])
    msisdn: str | None = Field(default=None, max_length=40)


class AcceptIn(_In):
    token: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class UserPatch(_In):
    role: str | None = Field(default=None, max_length=20)
    status: str | None = Field(default=None, max_length=20)
    msisdn: str | None = Field(default=None, max_length=40)


class OptionIn(_In):
    code: str = Field(max_length=64)


class BulkIn(_In):
    code: str = Field(max_length=64)
    action: Literal["add", "remove"]
    lines: list[str] = Field(max_length=1000)


class LineOut(BaseModel):
    msisdn: str
    label: str | None
    user_email: str | None
    balance: dict[str, Any] = Field(description="exactly the JSON of saldo balance MSISDN --json")
    spent_cents_this_month: int


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor_kind: str
    actor_id: int | None
    client: str
    action: str
    subject: str
    details: dict[str, Any]


__all__ = ["Token"]
