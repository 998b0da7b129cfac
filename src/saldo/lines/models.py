"""SIM lines, the plan they subscribe to and their active options."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from saldo.db import Base, BigId, UtcDateTime


class Line(Base):
    __tablename__ = "line"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    msisdn: Mapped[str] = mapped_column(String(16), unique=True)
    """E.164, e.g. +393471234567."""
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    billing: Mapped[str] = mapped_column(String(16))  # prepaid | postpaid
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | terminated
    plan_code: Mapped[str] = mapped_column(String(64))
    catalog_version_id: Mapped[int] = mapped_column(ForeignKey("catalog_version.id"))
    """The catalogue version of the plan, kept until the next renewal."""
    plan_status: Mapped[str] = mapped_column(String(16))  # active | suspended
    period_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    renews_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    pending_plan_code: Mapped[str | None] = mapped_column(String(64))
    """Plan to switch to at the next renewal."""
    renewal_warned_for: Mapped[datetime | None] = mapped_column(UtcDateTime)
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    """Hash of the 4-digit service PIN for the voice line."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    """Changes with whatever rating reads other than units going down: a bucket granted or
    closed, the plan or the number changed. Kept by triggers (migration 0006; on PostgreSQL
    from a sequence, so never the same value twice); online charging checks it to rate on a
    line state it read before."""


class LineOption(Base):
    __tablename__ = "line_option"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("line.id"), index=True)
    option_code: Mapped[str] = mapped_column(String(64))
    catalog_version_id: Mapped[int] = mapped_column(ForeignKey("catalog_version.id"))
    status: Mapped[str] = mapped_column(String(16))  # active | ended
    recurring: Mapped[bool] = mapped_column(Boolean)
    fee_cents: Mapped[int] = mapped_column(BigInteger)
    activated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
