"""What every web route needs: the runtime, the signed-in line, the payment provider.

One transaction per request: the session is resolved inside the same transaction as the
work, so a request costs one connection and one round of locks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from saldo.balances.schemas import Snapshot
from saldo.balances.service import (
    SNAPSHOT_COLUMNS,
    SNAPSHOT_JOINS,
    SNAPSHOT_WIDTH,
    snapshot_from_rows,
    snapshot_params,
)
from saldo.channels.http.i18n import COOKIE as LANG_COOKIE
from saldo.channels.http.i18n import pick
from saldo.channels.http.security import SESSION_COOKIE
from saldo.db import fetch_all
from saldo.identity.errors import NotSignedIn
from saldo.identity.repository import (
    LINE_SESSIONS,
    SESSION_BY_TOKEN,
    SESSION_COLUMNS,
    SESSION_WIDTH,
)
from saldo.identity.schemas import Me
from saldo.identity.service import resolve_session, session_key, signed_in, touch_session
from saldo.kit.origin import Origin
from saldo.payments.errors import PaymentsUnavailable
from saldo.payments.providers import PaymentProvider
from saldo.runtime import Runtime

T = TypeVar("T")
WEB = Origin(actor="customer", channel="web")
API = Origin(actor="customer", channel="api")


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def runtime_dep(request: Request) -> Runtime:
    """Dependencies are ``async``: a sync one would cost a trip through the thread pool."""
    return get_runtime(request)


RuntimeDep = Annotated[Runtime, Depends(runtime_dep)]
bearer_scheme = HTTPBearer(
    auto_error=False,
    description="The access_token from POST /api/v1/auth/token.",
)


async def bearer_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> str:
    """The bearer token; without one the answer is 401 before the body is even read."""
    if credentials is None or not credentials.credentials:
        raise NotSignedIn("missing")
    return credentials.credentials


BearerDep = Annotated[str, Depends(bearer_token)]


async def payment_provider(request: Request) -> PaymentProvider:
    """The card payment provider; without one a top-up route answers 503 before any work."""
    provider: PaymentProvider | None = request.app.state.payment_provider
    if provider is None:
        raise PaymentsUnavailable()
    return provider


ProviderDep = Annotated[PaymentProvider, Depends(payment_provider)]


def lang_of(request: Request) -> str:
    return pick(request.cookies.get(LANG_COOKIE))


def idle(rt: Runtime) -> timedelta:
    return timedelta(minutes=rt.settings.web.session_idle_minutes)


@contextmanager
def _signed_in(
    rt: Runtime, token: str | None, kind: str, *, read: bool
) -> Iterator[tuple[Session, Me]]:
    """One unit of work with the session resolved in it. ``read``: a read-only unit (no
    queueing behind writers); the session's activity is then recorded after it, when due."""
    now = rt.clock.now()
    unit = rt.read() if read else rt.transaction()
    with unit as session:
        me = resolve_session(
            session, token=token, kind=kind, now=now, idle=idle(rt), touch=not read
        )
        yield session, me
    if me.stale:
        with rt.transaction() as session:
            touch_session(session, session_id=me.session_id, now=now)


async def read_as(rt: Runtime, token: str | None, kind: str, work: Callable[[Session, Me], T]) -> T:
    """``work`` in a read-only unit of work, signed in with ``token``: the hottest reads (the
    balance, the dashboard), run right on the event loop. They are a few sub-millisecond
    statements that never wait on a lock (a WAL snapshot on SQLite; autocommit reads on
    PostgreSQL, whose read pool also bounds any statement by ``statement_timeout``), which
    costs less than two trips through the thread pool, and under load keeps the queue in the
    socket instead of in threads fighting for the GIL. Nothing here writes: the session's
    activity is recorded after, in a thread, when due."""
    with rt.read() as session:
        me = resolve_session(
            session, token=token, kind=kind, now=rt.clock.now(), idle=idle(rt), touch=False
        )
        result = work(session, me)
    if me.stale:
        await run_in_threadpool(_touch, rt, me)
    return result


# The API's hottest route: the session and the balance snapshot in one statement.
_BALANCE_SQL = (
    f"SELECT {SESSION_COLUMNS}, {SNAPSHOT_COLUMNS}"
    f" FROM {LINE_SESSIONS} {SNAPSHOT_JOINS}"
    f" WHERE {SESSION_BY_TOKEN}"
)


async def snapshot_as(rt: Runtime, token: str | None, kind: str) -> Snapshot:
    """The balance of the line signed in with ``token``: ``read_as`` with ``get_snapshot``,
    in one statement instead of two (one round trip on PostgreSQL)."""
    now = rt.clock.now()
    key = session_key(token, kind)
    with rt.read() as session:
        rows = fetch_all(session, _BALANCE_SQL, (*snapshot_params(session, now), *key))
        if not rows:
            raise NotSignedIn("missing")
        # the session's columns first, the snapshot's last (each side sliced by its own
        # width: a column added to either cannot shift the other's)
        me = signed_in(rows[0][:SESSION_WIDTH], kind=kind, now=now, idle=idle(rt))
        snapshot = snapshot_from_rows(session, [r[-SNAPSHOT_WIDTH:] for r in rows], now=now)
    if me.stale:
        await run_in_threadpool(_touch, rt, me)
    return snapshot


async def page_read(request: Request, rt: Runtime, work: Callable[[Session, Me], T]) -> T:
    """``read_as`` for a page: signed out, the answer is the login page."""
    try:
        return await read_as(rt, request.cookies.get(SESSION_COOKIE), "browser", work)
    except NotSignedIn as exc:
        raise LoginRequired(exc.reason, request.url.path) from None


def _touch(rt: Runtime, me: Me) -> None:
    with rt.transaction() as session:
        touch_session(session, session_id=me.session_id, now=rt.clock.now())


@contextmanager
def api_line(rt: Runtime, bearer: str, *, read: bool = False) -> Iterator[tuple[Session, Me]]:
    """The unit of work of an API request and the line its bearer token belongs to."""
    with _signed_in(rt, bearer, "api", read=read) as signed_in:
        yield signed_in


class LoginRequired(Exception):
    """A page needs a signed-in browser: the answer is a redirect to the login page."""

    def __init__(self, reason: str, path: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = path


@contextmanager
def page_line(rt: Runtime, request: Request, *, read: bool = False) -> Iterator[tuple[Session, Me]]:
    """The unit of work of a page request and the line its session cookie belongs to."""
    try:
        with _signed_in(rt, request.cookies.get(SESSION_COOKIE), "browser", read=read) as signed:
            yield signed
    except NotSignedIn as exc:
        raise LoginRequired(exc.reason, request.url.path) from None


def api_me(rt: Runtime, bearer: str) -> Me:
    """Who the token is, for a request whose work runs in units of its own (payments)."""
    with api_line(rt, bearer, read=True) as (_session, me):
        return me


def page_me(rt: Runtime, request: Request) -> Me:
    """Who the browser is, for a request whose work runs in units of its own (payments)."""
    with page_line(rt, request, read=True) as (_session, me):
        return me
