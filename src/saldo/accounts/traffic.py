"""The itemised traffic of the company's lines, at most 90 days at a time, with the called
numbers masked (the last three digits as ``***``, as Italian privacy rules require for
itemised traffic). Read in chunks (keyset on the record id) so that a million rows never sit
in memory."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from saldo.accounts import repository as repo
from saldo.accounts.errors import InvalidFields, NotAllowed
from saldo.accounts.repository import Scope
from saldo.charging.models import UsageRecord
from saldo.lines.models import Line

MAX_SPAN = timedelta(days=90)
CHUNK = 2000


def mask(number: str | None) -> str:
    """``+39347123***``: the last three digits hidden (short or empty numbers wholly)."""
    if not number:
        return ""
    return number[:-3] + "***" if len(number) > 3 else "***"


@dataclass(frozen=True, slots=True)
class TrafficRow:
    msisdn: str
    started_at: datetime
    service: str
    zone: str
    destination: str
    quantity: int
    covered: int
    charge_cents: int


def check_span(start: datetime, end: datetime) -> None:
    if end <= start:
        raise InvalidFields([("to", "deve essere dopo from", "must be after from")])
    if end - start > MAX_SPAN:
        raise InvalidFields(
            [("to", "al massimo 90 giorni dopo from", "at most 90 days after from")]
        )


def traffic(
    session: Session, *, scope: Scope, start: datetime, end: datetime, chunk: int = CHUNK
) -> Iterator[TrafficRow]:
    """Usage of the lines ``scope`` may see, ``start`` ≤ time < ``end``, in record order."""
    if scope.role == "employee":
        raise NotAllowed()
    check_span(start, end)
    ur = UsageRecord
    after = 0
    while True:
        rows = session.execute(
            select(
                ur.id,
                Line.msisdn,
                ur.started_at,
                ur.service,
                ur.zone,
                ur.destination,
                ur.quantity,
                ur.covered,
                ur.charge_cents,
            )
            .join(Line, Line.id == ur.line_id)
            .where(
                ur.line_id.in_(repo.visible_lines(scope)),
                ur.started_at >= start,
                ur.started_at < end,
                ur.id > after,
            )
            .order_by(ur.id)
            .limit(chunk)
        ).all()
        for r in rows:
            yield TrafficRow(
                r.msisdn, r.started_at, r.service, r.zone, mask(r.destination),
                r.quantity, r.covered, r.charge_cents,
            )  # fmt: skip
        if len(rows) < chunk:
            return
        after = rows[-1].id
