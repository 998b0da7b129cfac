"""Sign-in with a code sent by SMS, and the sessions it opens (browser cookie or API token).

The rules of the login code: 6 digits, valid 5 minutes, burned by the fifth wrong try, at
most 3 codes per number in 15 minutes, compared in constant time. A number that is not a
customer goes through exactly the same steps (a code row is written, the limits count) except
that no SMS leaves, so no answer tells a customer's number from any other.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from saldo.catalog.service import get_catalog
from saldo.channels.http.errors import CodeRejected, NotSignedIn, TooManyCodes
from saldo.channels.selfcare.models import LoginCode, WebSession
from saldo.db import dialect_name, fetch_all, table, utc
from saldo.kit.errors import InvalidInput
from saldo.kit.msisdn import normalize_msisdn
from saldo.lines.models import Line
from saldo.notifications.service import enqueue

CODE_DIGITS = 6
CODE_VALIDITY = timedelta(minutes=5)
MAX_WRONG_TRIES = 5
MAX_CODES = 3
CODES_WINDOW = timedelta(minutes=15)
TOUCH_EVERY = timedelta(seconds=60)
"""Activity is written at most once a minute per session, not on every request."""

code_t = table(LoginCode)
session_t = table(WebSession)
line_t = table(Line)
SESSION_COLUMNS = (
    "s.id, s.line_id, s.csrf_token, s.last_seen_at, s.expires_at, s.ended_at, l.msisdn, l.status"
)
SESSION_BY_TOKEN = "s.token_hash = ? AND s.kind = ?"
_RESOLVE = (
    f"SELECT {SESSION_COLUMNS} FROM web_session s JOIN line l ON l.id = s.line_id"
    f" WHERE {SESSION_BY_TOKEN}"
)


def _code_hash(secret: str, msisdn: str, code: str) -> str:
    return hmac.new(secret.encode(), f"{msisdn}:{code}".encode(), hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lock_number(session: Session, msisdn: str) -> None:
    """Serialize code requests per number so that concurrent ones cannot pass the limit.

    SQLite transactions already start with BEGIN IMMEDIATE (one writer at a time);
    PostgreSQL takes a transaction-scoped advisory lock on the number.
    """
    if dialect_name(session) == "postgresql":
        key = int.from_bytes(hashlib.sha256(msisdn.encode()).digest()[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def _active_line_id(session: Session, msisdn: str) -> int | None:
    line_id = session.scalar(
        select(line_t.c.id).where(line_t.c.msisdn == msisdn, line_t.c.status == "active")
    )
    return None if line_id is None else int(line_id)


def request_code(session: Session, *, msisdn: str, now: datetime, secret: str) -> str:
    """Issue a login code for ``msisdn`` (sent by SMS only if it is a customer's line).

    Returns the number in E.164. Raises ``TooManyCodes`` past 3 codes in 15 minutes.
    """
    e164 = normalize_msisdn(msisdn)
    _lock_number(session, e164)
    since = now - CODES_WINDOW
    recent = session.execute(
        select(func.count(), func.min(code_t.c.created_at)).where(
            code_t.c.msisdn == e164, code_t.c.created_at > since
        )
    ).one()
    if recent[0] >= MAX_CODES:
        wait = recent[1] + CODES_WINDOW - now
        raise TooManyCodes(max(1, -(-int(wait.total_seconds()) // 60)))
    session.execute(
        update(code_t)
        .where(code_t.c.msisdn == e164, code_t.c.status == "active")
        .values(status="superseded")
    )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    session.add(
        LoginCode(
            msisdn=e164,
            code_hash=_code_hash(secret, e164, code),
            status="active",
            attempts=0,
            created_at=now,
            expires_at=now + CODE_VALIDITY,
        )
    )
    session.flush()
    if _active_line_id(session, e164) is not None:
        _, document = get_catalog(session)
        enqueue(
            session,
            recipient=e164,
            sender=document.channels.sms,
            body=(
                f"{code} è il tuo codice di accesso all'app {document.operator.name}. "
                "Vale 5 minuti. Non darlo a nessuno, nemmeno a chi dice di chiamare da "
                f"{document.operator.name}."
            ),
            topic="otp",
            now=now,
        )
    return e164


@dataclass(frozen=True, slots=True)
class CodeCheck:
    """The outcome of trying a code. Wrong tries must be committed, so this is returned (and
    the transaction committed) before ``raise_if_rejected`` turns a failure into an error."""

    msisdn: str
    line_id: int | None
    outcome: str  # ok | wrong | burned | missing
    tries_left: int = 0

    def raise_if_rejected(self) -> int:
        if self.outcome == "ok" and self.line_id is not None:
            return self.line_id
        raise CodeRejected(self.outcome, self.tries_left)


def check_code(
    session: Session, *, msisdn: str, code: str, now: datetime, secret: str
) -> CodeCheck:
    """Try ``code`` against the number's current code: one wrong try counted per call."""
    e164 = normalize_msisdn(msisdn)
    code = code.strip().replace(" ", "")
    if len(code) != CODE_DIGITS or not code.isdigit():
        raise InvalidInput(
            "il codice di accesso ha 6 cifre", "the login code has 6 digits", field="otp"
        )
    row = session.execute(
        select(code_t.c.id, code_t.c.code_hash, code_t.c.attempts, code_t.c.status)
        .where(
            code_t.c.msisdn == e164,
            code_t.c.status.in_(("active", "burned")),
            code_t.c.expires_at > now,
        )
        .order_by(code_t.c.id.desc())
        .limit(1)
    ).one_or_none()
    if row is None:
        return CodeCheck(e164, None, "missing")
    if row.status == "burned":
        return CodeCheck(e164, None, "burned")
    # Count the try first, atomically: concurrent guesses cannot exceed the limit.
    counted = session.execute(
        update(code_t)
        .where(
            code_t.c.id == row.id,
            code_t.c.status == "active",
            code_t.c.attempts < MAX_WRONG_TRIES,
        )
        .values(attempts=code_t.c.attempts + 1)
    )
    if not getattr(counted, "rowcount", 0):
        return CodeCheck(e164, None, "burned")
    matches = hmac.compare_digest(_code_hash(secret, e164, code), row.code_hash)
    line_id = _active_line_id(session, e164)
    if matches and line_id is not None:
        session.execute(update(code_t).where(code_t.c.id == row.id).values(status="used"))
        return CodeCheck(e164, line_id, "ok")
    tries = row.attempts + 1
    if tries >= MAX_WRONG_TRIES:
        session.execute(update(code_t).where(code_t.c.id == row.id).values(status="burned"))
        return CodeCheck(e164, None, "burned")
    return CodeCheck(e164, None, "wrong", MAX_WRONG_TRIES - tries)


@dataclass(frozen=True, slots=True)
class Me:
    """Who is signed in: one session, one line. Nothing else is ever reachable from it."""

    session_id: int
    line_id: int
    msisdn: str
    csrf_token: str
    kind: str
    stale: bool = False
    """The activity was not recorded yet (read-only request): ``touch_session`` after."""


def open_session(
    session: Session, *, line_id: int, kind: str, now: datetime, lifetime: timedelta
) -> str:
    """A new session for the line; returns the secret token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=token_hash(token),
            kind=kind,
            line_id=line_id,
            csrf_token=secrets.token_urlsafe(24),
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
        )
    )
    session.flush()
    return token


def resolve_session(
    session: Session,
    *,
    token: str | None,
    kind: str,
    now: datetime,
    idle: timedelta,
    touch: bool = True,
) -> Me:
    """The signed-in line of ``token``; ``NotSignedIn`` when missing, ended or expired.

    The activity is recorded here (at most once a minute) unless ``touch`` is False: in a
    read-only unit of work the caller records it afterwards with ``touch_session`` when
    ``Me.stale`` says so.
    """
    # every signed-in request passes here: plain SQL straight through the driver
    rows = fetch_all(session, _RESOLVE, session_key(token, kind))
    if not rows:
        raise NotSignedIn("missing")
    me = signed_in(rows[0], kind=kind, now=now, idle=idle)
    if me.stale and touch:
        touch_session(session, session_id=me.session_id, now=now)
        me = Me(me.session_id, me.line_id, me.msisdn, me.csrf_token, kind, False)
    return me


def session_key(token: str | None, kind: str) -> tuple[str, str]:
    """The parameters of ``SESSION_BY_TOKEN``; a token that cannot be one is not signed in."""
    if not token or len(token) > 200:
        raise NotSignedIn("missing")
    return token_hash(token), kind


def signed_in(row: Sequence[Any], *, kind: str, now: datetime, idle: timedelta) -> Me:
    """The session of a row in ``SESSION_COLUMNS`` order, or ``NotSignedIn``."""
    session_id, line_id, csrf, seen, expires, ended, msisdn, status = row
    last_seen, expires_at = utc(seen), utc(expires)
    assert last_seen is not None and expires_at is not None
    if ended is not None or status != "active":
        raise NotSignedIn("missing")
    if expires_at <= now or last_seen + idle <= now:
        raise NotSignedIn("expired")
    stale = now - last_seen >= TOUCH_EVERY
    return Me(int(session_id), int(line_id), msisdn, csrf, kind, stale)


def touch_session(session: Session, *, session_id: int, now: datetime) -> None:
    """Record activity: the idle deadline moves on."""
    session.execute(
        update(session_t)
        .where(session_t.c.id == session_id, session_t.c.last_seen_at < now)
        .values(last_seen_at=now)
    )


def end_session(session: Session, *, token: str | None, now: datetime) -> bool:
    """Log out: the token stops working at once. False when there was nothing to end."""
    if not token:
        return False
    result = session.execute(
        update(session_t)
        .where(session_t.c.token_hash == token_hash(token), session_t.c.ended_at.is_(None))
        .values(ended_at=now)
    )
    return bool(getattr(result, "rowcount", 0))
