"""Queries of identity. Session resolution is plain SQL through the driver: every signed-in
request passes there (and the balance route joins the snapshot to it, in one statement)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, insert, select, text, update
from sqlalchemy.orm import Session

from saldo.db import delete_head, dialect_name, table
from saldo.identity.models import LoginCode, PinFailure, PrincipalSession, RateCounter
from saldo.identity.schemas import LINE
from saldo.lines.models import Line

code_t = table(LoginCode)
session_t = table(PrincipalSession)
pin_failure_t = table(PinFailure)
counter_t = table(RateCounter)
line_t = table(Line)

SESSION_COLUMNS = (
    "s.id, s.principal_id, s.csrf_token, s.last_seen_at, s.expires_at, s.ended_at,"
    " l.msisdn, l.status"
)
"""What a line's session row holds, in the order ``service.signed_in`` reads it."""
SESSION_WIDTH = 8
LINE_SESSIONS = (
    f"identity_session s JOIN line l ON l.id = s.principal_id AND s.principal_kind = '{LINE}'"
)
"""The sessions of lines with their line; join more tables after it (the balance snapshot)."""
SESSION_BY_TOKEN = "s.token_hash = ? AND s.kind = ?"
RESOLVE_SQL = f"SELECT {SESSION_COLUMNS} FROM {LINE_SESSIONS} WHERE {SESSION_BY_TOKEN}"


def lock_number(session: Session, msisdn: str) -> None:
    """Serialize code requests per number so that concurrent ones cannot pass the limit.

    SQLite transactions already start with BEGIN IMMEDIATE (one writer at a time);
    PostgreSQL takes a transaction-scoped advisory lock on the number.
    """
    if dialect_name(session) == "postgresql":
        key = int.from_bytes(hashlib.sha256(msisdn.encode()).digest()[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def is_active_line(msisdn: str) -> Any:
    """The condition 'this number is an active line', to be evaluated inside a statement."""
    return exists().where(line_t.c.msisdn == msisdn, line_t.c.status == "active")


def active_line_id(session: Session, msisdn: str) -> int | None:
    line_id = session.scalar(
        select(line_t.c.id).where(line_t.c.msisdn == msisdn, line_t.c.status == "active")
    )
    return None if line_id is None else int(line_id)


def recent_codes(session: Session, msisdn: str, since: datetime) -> Any:
    """(count, first created_at) of the number's codes since ``since``."""
    return session.execute(
        select(func.count().label("count"), func.min(code_t.c.created_at).label("first")).where(
            code_t.c.msisdn == msisdn, code_t.c.created_at > since
        )
    ).one()


def replace_code(
    session: Session, *, msisdn: str, code_hash: str, now: datetime, expires_at: datetime
) -> None:
    """The number's new code; any code still active is superseded."""
    session.execute(
        update(code_t)
        .where(code_t.c.msisdn == msisdn, code_t.c.status == "active")
        .values(status="superseded")
    )
    session.execute(
        insert(code_t).values(
            msisdn=msisdn,
            code_hash=code_hash,
            status="active",
            attempts=0,
            created_at=now,
            expires_at=expires_at,
        )
    )


def current_code(session: Session, msisdn: str, now: datetime) -> Any:
    """The number's newest code that is still active (or burned), unexpired."""
    return session.execute(
        select(code_t.c.id, code_t.c.code_hash, code_t.c.attempts, code_t.c.status)
        .where(
            code_t.c.msisdn == msisdn,
            code_t.c.status.in_(("active", "burned")),
            code_t.c.expires_at > now,
        )
        .order_by(code_t.c.id.desc())
        .limit(1)
    ).one_or_none()


def count_try(session: Session, code_id: int, max_tries: int) -> bool:
    """Count one try, atomically: concurrent guesses cannot exceed ``max_tries``."""
    counted = session.execute(
        update(code_t)
        .where(code_t.c.id == code_id, code_t.c.status == "active", code_t.c.attempts < max_tries)
        .values(attempts=code_t.c.attempts + 1)
    )
    return bool(getattr(counted, "rowcount", 0))


def mark_code(session: Session, code_id: int, status: str) -> None:
    session.execute(update(code_t).where(code_t.c.id == code_id).values(status=status))


def principal_session(session: Session, *, token_hash: str, kind: str, principal_kind: str) -> Any:
    return session.execute(
        select(
            session_t.c.id,
            session_t.c.principal_id,
            session_t.c.csrf_token,
            session_t.c.last_seen_at,
            session_t.c.expires_at,
            session_t.c.ended_at,
        ).where(
            session_t.c.token_hash == token_hash,
            session_t.c.kind == kind,
            session_t.c.principal_kind == principal_kind,
        )
    ).one_or_none()


def end_principal_sessions(
    session: Session, *, principal_kind: str, principal_id: int, now: datetime
) -> int:
    result = session.execute(
        update(session_t)
        .where(
            session_t.c.principal_kind == principal_kind,
            session_t.c.principal_id == principal_id,
            session_t.c.ended_at.is_(None),
        )
        .values(ended_at=now)
    )
    return int(getattr(result, "rowcount", 0))


def touch_session(session: Session, *, session_id: int, now: datetime) -> None:
    session.execute(
        update(session_t)
        .where(session_t.c.id == session_id, session_t.c.last_seen_at < now)
        .values(last_seen_at=now)
    )


def end_session(session: Session, *, token_hash: str, now: datetime) -> bool:
    result = session.execute(
        update(session_t)
        .where(session_t.c.token_hash == token_hash, session_t.c.ended_at.is_(None))
        .values(ended_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


def pin_failures(session: Session, *, msisdn: str, since: datetime) -> int:
    failures = session.scalar(
        select(func.count())
        .select_from(pin_failure_t)
        .where(pin_failure_t.c.msisdn == msisdn, pin_failure_t.c.created_at > since)
    )
    return int(failures or 0)


def add_pin_failure(
    session: Session, *, msisdn: str, channel: str, session_key: str, now: datetime
) -> None:
    session.execute(
        insert(pin_failure_t).values(
            msisdn=msisdn, channel=channel, session_key=session_key, created_at=now
        )
    )


def purge(
    session: Session, *, codes_before: datetime, sessions_before: datetime, pins_until: datetime
) -> int:
    """Delete codes created and sessions ended before the cutoffs, PIN failures that no
    longer count and limiter windows that have ended; the rows deleted."""
    deleted = delete_head(session, code_t, code_t.c.created_at < codes_before)
    deleted += delete_head(session, session_t, session_t.c.expires_at < sessions_before)
    deleted += delete_head(session, pin_failure_t, pin_failure_t.c.created_at <= pins_until)
    return deleted
