"""Alerts when a data allowance passes 80% and 100% of use."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from saldo.kit.quantities import format_data
from saldo.notifications.service import enqueue

LEVELS = (80, 100)


def crossed(total: int, before: int, after: int) -> list[int]:
    """The use levels (percent) passed when remaining went from ``before`` to ``after``."""
    if total <= 0:
        return []
    used_before = (total - before) * 100
    used_after = (total - after) * 100
    return [lvl for lvl in LEVELS if used_before < lvl * total <= used_after]


def alert(
    session: Session,
    *,
    msisdn: str,
    bucket_id: int,
    level: int,
    remaining: int,
    name: str | None,
    sender: str,
    now: datetime,
) -> None:
    what = f"Giga di {name}" if name else "Giga"
    if level >= 100:
        body = (
            f"Hai esaurito i {what}. Il traffico dati ora si paga a consumo: "
            "aggiungi Giga dall'app."
        )
    else:
        body = f"Hai usato l'{level}% dei {what}: restano {format_data(remaining)}."
    enqueue(
        session,
        recipient=msisdn,
        sender=sender,
        body=body,
        topic="threshold",
        now=now,
        dedup_key=f"threshold:{bucket_id}:{level}",
    )
