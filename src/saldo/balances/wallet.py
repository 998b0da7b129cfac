"""The prepaid credit wallet: money in and out, each movement with its ledger entry."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from saldo.balances import ledger
from saldo.balances.errors import InsufficientCredit
from saldo.balances.service import credit_of, wallet_id
from saldo.kit.origin import Origin


def open_wallet(session: Session, *, line_id: int, origin: Origin, now: datetime) -> int:
    return ledger.create_bucket(
        session,
        line_id=line_id,
        service="credit",
        zone="national",
        source="wallet",
        unit="cents",
        amount=0,
        unlimited=False,
        valid_from=now,
        expires_at=None,
        key=f"wallet:{line_id}",
        origin=origin,
        now=now,
    )


def credit_wallet(
    session: Session,
    *,
    line_id: int,
    cents: int,
    kind: str,
    key: str,
    reference: str | None,
    origin: Origin,
    now: datetime,
) -> None:
    bucket_id = wallet_id(session, line_id)
    ledger.add_units(session, bucket_id, cents)
    _entry(session, line_id, bucket_id, kind, cents, key, reference, origin, now)


def debit_wallet(
    session: Session,
    *,
    line_id: int,
    cents: int,
    kind: str,
    key: str,
    reference: str | None,
    origin: Origin,
    now: datetime,
) -> None:
    """Take ``cents`` from the credit, or raise InsufficientCredit and change nothing."""
    bucket_id = wallet_id(session, line_id)
    if not ledger.try_debit(session, bucket_id, cents):
        raise InsufficientCredit(cents, credit_of(session, line_id))
    if cents:
        _entry(session, line_id, bucket_id, kind, -cents, key, reference, origin, now)


def _entry(
    session: Session,
    line_id: int,
    bucket_id: int,
    kind: str,
    delta: int,
    key: str,
    reference: str | None,
    origin: Origin,
    now: datetime,
) -> None:
    entry = ledger.Entry(line_id, bucket_id, kind, delta, key, reference)
    ledger.write_entries(session, [entry], origin=origin, now=now)
