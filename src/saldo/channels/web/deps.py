"""What every web route needs: the runtime, the signed-in line, the payment provider.

One transaction per request: the session is resolved inside the same transaction as the
work, so a request costs one connection and one round of locks.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from saldo.channels.web.auth import Me, resolve_session
from saldo.channels.web.errors import NotSignedIn
from saldo.channels.web.i18n import COOKIE as LANG_COOKIE
from saldo.channels.web.i18n import pick
from saldo.channels.web.security import SESSION_COOKIE
from saldo.kit.origin import Origin
from saldo.payments.providers import PaymentProvider
from saldo.runtime import Runtime

WEB = Origin(actor="customer", channel="web")
API = Origin(actor="customer", channel="api")


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
bearer_scheme = HTTPBearer(
    auto_error=False,
    description="The access_token from POST /api/v1/auth/token.",
)


def bearer_token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> str:
    """The bearer token; without one the answer is 401 before the body is even read."""
    if credentials is None or not credentials.credentials:
        raise NotSignedIn("missing")
    return credentials.credentials


BearerDep = Annotated[str, Depends(bearer_token)]


def payment_provider(request: Request) -> PaymentProvider:
    provider: PaymentProvider = request.app.state.payment_provider
    return provider


ProviderDep = Annotated[PaymentProvider, Depends(payment_provider)]


def lang_of(request: Request) -> str:
    return pick(request.cookies.get(LANG_COOKIE))


def idle(rt: Runtime) -> timedelta:
    return timedelta(minutes=rt.settings.web.session_idle_minutes)


@contextmanager
def api_line(rt: Runtime, bearer: str) -> Iterator[tuple[Session, Me]]:
    """The transaction of an API request and the line its bearer token belongs to."""
    with rt.transaction() as session:
        me = resolve_session(
            session,
            token=bearer,
            kind="api",
            now=rt.clock.now(),
            idle=idle(rt),
        )
        yield session, me


class LoginRequired(Exception):
    """A page needs a signed-in browser: the answer is a redirect to the login page."""

    def __init__(self, reason: str, path: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = path


@contextmanager
def page_line(rt: Runtime, request: Request) -> Iterator[tuple[Session, Me]]:
    """The transaction of a page request and the line its session cookie belongs to."""
    with rt.transaction() as session:
        try:
            me = resolve_session(
                session,
                token=request.cookies.get(SESSION_COOKIE),
                kind="browser",
                now=rt.clock.now(),
                idle=idle(rt),
            )
        except NotSignedIn as exc:
            raise LoginRequired(exc.reason, request.url.path) from None
        yield session, me
