"""Tables of the app's sign-in: one-time login codes and sessions (browser cookie or API token)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from saldo.db import Base, BigId, UtcDateTime


class LoginCode(Base):
    """A 6-digit code sent by SMS. Rows exist for any valid number, customer or not, so that
    the answers (and the limits) never tell whether a number is a customer."""

    __tablename__ = "web_login_code"
    __table_args__ = (Index("ix_web_login_code_msisdn_created", "msisdn", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    msisdn: Mapped[str] = mapped_column(String(16))
    """E.164."""
    code_hash: Mapped[str] = mapped_column(String(64))
    """HMAC-SHA256 of the number and the code under the web secret key; never the code."""
    status: Mapped[str] = mapped_column(String(16))  # active | used | burned | superseded
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    """Wrong codes tried so far; the fifth burns the code."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class WebSession(Base):
    """A signed-in browser (cookie) or native app (bearer token), bound to exactly one line."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 of the secret token; the token itself is only ever in the client's hands."""
    kind: Mapped[str] = mapped_column(String(8))  # browser | api
    line_id: Mapped[int] = mapped_column(ForeignKey("line.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    """Absolute end of the session, whatever the activity."""
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """Set on logout (or token revocation)."""
