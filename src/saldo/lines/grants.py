"""Turning a plan's or option's allowances into buckets, and closing them again."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from saldo.balances import ledger
from saldo.balances.models import Bucket
from saldo.balances.presenter import KIND_BY_KEY
from saldo.kit.origin import Origin
from saldo.kit.quantities import Allowance


def grant(
    session: Session,
    *,
    line_id: int,
    allowances: Mapping[str, Allowance],
    source: str,
    source_code: str,
    source_ref: int | None,
    valid_from: datetime,
    expires_at: datetime | None,
    key: str,
    origin: Origin,
    now: datetime,
) -> list[int]:
    """One bucket per allowance, each explained by a grant entry."""
    ids = []
    for name, allowance in allowances.items():
        kind = KIND_BY_KEY[name]  # the catalogue key names the bucket's service, zone and unit
        ids.append(
            ledger.create_bucket(
                session,
                line_id=line_id,
                service=kind.service,
                zone=kind.zone,
                source=source,
                source_code=source_code,
                source_ref=source_ref,
                unit=kind.unit,
                amount=allowance.amount,
                unlimited=allowance.unlimited,
                valid_from=valid_from,
                expires_at=expires_at,
                key=f"{key}:{name}",
                origin=origin,
                now=now,
            )
        )
    return ids


def close_buckets(
    session: Session,
    *,
    line_id: int,
    source: str,
    origin: Origin,
    now: datetime,
    source_ref: int | None = None,
) -> None:
    """Expire the line's active buckets of a source (the plan's, or one option's)."""
    query = select(Bucket.id).where(
        Bucket.line_id == line_id, Bucket.source == source, Bucket.status == "active"
    )
    if source_ref is not None:
        query = query.where(Bucket.source_ref == source_ref)
    for bucket_id in session.scalars(query).all():
        ledger.expire_bucket(
            session, bucket_id=bucket_id, line_id=line_id, key="expiry", origin=origin, now=now
        )
