"""The state of voice calls and USSD sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from saldo.db import Base, BigId, UtcDateTime


class MenuSession(Base):
    """One call (Twilio CallSid, AGI uniqueid, CLI simulator) or one USSD session."""

    __tablename__ = "menu_session"
    __table_args__ = (UniqueConstraint("channel", "session_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))
    """twilio | agi | ussd | cli."""
    session_key: Mapped[str] = mapped_column(String(64))
    """The call or session id the network gave."""
    menu: Mapped[str] = mapped_column(String(16))
    step: Mapped[int] = mapped_column(Integer)
    """Index of the last turn answered to the caller; the next input answers this turn."""
    msisdn: Mapped[str | None] = mapped_column(String(16), index=True)
    """The line, once identified."""
    dialog: Mapped[str] = mapped_column(Text)
    """The engine's dialog state (JSON)."""
    reply: Mapped[str] = mapped_column(Text)
    """The reply to the last step (JSON), returned again when a step is retried."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
