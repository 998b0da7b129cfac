"""The audit trail's one table. Rows are only ever inserted: on PostgreSQL a trigger
(migration 0012) refuses any UPDATE or DELETE of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from saldo.db import Base, BigId, UtcDateTime


class AuditEntry(Base):
    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_scope_id", "scope", "id"),
        Index("ix_audit_entry_actor", "actor_kind", "actor_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    actor_kind: Mapped[str] = mapped_column(String(16))
    """Who acted: business_user, agent, system, anonymous (a failed login of nobody)."""
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    """The actor's id in its own table (none for anonymous)."""
    scope: Mapped[str] = mapped_column(String(64))
    """Whose trail it belongs to, e.g. ``company:12``: what a reader may see."""
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    client: Mapped[str] = mapped_column(String(64))
    """The client address the request came from."""
    action: Mapped[str] = mapped_column(String(64))
    """login, login_failed, option_add, user_invite, export_traffic…"""
    subject: Mapped[str] = mapped_column(String(200))
    """What was acted on: a line (MSISDN), a user (e-mail), an export."""
    details: Mapped[str] = mapped_column(Text)
    """What changed, as a JSON object."""
