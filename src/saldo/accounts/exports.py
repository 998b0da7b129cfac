"""What every export does before its rows are read: check the role and the span, and write
the export to the audit trail."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from saldo.accounts.errors import InvalidFields, NotAllowed
from saldo.accounts.repository import Scope
from saldo.accounts.traffic import check_span
from saldo.audit.service import Actor, record
from saldo.identity.schemas import BUSINESS_USER

__all__ = ["InvalidFields", "Scope", "check_traffic", "record_export"]


def check_traffic(*, scope: Scope, start: datetime, end: datetime) -> None:
    if scope.role == "employee":
        raise NotAllowed()
    check_span(start, end)


def record_export(
    session: Session,
    *,
    scope: Scope,
    kind: str,
    now: datetime,
    client: str,
    details: Mapping[str, Any] | None = None,
) -> None:
    if scope.role == "employee":
        raise NotAllowed()
    record(
        session,
        actor=Actor(BUSINESS_USER, scope.user_id, client),
        scope=scope.audit_scope,
        action=f"export_{kind}",
        subject=kind,
        details=details,
        now=now,
    )
