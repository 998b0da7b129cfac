"""The customer's invoice data (billing address, e-mail, PEC, SdI code), as
``saldo customer update`` changes them: every field checked, all saved or none."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from saldo.channels.http.deps import RuntimeDep, lang_of, page_line
from saldo.channels.http.render import page, redirect
from saldo.channels.selfcare.base import PageRoute, check_form, chrome
from saldo.customers.models import Customer
from saldo.customers.service import CustomerChanges, update_customer
from saldo.identity.schemas import Me
from saldo.kit.errors import SaldoError
from saldo.lines.models import Line

router = APIRouter(include_in_schema=False, route_class=PageRoute)
FIELDS = ("name", "address", "zip", "city", "province", "country", "email", "pec", "sdi_code")
Text = Annotated[str, Form(max_length=300)]


def _customer(session: Session, me: Me) -> Customer:
    line = session.get_one(Line, me.line_id)
    return session.get_one(Customer, line.customer_id)


def _page(request: Request, rt: RuntimeDep, *, values: dict[str, str] | None = None,
          status: int = 200, error: str | None = None) -> Response:  # fmt: skip
    with page_line(rt, request, read=True) as (session, me):
        customer = _customer(session, me)
        shown = values or {f: getattr(customer, f) or "" for f in FIELDS}
        layout = chrome(session, me)
    return page(request, "profile.html", me=me, nav="invoices", title="Dati per la fattura",
                values=shown, status=status, error=error, **layout)  # fmt: skip


@router.get("/profile")
def profile_page(request: Request, rt: RuntimeDep) -> Response:
    return _page(request, rt)


@router.post("/profile")
def profile_save(
    request: Request,
    rt: RuntimeDep,
    name: Text = "",
    address: Text = "",
    zip: Text = "",
    city: Text = "",
    province: Text = "",
    country: Text = "",
    email: Text = "",
    pec: Text = "",
    sdi_code: Text = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """A field left empty keeps its value (PEC and SdI code are optional, never required)."""
    values = dict(zip=zip, name=name, address=address, city=city, province=province,
                  country=country, email=email, pec=pec, sdi_code=sdi_code)  # fmt: skip
    changes = CustomerChanges(**{f: (v.strip() or None) for f, v in values.items()})
    try:
        with page_line(rt, request) as (session, me):
            check_form(request, me, csrf)
            update_customer(session, customer=_customer(session, me), changes=changes)
    except SaldoError as exc:
        if exc.kind != "invalid" or exc.code == "csrf_rejected":
            raise
        return _page(request, rt, values=values, status=422, error=exc.message(lang_of(request)))
    return redirect("/profile", done="profile")
