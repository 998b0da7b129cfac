"""The credit wallet and allowance buckets, and the append-only ledger of every change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from saldo.db import Base, BigId, UtcDateTime


class Bucket(Base):
    """One pot of units of a line: the credit wallet (cents) or an allowance.

    ``remaining == initial + sum(ledger deltas)`` always; ``remaining`` never goes below zero.
    """

    __tablename__ = "bucket"
    __table_args__ = (
        CheckConstraint("remaining >= 0", name="remaining_not_negative"),
        Index("ix_bucket_line_status", "line_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("line.id"))
    service: Mapped[str] = mapped_column(String(16))
    """credit | voice | sms | mms | data | data_eu."""
    zone: Mapped[str] = mapped_column(String(16))
    """national (also used in the EU) | eu | international | world."""
    source: Mapped[str] = mapped_column(String(16))  # wallet | plan | option | promo
    source_code: Mapped[str | None] = mapped_column(String(64))
    source_ref: Mapped[int | None] = mapped_column(BigInteger)
    """The line_option id for option buckets."""
    unit: Mapped[str] = mapped_column(String(16))  # cents | seconds | messages | bytes
    unlimited: Mapped[bool] = mapped_column(Boolean, default=False)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    """Units granted for the validity window, as shown to the customer."""
    initial: Mapped[int] = mapped_column(BigInteger, default=0)
    """Units the bucket was created with before any ledger entry (migrated balances)."""
    remaining: Mapped[int] = mapped_column(BigInteger, default=0)
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | expired
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LedgerEntry(Base):
    """One change of one bucket. Rows are only ever inserted."""

    __tablename__ = "ledger_entry"
    __table_args__ = (Index("ix_ledger_entry_bucket", "bucket_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    line_id: Mapped[int] = mapped_column(BigInteger, index=True)
    bucket_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    """topup | charge | fee | grant | expiry | adjustment | refund | indemnity | reservation |
    release. ``refund`` and ``indemnity`` come from care tickets (key ``refund:<code>``,
    ``indemnity:<code>``)."""
    delta: Mapped[int] = mapped_column(BigInteger)
    """Signed change of the bucket's remaining, in the bucket's unit."""
    reference: Mapped[str | None] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(32))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
