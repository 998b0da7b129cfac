"""The signed-in business user of a request, resolved in the request's unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from fastapi import Request
from sqlalchemy.orm import Session

from saldo.accounts.repository import Scope
from saldo.accounts.signin import resolve
from saldo.channels.http.client import request_client
from saldo.identity.service import touch_session
from saldo.runtime import Runtime


def idle(rt: Runtime) -> timedelta:
    return timedelta(minutes=rt.settings.web.session_idle_minutes)


def client_of(request: Request, rt: Runtime) -> str:
    return request_client(request, rt.settings.web.trusted_proxies)


def lang_of(request: Request) -> str:
    accept = request.headers.get("accept-language", "it")
    return "en" if accept.startswith("en") else "it"


@contextmanager
def signed_in(
    rt: Runtime, token: str | None, kind: str, *, read: bool = False
) -> Iterator[tuple[Session, Scope]]:
    """One unit of work with the business user of ``token`` (``NotSignedIn`` otherwise)."""
    now = rt.clock.now()
    unit = rt.read() if read else rt.transaction()
    with unit as session:
        signed, scope = resolve(session, token=token, kind=kind, now=now, idle=idle(rt))
        if signed.stale and not read:
            touch_session(session, session_id=signed.session_id, now=now)
        yield session, scope
    if signed.stale and read:
        with rt.transaction() as session:
            touch_session(session, session_id=signed.session_id, now=now)


def api_scope(rt: Runtime, bearer: str) -> Scope:
    """Who the token is, for a request whose work runs in units of its own (bulk)."""
    with signed_in(rt, bearer, "api", read=True) as (_session, scope):
        return scope
