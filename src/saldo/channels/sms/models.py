"""The SMS channel's tables: inbound messages (dedup), flood counters, submitted parts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from saldo.db import Base, BigId, UtcDateTime


class SmsInbound(Base):
    """One message a customer sent to the short code, whichever way it came in."""

    __tablename__ = "sms_inbound"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ref: Mapped[str | None] = mapped_column(String(120), unique=True)
    """Where it came from and the id it had there ("smpp:<SMSC id>", "http:<gateway id>").

    UNIQUE: a redelivered message finds its first copy and is answered once. Null when the
    sender gave no id (the message is then answered every time it arrives)."""
    sender: Mapped[str] = mapped_column(String(32), index=True)
    """E.164 when the sender is an Italian mobile number, else the address as received."""
    recipient: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    command: Mapped[str] = mapped_column(String(16))
    """summary | details | offer | options | help | unknown"""
    outcome: Mapped[str] = mapped_column(String(16))
    """replied | warned | silenced | ignored"""
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SmsFlood(Base):
    """Requests per sender in the current flood window (a fixed window from its first one)."""

    __tablename__ = "sms_flood"
    __table_args__ = (Index("ix_sms_flood_window_start", "window_start"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sender: Mapped[str] = mapped_column(String(32), unique=True)
    window_start: Mapped[datetime] = mapped_column(UtcDateTime)
    requests: Mapped[int] = mapped_column(Integer)
    """Requests since ``window_start``, this one included."""


class SmsSubmit(Base):
    """One submit_sm the SMSC accepted (a part of an outbox message) and its delivery receipt.

    Either side may arrive first: a receipt can overtake the commit of its submit_sm_resp,
    and with several ``saldo smpp`` processes it can arrive on another bind.
    """

    __tablename__ = "sms_submit"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    smsc_message_id: Mapped[str] = mapped_column(String(100), unique=True)
    outbox_message_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("outbox_message.id"), index=True
    )
    part_no: Mapped[int | None] = mapped_column(Integer)
    parts: Mapped[int | None] = mapped_column(Integer)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    state: Mapped[str | None] = mapped_column(String(16))
    """The receipt's final state (DELIVRD, UNDELIV, EXPIRED, REJECTD…); null until then."""
    delivered: Mapped[bool | None] = mapped_column(Boolean)
    receipt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
