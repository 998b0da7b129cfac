"""Tables of company accounts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from saldo.db import Base, BigId, UtcDateTime


class CompanyAccount(Base):
    """The business area of one company (one partita IVA)."""

    __tablename__ = "company_account"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    """The business customer that registered it; the company's lines are every line of a
    business customer with the same partita IVA."""
    vat_number: Mapped[str] = mapped_column(String(11), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class BusinessUser(Base):
    __tablename__ = "business_user"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("company_account.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    """Lower-cased: unique whatever the case it was typed in."""
    name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    """argon2id; none until an invited user sets a password."""
    role: Mapped[str] = mapped_column(String(16))  # admin | manager | employee
    status: Mapped[str] = mapped_column(String(16))  # invited | active | disabled
    line_id: Mapped[int | None] = mapped_column(ForeignKey("line.id"), unique=True)
    """The one line an employee sees (at most one user per line)."""
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Registration(Base):
    """A registration waiting for the code sent by SMS to a line of the company. Written for
    any well-formed request, company or not, so that nothing tells them apart."""

    __tablename__ = "business_registration"
    __table_args__ = (Index("ix_business_registration_email", "email", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    vat_number: Mapped[str] = mapped_column(String(11))
    msisdn: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    code_hash: Mapped[str] = mapped_column(String(64))
    """HMAC-SHA256 of the e-mail and the code under the web secret key."""
    status: Mapped[str] = mapped_column(String(16))  # active | used | burned
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Invitation(Base):
    __tablename__ = "business_invitation"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("business_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 of the token in the link; the token is only in the e-mail."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LineLabel(Base):
    """The company's own name for a line ("Furgone 3", "Mario Rossi")."""

    __tablename__ = "business_line_label"

    line_id: Mapped[int] = mapped_column(ForeignKey("line.id"), primary_key=True)
    label: Mapped[str] = mapped_column(String(100))


class BulkRequest(Base):
    """A bulk request by its ``Idempotency-Key``: a replay gets ``response`` back."""

    __tablename__ = "business_bulk_request"
    __table_args__ = (UniqueConstraint("account_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("company_account.id"))
    user_id: Mapped[int] = mapped_column(BigInteger)
    idempotency_key: Mapped[str] = mapped_column(String(200))
    request_digest: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the request body: the same key with another body is refused."""
    response: Mapped[str | None] = mapped_column(Text)
    """The JSON answered; none while the first request is still running."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
