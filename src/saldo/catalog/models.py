"""Catalogue versions: every load that changes the document is a new, immutable version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from saldo.db import Base, BigId, UtcDateTime


class CatalogVersion(Base):
    __tablename__ = "catalog_version"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    checksum: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 of the canonical document: loading the same content twice adds nothing."""
    source: Mapped[str] = mapped_column(String(500))
    document: Mapped[str] = mapped_column(Text)
    """The validated catalogue as JSON (amounts still as the operator wrote them)."""
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime)
