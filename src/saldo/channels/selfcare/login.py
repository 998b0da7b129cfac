"""Sign in with the number and the SMS code; log out; the language switch."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from saldo.channels.http.client import request_client
from saldo.channels.http.deps import RuntimeDep, idle, lang_of
from saldo.channels.http.i18n import COOKIE as LANG_COOKIE
from saldo.channels.http.i18n import LANGS
from saldo.channels.http.render import page, redirect, safe_next
from saldo.channels.http.security import (
    FORM_COOKIE,
    SESSION_COOKIE,
    anonymous_form_token,
    check_anonymous_form,
    check_token,
    clear_cookie,
    set_cookie,
    sign,
    signed_by_us,
)
from saldo.channels.selfcare import queries
from saldo.channels.selfcare.base import PageRoute
from saldo.identity import service as identity
from saldo.identity.errors import NotSignedIn
from saldo.kit.errors import SaldoError
from saldo.kit.msisdn import normalize_msisdn
from saldo.runtime import Runtime

router = APIRouter(include_in_schema=False, route_class=PageRoute)
LOGIN_COOKIE = "saldo_login"
"""The number being signed in, signed with the secret key (so it never sits in a URL)."""


def _brand(rt: Runtime) -> str:
    with rt.read() as session:
        return queries.catalog(session).operator.name


def _sign(rt: Runtime, value: str) -> str:
    return f"{value}|{sign(rt.settings, 'login', value)}"


def _pending(rt: Runtime, request: Request) -> tuple[str, str] | None:
    """(number, next page) of the sign-in under way, if its cookie is genuine."""
    raw = request.cookies.get(LOGIN_COOKIE, "")
    value, _, mac = raw.rpartition("|")
    if not value or not signed_by_us(rt.settings, "login", value, mac):
        return None
    msisdn, _, target = value.partition(" ")
    return msisdn, safe_next(target)


def _signed_in(rt: Runtime, request: Request) -> bool:
    try:
        with rt.transaction() as session:
            identity.resolve_session(
                session,
                token=request.cookies.get(SESSION_COOKIE),
                kind="browser",
                now=rt.clock.now(),
                idle=idle(rt),
            )
    except NotSignedIn:
        return False
    return True


def _form(
    rt: Runtime, request: Request, *, step: str, status: int = 200, **context: object
) -> Response:
    token, fresh = anonymous_form_token(request, rt.settings)
    response = page(
        request,
        "login.html",
        me=None,
        brand=_brand(rt),
        status=status,
        step=step,
        form_token=token,
        title="Accedi",
        **context,
    )
    if fresh:
        set_cookie(response, request, rt.settings, name=FORM_COOKIE, value=fresh)
    return response


def _refused(
    rt: Runtime, request: Request, exc: SaldoError, *, step: str, **context: object
) -> Response:
    """The form again with the error: 429 and ``Retry-After`` past a limit, 401 for a
    rejected code, 422 for anything else."""
    status = {"rate_limited": 429, "unauthorized": 401}.get(exc.kind, 422)
    response = _form(
        rt, request, step=step, status=status, error=exc.message(lang_of(request)), **context
    )
    retry_after = getattr(exc, "retry_after", None)
    if isinstance(retry_after, int):
        response.headers["Retry-After"] = str(retry_after)
    return response


@router.get("/login")
def login_page(request: Request, rt: RuntimeDep, next: str = "/") -> Response:
    if _signed_in(rt, request):
        return redirect(safe_next(next))
    reason = request.query_params.get("reason", "")
    return _form(rt, request, step="number", msisdn="", next=safe_next(next), reason=reason)


@router.post("/login")
def login_send(
    request: Request,
    rt: RuntimeDep,
    msisdn: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    target = safe_next(next)
    web = rt.settings.web
    now = rt.clock.now()
    try:
        check_anonymous_form(request, rt.settings, csrf)
        e164 = normalize_msisdn(msisdn[:40])
        with rt.transaction() as session:
            admission = identity.admit_code_request(
                session,
                client=request_client(request, web.trusted_proxies),
                msisdn=e164,
                now=now,
                limits=identity.SignInLimits.of(web),
            )
        admission.raise_if_refused()  # after the commit: refused requests stay counted
        with rt.transaction() as session:
            identity.request_code(
                session, msisdn=e164, now=now, secret=web.secret_key.get_secret_value()
            )
    except SaldoError as exc:
        return _refused(rt, request, exc, step="number", msisdn=msisdn[:40], next=target)
    response = redirect("/login/code")
    set_cookie(
        response,
        request,
        rt.settings,
        name=LOGIN_COOKIE,
        value=_sign(rt, f"{e164} {target}"),
        max_age=15 * 60,
    )
    return response


@router.get("/login/code")
def login_code_page(request: Request, rt: RuntimeDep) -> Response:
    pending = _pending(rt, request)
    if pending is None:
        return redirect("/login")
    return _form(rt, request, step="code", msisdn=pending[0], next=pending[1])


@router.post("/login/code")
def login_check(
    request: Request,
    rt: RuntimeDep,
    otp: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    pending = _pending(rt, request)
    if pending is None:
        return redirect("/login")
    msisdn, target = pending
    settings = rt.settings
    try:
        check_anonymous_form(request, settings, csrf)
        with rt.transaction() as session:
            result = identity.check_code(
                session,
                msisdn=msisdn,
                code=otp[:20],
                now=rt.clock.now(),
                secret=settings.web.secret_key.get_secret_value(),
                previous_secrets=[k.get_secret_value() for k in settings.web.previous_secret_keys],
                client=request_client(request, settings.web.trusted_proxies),
                limits=identity.SignInLimits.of(settings.web),
            )
            token = None
            if result.outcome == "ok" and result.line_id is not None:
                token = identity.open_session(
                    session,
                    line_id=result.line_id,
                    kind="browser",
                    now=rt.clock.now(),
                    lifetime=timedelta(hours=settings.web.session_max_hours),
                )
        result.raise_if_rejected()  # after the commit: the wrong try stays counted
    except SaldoError as exc:
        return _refused(rt, request, exc, step="code", msisdn=msisdn, next=target)
    assert token is not None
    response = redirect(target)
    set_cookie(response, request, settings, name=SESSION_COOKIE, value=token)
    clear_cookie(response, request, settings, LOGIN_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, rt: RuntimeDep, csrf: Annotated[str, Form()] = "") -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    with rt.transaction() as session:
        try:
            me = identity.resolve_session(
                session, token=token, kind="browser", now=rt.clock.now(), idle=idle(rt)
            )
        except NotSignedIn:
            me = None
        if me is not None:
            check_token(me.csrf_token, csrf)
            identity.end_session(session, token=token, now=rt.clock.now())
    response = redirect("/login", reason="bye")
    clear_cookie(response, request, rt.settings, SESSION_COOKIE)
    return response


@router.get("/lang/{code}")
def switch_language(request: Request, rt: RuntimeDep, code: str, next: str = "/") -> Response:
    """Italian or English; remembered in a cookie for a year."""
    response = redirect(safe_next(next))
    if code in LANGS:
        set_cookie(
            response, request, rt.settings, name=LANG_COOKIE, value=code, max_age=365 * 86400
        )
    return response
