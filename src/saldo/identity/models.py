"""Tables of identity: login codes, sessions of principals, PIN failures, sign-in counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from saldo.db import Base, BigId, UtcDateTime


class LoginCode(Base):
    """A 6-digit code sent by SMS. Rows exist for any valid number, customer or not, so that
    the answers (and the limits) never tell whether a number is a customer."""

    __tablename__ = "identity_login_code"
    __table_args__ = (Index("ix_identity_login_code_msisdn_created", "msisdn", "created_at"),)

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


class PrincipalSession(Base):
    """A signed-in browser (cookie) or client (bearer token) of exactly one principal."""

    __tablename__ = "identity_session"
    __table_args__ = (Index("ix_identity_session_principal", "principal_kind", "principal_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 of the secret token; the token itself is only ever in the client's hands."""
    kind: Mapped[str] = mapped_column(String(8))  # browser | api
    principal_kind: Mapped[str] = mapped_column(String(16))
    """line (a customer's line) today; business_user, agent, client next."""
    principal_id: Mapped[int] = mapped_column(BigInteger)
    """The id of the principal in its own table (``line.id`` for a line)."""
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    """Absolute end of the session, whatever the activity."""
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """Set on logout (or token revocation)."""


class PinFailure(Base):
    """A wrong number-and-PIN pair (voice line); too many lock the number for a while."""

    __tablename__ = "identity_pin_failure"
    __table_args__ = (Index("ix_identity_pin_failure_msisdn_at", "msisdn", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    msisdn: Mapped[str] = mapped_column(String(16))
    """The number entered (whether or not it is a line of ours)."""
    channel: Mapped[str] = mapped_column(String(8))
    session_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class RateCounter(Base):
    """One fixed window of a sign-in limit (``limits`` storage shared by every process)."""

    __tablename__ = "identity_rate_counter"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    """The limit and what it counts, e.g. ``LIMITER/otp-address/10/1/minute/203.0.113.9``."""
    hits: Mapped[int] = mapped_column(BigInteger)
    """Hits in the current window."""
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    """End of the current window; a hit after it starts a new one."""
