"""The company's audit trail (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from saldo.accounts.users import require_admin
from saldo.audit.service import details_of, list_entries
from saldo.channels.api.base import ApiRoute, errors
from saldo.channels.business.deps import signed_in
from saldo.channels.business.schemas import AuditOut
from saldo.channels.http.deps import BearerDep, RuntimeDep
from saldo.db import utc

router = APIRouter(tags=["business"], route_class=ApiRoute)


@router.get("/audit", response_model=list[AuditOut], responses=errors(401, 403))
def audit(
    response: Response,
    rt: RuntimeDep,
    bearer: BearerDep,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[AuditOut]:
    """Who did what and when in the business area, newest first (``X-Total-Count``)."""
    with signed_in(rt, bearer, "api", read=True) as (session, scope):
        require_admin(scope)
        total, entries = list_entries(session, scope=scope.audit_scope, offset=offset, limit=limit)
        out = [
            AuditOut(
                id=e.id,
                at=utc(e.at),
                actor_kind=e.actor_kind,
                actor_id=e.actor_id,
                client=e.client,
                action=e.action,
                subject=e.subject,
                details=details_of(e),
            )
            for e in entries
        ]
    response.headers["X-Total-Count"] = str(total)
    return out
