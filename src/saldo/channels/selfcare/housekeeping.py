"""Deleting sign-in rows that can no longer be used or counted (``saldo worker``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from saldo.channels.selfcare.models import LoginCode, WebSession
from saldo.db import delete_head, table

SIGN_IN_KEPT = timedelta(days=1)
"""Login codes and sessions are kept this long after they began or ended: a code lives
minutes and counts against the limit for a quarter of an hour (``auth``); a session ends
within hours of its start."""

code_t = table(LoginCode)
session_t = table(WebSession)


def purge(session: Session, *, now: datetime) -> int:
    """Delete login codes and sessions older than ``SIGN_IN_KEPT``; the rows deleted."""
    cutoff = now - SIGN_IN_KEPT
    codes = delete_head(session, code_t, code_t.c.created_at < cutoff)
    return codes + delete_head(session, session_t, session_t.c.expires_at < cutoff)
