"""The business area's pages for the signed-out: login (with TOTP), registration with the
SMS code step, the invitation link; and logout."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from saldo.accounts import registration, reset, signin, users
from saldo.accounts.errors import RegistrationRejected
from saldo.channels.business.deps import client_of
from saldo.channels.business.pages_base import (
    COOKIE,
    BusinessPageRoute,
    anonymous,
    check_form,
    page_scope,
    refused,
)
from saldo.channels.http.deps import RuntimeDep
from saldo.channels.http.render import redirect, safe_next
from saldo.channels.http.security import check_anonymous_form, clear_cookie, set_cookie
from saldo.identity import service as identity
from saldo.identity.errors import NotSignedIn
from saldo.kit.errors import SaldoError

router = APIRouter(prefix="/business", include_in_schema=False, route_class=BusinessPageRoute)
Field = Annotated[str, Form(max_length=1000)]


@router.get("")
def home(request: Request) -> Response:
    return redirect("/business/lines" if request.cookies.get(COOKIE) else "/business/login")


@router.get("/login")
def login_page(request: Request, rt: RuntimeDep, next: str = "/business/lines") -> Response:
    reason = request.query_params.get("reason", "")
    return anonymous(
        rt, request, "login.html", title="Area Clienti Business", next=safe_next(next),
        reason=reason, email="",
    )  # fmt: skip


@router.post("/login")
def login(
    request: Request,
    rt: RuntimeDep,
    email: Field = "",
    password: Field = "",
    totp: Field = "",
    csrf: Field = "",
    next: Field = "/business/lines",
) -> Response:
    context = {"title": "Area Clienti Business", "next": safe_next(next), "email": email[:254]}
    lifetime = timedelta(hours=rt.settings.web.session_max_hours)
    try:
        check_anonymous_form(request, rt.settings, csrf)
        with rt.transaction() as session:
            result = signin.sign_in(
                session, email=email, password=password, totp=totp or None, kind="browser",
                lifetime=lifetime, now=rt.clock.now(), client=client_of(request, rt),
            )  # fmt: skip
        token = result.raise_if_failed()  # after the commit: the failure stays counted
    except SaldoError as exc:
        return refused(rt, request, exc, "login.html", **context)
    response = redirect(safe_next(next))
    set_cookie(response, request, rt.settings, name=COOKIE, value=token)
    return response


@router.post("/logout")
def logout(request: Request, rt: RuntimeDep, csrf: Field = "") -> Response:
    try:
        with page_scope(rt, request) as (session, scope, token):
            check_form(request, token, csrf)
            signin.sign_out(
                session, token=request.cookies.get(COOKIE), scope=scope, now=rt.clock.now(),
                client=client_of(request, rt),
            )  # fmt: skip
    except NotSignedIn:
        pass
    response = redirect("/business/login", reason="bye")
    clear_cookie(response, request, rt.settings, COOKIE)
    return response


@router.get("/register")
def register_page(request: Request, rt: RuntimeDep) -> Response:
    return anonymous(rt, request, "register.html", title="Registra l'azienda", step="form", form={})


@router.post("/register")
def register(
    request: Request,
    rt: RuntimeDep,
    vat_number: Field = "",
    email: Field = "",
    password: Field = "",
    msisdn: Field = "",
    name: Field = "",
    csrf: Field = "",
) -> Response:
    entered = {"vat_number": vat_number, "email": email, "msisdn": msisdn, "name": name}
    context: dict[str, Any] = {
        "title": "Registra l'azienda",
        "form": {k: v[:200] for k, v in entered.items()},
    }
    web = rt.settings.web
    try:
        check_anonymous_form(request, rt.settings, csrf)
        clean = registration.validate_registration(
            registration.RegistrationRequest(vat_number, email, password, msisdn, name)
        )
        with rt.transaction() as session:
            admission = identity.admit_code_request(
                session, client=client_of(request, rt), msisdn=clean.msisdn, now=rt.clock.now(),
                limits=identity.SignInLimits.of(web),
            )  # fmt: skip
        admission.raise_if_refused()
        with rt.transaction() as session:
            registration.request_registration(
                session, request=clean, now=rt.clock.now(),
                secret=web.secret_key.get_secret_value(), client=client_of(request, rt),
            )  # fmt: skip
    except SaldoError as exc:
        return refused(rt, request, exc, "register.html", step="form", **context)
    return anonymous(rt, request, "register.html", step="code", email=clean.email, **context)


@router.post("/register/confirm")
def register_confirm(
    request: Request, rt: RuntimeDep, email: Field = "", code: Field = "", csrf: Field = ""
) -> Response:
    context = {"title": "Registra l'azienda", "form": {}, "email": email[:254]}
    try:
        check_anonymous_form(request, rt.settings, csrf)
        with rt.transaction() as session:
            user_id = registration.confirm_registration(
                session, email=email, code=code[:20], now=rt.clock.now(),
                secret=rt.settings.web.secret_key.get_secret_value(), client=client_of(request, rt),
            )  # fmt: skip
        if user_id is None:
            raise RegistrationRejected()
    except SaldoError as exc:
        return refused(rt, request, exc, "register.html", step="code", **context)
    return redirect("/business/login", reason="registered")


@router.get("/invite/{token}")
def invite_page(request: Request, rt: RuntimeDep, token: str) -> Response:
    with rt.read() as session:
        user = users.invitation_user(session, token=token[:200], now=rt.clock.now())
        email = user.email
    return anonymous(rt, request, "invite.html", title="Benvenuto", token=token, email=email)


@router.post("/invite/{token}")
def invite_accept(
    request: Request, rt: RuntimeDep, token: str, password: Field = "", csrf: Field = ""
) -> Response:
    try:
        check_anonymous_form(request, rt.settings, csrf)
        with rt.transaction() as session:
            users.accept_invitation(
                session, token=token[:200], password=password, now=rt.clock.now(),
                client=client_of(request, rt),
            )  # fmt: skip
    except SaldoError as exc:
        return refused(rt, request, exc, "invite.html", title="Benvenuto", token=token, email="")
    return redirect("/business/login", reason="welcome")


@router.get("/forgot")
def forgot_page(request: Request, rt: RuntimeDep) -> Response:
    return anonymous(rt, request, "forgot.html", title="Password dimenticata", sent=False)


@router.post("/forgot")
def forgot(request: Request, rt: RuntimeDep, email: Field = "", csrf: Field = "") -> Response:
    """The same answer whether or not the address is a user's."""
    try:
        check_anonymous_form(request, rt.settings, csrf)
    except SaldoError as exc:
        return refused(rt, request, exc, "forgot.html", title="Password dimenticata", sent=False)
    base = rt.settings.web.public_url or str(request.base_url)
    with rt.transaction() as session:
        reset.request_reset(session, email=email, now=rt.clock.now(), link_base=base)
    return anonymous(rt, request, "forgot.html", title="Password dimenticata", sent=True)
