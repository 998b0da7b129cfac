"""Snapshots built by hand, for the pure tests of the presenter and of what channels make of it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from saldo.balances.schemas import AllowanceView, Snapshot
from saldo.kit.clock import ROME
from saldo.kit.quantities import UNIT_BY_SERVICE

RENEWS = datetime(2026, 12, 3, 9, 0, tzinfo=ROME)


def bucket(
    service: str,
    zone: str = "national",
    *,
    total: int = 0,
    left: int = 0,
    unlimited: bool = False,
    expires_at: datetime | None = RENEWS,
) -> AllowanceView:
    return AllowanceView.model_validate(
        {
            "service": service,
            "zone": zone,
            "source": "plan",
            "source_code": "P",
            "unit": UNIT_BY_SERVICE[service],
            "unlimited": unlimited,
            "total": None if unlimited else total,
            "remaining": None if unlimited else left,
            "expires_at": expires_at,
        }
    )


def snap(
    *,
    credit: int = 0,
    fee: int = 999,
    billing: str = "prepaid",
    status: str = "active",
    allowances: list[AllowanceView] | None = None,
    renews_at: datetime | None = RENEWS,
) -> Snapshot:
    plan: dict[str, Any] = {
        "code": "P",
        "name": "Piano",
        "status": status,
        "fee_cents": fee,
        "renews_at": renews_at,
        "period": "4w",
    }
    return Snapshot.model_validate(
        {
            "msisdn": "+393471234567",
            "status": "active",
            "billing": billing,
            "segment": "consumer",
            "credit_cents": credit,
            "plan": plan,
            "options": [],
            "allowances": allowances or [],
            "as_of": RENEWS,
        }
    )
