"""Writing and reading the audit trail. Every write is one INSERT in the caller's unit of
work: the entry is kept exactly when the change it describes is."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from saldo.audit.models import AuditEntry
from saldo.db import table

audit_t = table(AuditEntry)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts, and from which client address."""

    kind: str
    id: int | None
    client: str


def record(
    session: Session,
    *,
    actor: Actor,
    scope: str,
    action: str,
    subject: str,
    now: datetime,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Append one entry to the trail of ``scope``."""
    session.execute(
        insert(audit_t).values(
            actor_kind=actor.kind,
            actor_id=actor.id,
            scope=scope,
            at=now,
            client=actor.client[:64],
            action=action,
            subject=subject[:200],
            details=json.dumps(dict(details or {}), sort_keys=True, default=str),
        )
    )


def list_entries(
    session: Session, *, scope: str, offset: int = 0, limit: int = 50
) -> tuple[int, Sequence[AuditEntry]]:
    """The trail of ``scope``, newest first, and how many entries it has in all."""
    total = session.scalar(
        select(func.count()).select_from(audit_t).where(audit_t.c.scope == scope)
    )
    rows = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.scope == scope)
        .order_by(AuditEntry.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return int(total or 0), rows


def details_of(entry: AuditEntry) -> dict[str, Any]:
    value = json.loads(entry.details)
    return value if isinstance(value, dict) else {}
