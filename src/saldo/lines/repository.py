"""Queries on lines."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from saldo.lines.errors import LineNotFound
from saldo.lines.models import Line, LineOption


def line_by_msisdn(session: Session, msisdn: str, *, for_update: bool = False) -> Line:
    query = select(Line).where(Line.msisdn == msisdn)
    if for_update:
        # FOR NO KEY UPDATE: rows that merely reference the line (usage records, top-ups)
        # take KEY SHARE locks, which this does not block, so charging never deadlocks here.
        query = query.with_for_update(key_share=True)
    line = session.scalar(query)
    if line is None:
        raise LineNotFound(msisdn)
    return line


def active_options(session: Session, line_id: int) -> list[LineOption]:
    return list(
        session.scalars(
            select(LineOption)
            .where(LineOption.line_id == line_id, LineOption.status == "active")
            .order_by(LineOption.id)
        )
    )
