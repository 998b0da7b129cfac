"""The business area's pages of users and roles, the audit trail (admins), and the profile
with the TOTP setup (everyone)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from saldo.accounts import exports, profile, users
from saldo.accounts.models import BusinessUser
from saldo.accounts.spending import spending
from saldo.accounts.users import require_admin
from saldo.audit.service import details_of, list_entries
from saldo.channels.business.deps import client_of
from saldo.channels.business.exports import spending_csv_text
from saldo.channels.business.pages_base import (
    BusinessPageRoute,
    brand_of,
    check_form,
    page_scope,
    render,
)
from saldo.channels.business.users import line_msisdn
from saldo.channels.business.views import CHART_H, CHART_W, month_bars
from saldo.channels.http.deps import RuntimeDep
from saldo.channels.http.render import redirect

router = APIRouter(prefix="/business", include_in_schema=False, route_class=BusinessPageRoute)
Field = Annotated[str, Form(max_length=320)]
AUDIT_PAGE = 50


@router.get("/users")
def users_page(request: Request, rt: RuntimeDep) -> Response:
    with page_scope(rt, request, read=True) as (session, scope, csrf):
        listed = [(u, line_msisdn(session, u)) for u in users.list_users(session, scope)]
        brand = brand_of(session)
    return render(
        request, "users.html", brand=brand, scope=scope, csrf=csrf, title="Utenti e ruoli",
        nav="users", users=listed,
    )  # fmt: skip


@router.post("/users")
def invite(
    request: Request,
    rt: RuntimeDep,
    email: Field = "",
    role: Field = "",
    msisdn: Field = "",
    csrf: Field = "",
) -> Response:
    base = rt.settings.web.public_url or str(request.base_url)
    with page_scope(rt, request) as (session, scope, token):
        check_form(request, token, csrf)
        users.invite_user(
            session, scope=scope, email=email, role=role, number=msisdn or None,
            now=rt.clock.now(), client=client_of(request, rt), link_base=base,
        )  # fmt: skip
    return redirect("/business/users")


@router.post("/users/{user_id}")
def change(
    request: Request,
    rt: RuntimeDep,
    user_id: int,
    role: Field = "",
    status: Field = "",
    csrf: Field = "",
) -> Response:
    with page_scope(rt, request) as (session, scope, token):
        check_form(request, token, csrf)
        users.change_user(
            session, scope=scope, user_id=user_id, role=role or None, status=status or None,
            now=rt.clock.now(), client=client_of(request, rt),
        )  # fmt: skip
    return redirect("/business/users")


@router.get("/audit")
def audit_page(request: Request, rt: RuntimeDep, page: int = 1) -> Response:
    page = max(1, min(page, 100_000))
    with page_scope(rt, request, read=True) as (session, scope, csrf):
        require_admin(scope)
        total, entries = list_entries(
            session, scope=scope.audit_scope, offset=(page - 1) * AUDIT_PAGE, limit=AUDIT_PAGE
        )
        rows = [(e, details_of(e)) for e in entries]
        brand = brand_of(session)
    return render(
        request, "audit.html", brand=brand, scope=scope, csrf=csrf, title="Registro attività",
        nav="audit", entries=rows, page=page, pages=max(1, -(-total // AUDIT_PAGE)),
    )  # fmt: skip


@router.get("/profile")
def profile_page(request: Request, rt: RuntimeDep) -> Response:
    with page_scope(rt, request, read=True) as (session, scope, csrf):
        user = session.get(BusinessUser, scope.user_id)
        assert user is not None
        enabled = user.totp_enabled
        brand = brand_of(session)
    return render(
        request, "profile.html", brand=brand, scope=scope, csrf=csrf, title="Profilo",
        nav="profile", totp_enabled=enabled, setup=None,
    )  # fmt: skip


@router.post("/profile/totp")
def totp_start(request: Request, rt: RuntimeDep, csrf: Field = "") -> Response:
    with page_scope(rt, request) as (session, scope, token):
        check_form(request, token, csrf)
        setup = profile.start_totp(session, scope=scope)
        brand = brand_of(session)
    return render(
        request, "profile.html", brand=brand, scope=scope, csrf=token, title="Profilo",
        nav="profile", totp_enabled=False, setup=setup,
    )  # fmt: skip


@router.post("/profile/totp/confirm")
def totp_confirm(request: Request, rt: RuntimeDep, code: Field = "", csrf: Field = "") -> Response:
    with page_scope(rt, request) as (session, scope, token):
        check_form(request, token, csrf)
        profile.confirm_totp(
            session, scope=scope, code=code, now=rt.clock.now(), client=client_of(request, rt)
        )
    return redirect("/business/profile")


@router.post("/profile/totp/disable")
def totp_disable(request: Request, rt: RuntimeDep, code: Field = "", csrf: Field = "") -> Response:
    with page_scope(rt, request) as (session, scope, token):
        check_form(request, token, csrf)
        profile.disable_totp(
            session, scope=scope, code=code, now=rt.clock.now(), client=client_of(request, rt)
        )
    return redirect("/business/profile")


@router.get("/spending")
def spending_page(request: Request, rt: RuntimeDep) -> Response:
    """Spending per month (chart) and per line this month (table), and the exports."""
    with page_scope(rt, request, read=True) as (session, scope, csrf):
        data = spending(session, scope=scope, now=rt.clock.now())
        brand = brand_of(session)
    totals = data.totals()
    labels = [m.strftime("%m/%Y") for m in data.months]
    current = sorted(data.lines.items(), key=lambda kv: -kv[1][-1].spent)
    bars = month_bars([(label, t.spent) for label, t in zip(labels, totals, strict=True)])
    return render(
        request, "spending.html", brand=brand, scope=scope, csrf=csrf, title="Spesa",
        nav="spending", bars=bars,
        chart_w=CHART_W, chart_h=CHART_H, totals=list(zip(labels, totals, strict=True)),
        current=[(msisdn, months[-1]) for msisdn, months in current],
    )  # fmt: skip


@router.get("/spending.csv")
def spending_csv(request: Request, rt: RuntimeDep) -> Response:
    """The spending CSV for a signed-in browser (the API's, same columns)."""
    with page_scope(rt, request) as (session, scope, _csrf):
        text = spending_csv_text(rt, session, scope)
        exports.record_export(
            session, scope=scope, kind="spending", now=rt.clock.now(), client=client_of(request, rt)
        )
    return Response(
        text, media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="spesa.csv"'},
    )  # fmt: skip
