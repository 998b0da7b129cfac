"""Customers: private persons and businesses (partita IVA)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from saldo.db import Base, BigId, UtcDateTime


class Customer(Base):
    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    segment: Mapped[str] = mapped_column(String(16))
    """consumer | business: the catalogue's plan segments (``Plan.segment``)."""
    name: Mapped[str | None] = mapped_column(String(200))
    tax_code: Mapped[str | None] = mapped_column(String(16), index=True)
    vat_number: Mapped[str | None] = mapped_column(String(11), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
