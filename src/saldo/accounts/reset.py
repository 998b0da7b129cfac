"""Forgotten password: a one-time link by e-mail (valid 1 hour) to set a new one, through the
same link page as an invitation. Asked for any address, the answer is the same; at most one
e-mail per user every 15 minutes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from saldo.accounts import repository as repo
from saldo.accounts.models import Invitation
from saldo.catalog.service import get_catalog
from saldo.notifications.service import enqueue

RESET_VALIDITY = timedelta(hours=1)
RESET_EVERY = timedelta(minutes=15)


def request_reset(session: Session, *, email: str, now: datetime, link_base: str) -> None:
    """Send a reset link to ``email`` when it is an active user's; nothing otherwise."""
    user = repo.user_by_email(session, email.strip().lower()[:254])
    if user is None or user.status != "active":
        return
    window = int(now.timestamp() // RESET_EVERY.total_seconds())
    token = secrets.token_urlsafe(32)
    link = f"{link_base.rstrip('/')}/business/invite/{token}"
    _, document = get_catalog(session)
    sent = enqueue(
        session,
        channel="email",
        recipient=user.email,
        subject=f"{document.operator.name} Business: nuova password",
        body=(
            "Hai chiesto di cambiare la password dell'Area Clienti Business.\n"
            f"Sceglila da questo link (vale un'ora, una volta sola):\n{link}\n"
            "Se non sei stato tu, ignora questa e-mail: la password resta quella di prima."
        ),
        topic="business_reset",
        now=now,
        dedup_key=f"business-reset:{user.id}:{window}",
    )
    if sent:
        session.add(
            Invitation(
                user_id=user.id,
                token_hash=hashlib.sha256(token.encode()).hexdigest(),
                created_at=now,
                expires_at=now + RESET_VALIDITY,
            )
        )
        session.flush()
