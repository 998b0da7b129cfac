"""Snapshots built by hand, for the pure tests of speech and screens."""

from __future__ import annotations

from datetime import datetime

from saldo.balances.schemas import AllowanceView, OptionView, PlanView, Snapshot
from saldo.kit.clock import ROME
from saldo.kit.quantities import GB

RENEWS = datetime(2026, 12, 3, 9, 0, tzinfo=ROME)


def allowance(
    service: str, zone: str = "national", *, total: int = 0, left: int = 0, unlimited: bool = False
) -> AllowanceView:
    unit = {"voice": "seconds", "sms": "messages", "mms": "messages"}.get(service, "bytes")
    return AllowanceView.model_validate(
        {
            "service": service,
            "zone": zone,
            "source": "plan",
            "source_code": "GIGA150",
            "unit": unit,
            "unlimited": unlimited,
            "total": None if unlimited else total,
            "remaining": None if unlimited else left,
            "expires_at": RENEWS,
        }
    )


def sample(
    *,
    credit: int = 1234,
    fee: int = 999,
    billing: str = "prepaid",
    status: str = "active",
    plan: str = "Giga 150",
    period: str = "4w",
    allowances: list[AllowanceView] | None = None,
    options: list[OptionView] | None = None,
    segment: str = "consumer",
) -> Snapshot:
    if allowances is None:
        allowances = [
            allowance("data", total=150 * GB, left=12 * GB + GB // 2),
            allowance("data_eu", "eu", total=12 * GB, left=10 * GB),
            allowance("voice", unlimited=True),
            allowance("sms", unlimited=True),
        ]
    return Snapshot.model_validate(
        {
            "msisdn": "+393471234567",
            "status": "active",
            "billing": billing,
            "segment": segment,
            "credit_cents": credit,
            "plan": PlanView.model_validate(
                {
                    "code": "GIGA150",
                    "name": plan,
                    "status": status,
                    "fee_cents": fee,
                    "renews_at": RENEWS,
                    "period": period,
                }
            ),
            "options": options or [],
            "allowances": allowances,
            "as_of": datetime(2026, 11, 26, 9, 0, tzinfo=ROME),
        }
    )
