"""Signing in: the login code sent by SMS and the sessions it opens (browser cookie or API
token). The operations are listed in ``identity.interfaces``.

The rules of the login code: 6 digits, valid 5 minutes, burned by the fifth wrong try, at
most 3 codes per number in 15 minutes, compared in constant time. A number that is not a
customer goes through exactly the same steps, with the same statements (a code row is
written, the limits count, the SMS is written by one statement that inserts it only for an
active line), so neither the answer nor its time tells a customer's number from another.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from saldo.catalog.service import get_catalog
from saldo.db import fetch_all, utc
from saldo.identity import repository as repo
from saldo.identity.errors import NotSignedIn, TooManyCodes
from saldo.identity.limits import (
    Admission,
    SignInLimits,
    admit_code_check,
    admit_code_request,
    count_wrong_code,
)
from saldo.identity.limits import purge as purge_counters
from saldo.identity.models import PrincipalSession
from saldo.identity.pin import PIN_LOCK_WINDOW
from saldo.identity.schemas import CodeCheck, Me, Principal, SignedIn
from saldo.kit.errors import InvalidInput
from saldo.kit.msisdn import normalize_msisdn
from saldo.kit.validators import is_digits
from saldo.notifications.service import enqueue

CODE_DIGITS = 6
CODE_VALIDITY = timedelta(minutes=5)
MAX_WRONG_TRIES = 5
MAX_CODES = 3
CODES_WINDOW = timedelta(minutes=15)
TOUCH_EVERY = timedelta(seconds=60)
"""Activity is written at most once a minute per session, not on every request."""
SIGN_IN_KEPT = timedelta(days=1)
"""Login codes and sessions are kept this long after they began or ended: a code lives
minutes and counts against the limit for a quarter of an hour; a session ends within hours
of its start."""

__all__ = [
    "CODE_VALIDITY",
    "Admission",
    "CodeCheck",
    "Me",
    "SignInLimits",
    "admit_code_check",
    "admit_code_request",
    "check_code",
    "end_principal_sessions",
    "end_session",
    "open_session",
    "purge",
    "request_code",
    "resolve_principal",
    "resolve_session",
    "session_key",
    "signed_in",
    "touch_session",
]


def _code_hash(secret: str, msisdn: str, code: str) -> str:
    return hmac.new(secret.encode(), f"{msisdn}:{code}".encode(), hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_code(session: Session, *, msisdn: str, now: datetime, secret: str) -> str:
    """Issue a login code for ``msisdn`` (sent by SMS only if it is a customer's line).

    Returns the number in E.164. Raises ``TooManyCodes`` past 3 codes in 15 minutes.
    """
    e164 = normalize_msisdn(msisdn)
    repo.lock_number(session, e164)
    recent = repo.recent_codes(session, e164, now - CODES_WINDOW)
    count, first = recent
    if count >= MAX_CODES:
        wait = utc(first) + CODES_WINDOW - now  # type: ignore[operator]
        raise TooManyCodes(max(1, -(-int(wait.total_seconds()) // 60)))
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    repo.replace_code(
        session,
        msisdn=e164,
        code_hash=_code_hash(secret, e164, code),
        now=now,
        expires_at=now + CODE_VALIDITY,
    )
    _, document = get_catalog(session)
    operator = document.operator.name
    enqueue(
        session,
        recipient=e164,
        sender=document.channels.sms,
        body=(
            f"{code} è il tuo codice di accesso all'app {operator}. "
            f"Vale 5 minuti. Non darlo a nessuno, nemmeno a chi dice di chiamare da {operator}."
        ),
        topic="otp",
        now=now,
        when=repo.is_active_line(e164),
    )
    return e164


def check_code(
    session: Session,
    *,
    msisdn: str,
    code: str,
    now: datetime,
    secret: str,
    previous_secrets: Sequence[str] = (),
    client: str | None = None,
    limits: SignInLimits | None = None,
) -> CodeCheck:
    """Try ``code`` against the number's current code: one wrong try counted per call, and
    one wrong code counted against ``client``'s address when ``limits`` are given (refused
    with ``TooManySignIns`` when the address has tried too many). A code sent before the key
    was rotated still matches under one of ``previous_secrets``."""
    e164 = normalize_msisdn(msisdn)
    code = code.strip().replace(" ", "")
    if len(code) != CODE_DIGITS or not is_digits(code):
        raise InvalidInput(
            "il codice di accesso ha 6 cifre", "the login code has 6 digits", field="otp"
        )
    if client is not None and limits is not None:
        admit_code_check(session, client=client, now=now, limits=limits).raise_if_refused()
    result = _try_code(session, e164, code, now, (secret, *previous_secrets))
    if result.outcome != "ok" and client is not None and limits is not None:
        count_wrong_code(session, client=client, now=now, limits=limits)
    return result


def _try_code(
    session: Session, e164: str, code: str, now: datetime, secrets_: Sequence[str]
) -> CodeCheck:
    row = repo.current_code(session, e164, now)
    if row is None:
        return CodeCheck(e164, None, "missing")
    if row.status == "burned":
        return CodeCheck(e164, None, "burned")
    if not repo.count_try(session, row.id, MAX_WRONG_TRIES):
        return CodeCheck(e164, None, "burned")
    # every key is tried, so the time does not tell which one matched
    hits = [hmac.compare_digest(_code_hash(k, e164, code), row.code_hash) for k in secrets_]
    matches = any(hits)
    line_id = repo.active_line_id(session, e164)
    if matches and line_id is not None:
        repo.mark_code(session, row.id, "used")
        return CodeCheck(e164, line_id, "ok")
    tries = row.attempts + 1
    if tries >= MAX_WRONG_TRIES:
        repo.mark_code(session, row.id, "burned")
        return CodeCheck(e164, None, "burned")
    return CodeCheck(e164, None, "wrong", MAX_WRONG_TRIES - tries)


def open_principal_session(
    session: Session, *, principal: Principal, kind: str, now: datetime, lifetime: timedelta
) -> str:
    """A new session of ``principal``; returns the secret token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(
        PrincipalSession(
            token_hash=token_hash(token),
            kind=kind,
            principal_kind=principal.kind,
            principal_id=principal.id,
            csrf_token=secrets.token_urlsafe(24),
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
        )
    )
    session.flush()
    return token


