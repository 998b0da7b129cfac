"""Catalogue versions: every load that changes the document is a new, immutable version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column

from saldo.db import Base, BigId, UtcDateTime


class CatalogVersion(Base):
    __tablename__ = "catalog_version"
    __table_args__ = (
        Index(
            "ux_catalog_version_active",
            "active",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    checksum: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 of the canonical document: loading the same content twice adds nothing."""
    source: Mapped[str] = mapped_column(String(500))
    document: Mapped[str] = mapped_column(Text)
    """The validated catalogue as JSON (amounts still as the operator wrote them)."""
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """The version new subscriptions and renewals use: exactly one once a catalogue is loaded
    (a partial unique index keeps it so); an older one can be made active again."""
