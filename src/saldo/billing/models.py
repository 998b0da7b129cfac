"""Billable charges: what a postpaid line owes, one row per fee or out-of-bundle event."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from saldo.db import Base, BigId, UtcDateTime


class BillableCharge(Base):
    """One amount a postpaid line owes, written in the transaction of the event that causes it.

    Rows are only ever inserted; the invoice adds VAT per rate over their net amounts.
    """

    __tablename__ = "billable_charge"
    __table_args__ = (Index("ix_billable_charge_line_occurred", "line_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("line.id"))
    kind: Mapped[str] = mapped_column(String(16))
    """plan_fee | option_fee | usage | indemnity | refund (these two negative)."""
    net_cents: Mapped[int] = mapped_column(BigInteger)
    """The amount owed without VAT, in cents (negative: given back)."""
    vat_rate_bp: Mapped[int] = mapped_column(Integer)
    """The VAT rate the invoice applies, in basis points (2200 = 22 %)."""
    code: Mapped[str | None] = mapped_column(String(64))
    """The plan's or option's code of a fee."""
    service: Mapped[str | None] = mapped_column(String(8))
    """Usage: voice | sms | mms | data."""
    zone: Mapped[str | None] = mapped_column(String(16))
    """Usage: national | eu | international | world."""
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    """When the fee's period began, or the usage event started."""
    reference: Mapped[str] = mapped_column(String(200), unique=True)
    """What caused it (a fee's ledger key, ``usage:<event id>``): the same reference is
    charged once."""