def open_session(
    session: Session, *, line_id: int, kind: str, now: datetime, lifetime: timedelta
) -> str:
    """A new session of a customer's line (``open_principal_session`` of ``Principal.line``)."""
    return open_principal_session(
        session, principal=Principal.line(line_id), kind=kind, now=now, lifetime=lifetime
    )


def resolve_session(
    session: Session,
    *,
    token: str | None,
    kind: str,
    now: datetime,
    idle: timedelta,
    touch: bool = True,
) -> Me:
    """The signed-in line of ``token``; ``NotSignedIn`` when missing, ended or expired (or
    when the token is another kind of principal's).

    The activity is recorded here (at most once a minute) unless ``touch`` is False: in a
    read-only unit of work the caller records it afterwards with ``touch_session`` when
    ``Me.stale`` says so.
    """
    rows = fetch_all(session, repo.RESOLVE_SQL, session_key(token, kind))
    if not rows:
        raise NotSignedIn("missing")
    me = signed_in(rows[0], kind=kind, now=now, idle=idle)
    if me.stale and touch:
        touch_session(session, session_id=me.session_id, now=now)
        me = Me(me.session_id, me.line_id, me.msisdn, me.csrf_token, kind, False)
    return me


def resolve_principal(
    session: Session,
    *,
    token: str | None,
    kind: str,
    principal_kind: str,
    now: datetime,
    idle: timedelta,
) -> SignedIn:
    """The session of a principal of ``principal_kind`` signed in with ``token`` (any kind but
    a line's, which ``resolve_session`` joins to its line); ``NotSignedIn`` when missing,
    ended, expired, or another kind of principal's. The caller checks that the principal
    itself is still allowed in (a disabled user) and records activity when ``stale``."""
    token_digest, _ = session_key(token, kind)
    row = repo.principal_session(
        session, token_hash=token_digest, kind=kind, principal_kind=principal_kind
    )
    if row is None or row.ended_at is not None:
        raise NotSignedIn("missing")
    last_seen, expires_at = utc(row.last_seen_at), utc(row.expires_at)
    assert last_seen is not None and expires_at is not None
    if expires_at <= now or last_seen + idle <= now:
        raise NotSignedIn("expired")
    return SignedIn(
        int(row.id),
        Principal(principal_kind, int(row.principal_id)),
        row.csrf_token,
        now - last_seen >= TOUCH_EVERY,
    )


def end_principal_sessions(session: Session, *, principal: Principal, now: datetime) -> int:
    """Revoke every open session of ``principal`` (disabled, or its password changed)."""
    return repo.end_principal_sessions(
        session, principal_kind=principal.kind, principal_id=principal.id, now=now
    )


def session_key(token: str | None, kind: str) -> tuple[str, str]:
    """The parameters of ``repository.SESSION_BY_TOKEN``; a token that cannot be one is not
    signed in."""
    if not token or len(token) > 200:
        raise NotSignedIn("missing")
    return token_hash(token), kind


def signed_in(row: Sequence[Any], *, kind: str, now: datetime, idle: timedelta) -> Me:
    """The session of a row beginning with ``repository.SESSION_COLUMNS``, or ``NotSignedIn``."""
    session_id, line_id, csrf, seen, expires, ended, msisdn, status = row[: repo.SESSION_WIDTH]
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
    repo.touch_session(session, session_id=session_id, now=now)


def end_session(session: Session, *, token: str | None, now: datetime) -> bool:
    """Log out: the token stops working at once. False when there was nothing to end."""
    if not token:
        return False
    return repo.end_session(session, token_hash=token_hash(token), now=now)


def purge(session: Session, *, now: datetime) -> int:
    """Delete sign-in rows that can no longer be used or counted: login codes and sessions a
    day after they began or ended, PIN failures once they no longer count towards a lock,
    limiter windows that have ended. The rows deleted (one batch of each)."""
    cutoff = now - SIGN_IN_KEPT
    deleted = repo.purge(
        session, codes_before=cutoff, sessions_before=cutoff, pins_until=now - PIN_LOCK_WINDOW
    )
    return deleted + purge_counters(session, now=now)
