"""Rated usage records and online reservations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from saldo.db import Base, BigId, UtcDateTime


class UsageRecord(Base):
    __tablename__ = "usage_record"
    __table_args__ = (Index("ix_usage_record_line_started", "line_id", "started_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(100), unique=True)
    """The network's id of the event: the same id is rated once."""
    line_id: Mapped[int] = mapped_column(ForeignKey("line.id"))
    service: Mapped[str] = mapped_column(String(8))
    zone: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    quantity: Mapped[int] = mapped_column(BigInteger)
    """Seconds, messages or bytes used."""
    destination: Mapped[str | None] = mapped_column(String(32))
    covered: Mapped[int] = mapped_column(BigInteger)
    """Units covered by allowance buckets."""
    billed_units: Mapped[int] = mapped_column(BigInteger)
    """Uncovered units after rounding up to the tariff increment (seconds, messages, KB)."""
    charge_cents: Mapped[int] = mapped_column(BigInteger)
    """Out-of-bundle price of the event."""
    credit_cents: Mapped[int] = mapped_column(BigInteger)
    """Part of the charge taken from prepaid credit."""
    unpaid_cents: Mapped[int] = mapped_column(BigInteger)
    """Prepaid: part of the charge the credit could not cover. Postpaid: the invoiced charge."""
    source: Mapped[str] = mapped_column(String(16))  # cdr | online
    rated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Reservation(Base):
    __tablename__ = "reservation"
    __table_args__ = (Index("ix_reservation_status_expires", "status", "expires_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    session_id: Mapped[str] = mapped_column(String(100), unique=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("line.id"), index=True)
    service: Mapped[str] = mapped_column(String(8))
    zone: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[int] = mapped_column(BigInteger)
    holds: Mapped[str] = mapped_column(Text)
    """JSON {bucket_id: units held}, credit included (in cents)."""
    status: Mapped[str] = mapped_column(String(16))  # open | committed | released | expired
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    event_id: Mapped[str | None] = mapped_column(String(100))
