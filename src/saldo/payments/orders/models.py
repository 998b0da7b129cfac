"""Top-up orders paid through a payment provider, and the sandbox provider's own ledger."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from saldo.db import Base, BigId, UtcDateTime


class TopupOrder(Base):
    """One top-up the customer asked for. Its ``ref`` is the payment reference given to
    ``top_up``, so however often it is submitted the credit is added once."""

    __tablename__ = "topup_order"
    __table_args__ = (UniqueConstraint("line_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ref: Mapped[str] = mapped_column(String(40), unique=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("line.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(100))
    """The client's key (an API ``Idempotency-Key`` header or the app form's nonce)."""
    request_hash: Mapped[str] = mapped_column(String(64))
    """What was asked with that key: the same key with another request is refused."""
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    """pending | processing | paid | declined | failed (declined and failed may be retried)."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    """Payment attempts; attempt n goes to the provider under the key ``<ref>:<n>``."""
    card_brand: Mapped[str | None] = mapped_column(String(16))
    card_last4: Mapped[str | None] = mapped_column(String(4))
    failure_code: Mapped[str | None] = mapped_column(String(32))
    provider_ref: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class SandboxCharge(Base):
    """What the built-in sandbox card provider recorded: one row per idempotency key."""

    __tablename__ = "sandbox_charge"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(120), unique=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    card_last4: Mapped[str] = mapped_column(String(4))
    outcome: Mapped[str] = mapped_column(String(32))
    """approved | declined | insufficient_funds | expired_card | processing_error."""
    provider_ref: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
