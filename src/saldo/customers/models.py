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
    # what an invoice needs (FatturaPA CessionarioCommittente and its delivery)
    address: Mapped[str | None] = mapped_column(String(60))
    """Street and number of the billing address."""
    zip: Mapped[str | None] = mapped_column(String(5))
    city: Mapped[str | None] = mapped_column(String(60))
    province: Mapped[str | None] = mapped_column(String(2))
    country: Mapped[str | None] = mapped_column(String(2))
    email: Mapped[str | None] = mapped_column(String(254))
    pec: Mapped[str | None] = mapped_column(String(254))
    """Certified e-mail (PEC) where the SdI delivers the customer's invoices."""
    sdi_code: Mapped[str | None] = mapped_column(String(7))
    """The 7-character SdI recipient code (codice destinatario)."""
