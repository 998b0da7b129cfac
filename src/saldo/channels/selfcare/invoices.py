"""Invoices of a postpaid line: the running invoice, the issued ones with their state, PDF and
XML downloads, and "Paga ora" by card through the payment provider the top-ups use."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from saldo.billing.document import Document
from saldo.billing.errors import CustomerNotFound, InvoiceNotFound
from saldo.billing.invoices import (
    accounts_for,
    find_invoice,
    invoice_json,
    list_invoices,
    running_invoice,
)
from saldo.billing.models import Invoice
from saldo.billing.pdf import pdf_name, render_pdf
from saldo.channels.http.deps import ProviderDep, RuntimeDep, lang_of, page_line, payment_provider
from saldo.channels.http.render import page, redirect
from saldo.channels.selfcare.base import PageRoute, check_form, chrome
from saldo.kit.errors import SaldoError
from saldo.payments.invoices import pay_invoice_by_card
from saldo.payments.providers import parse_card

router = APIRouter(include_in_schema=False, route_class=PageRoute)


def line_accounts(session: Session, msisdn: str) -> list[int]:
    """The billing accounts of a signed-in line: its own (none for a prepaid line)."""
    try:
        return accounts_for(session, msisdn)[1]
    except CustomerNotFound:
        return []


def own_invoice(session: Session, msisdn: str, number: str) -> Invoice:
    """An invoice of the line's account, by its number as URLs write it (slashes as dashes);
    an invoice of anyone else is not found."""
    invoice = find_invoice(session, number.replace("-", "/"))
    if invoice.account_id not in line_accounts(session, msisdn):
        raise InvoiceNotFound(number)
    return invoice


def attachment(data: bytes, media_type: str, name: str) -> Response:
    disposition = f'attachment; filename="{name}"'
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})


def _in_url(number: str) -> str:
    return number.replace("/", "-")


@router.get("/invoices")
def invoices_page(request: Request, rt: RuntimeDep) -> Response:
    with page_line(rt, request, read=True) as (session, me):
        accounts = line_accounts(session, me.msisdn)
        current = (
            running_invoice(session, account_ids=accounts, now=rt.clock.now()) if accounts else None
        )
        issued = (
            [invoice_json(i) for i in list_invoices(session, account_ids=accounts)]
            if accounts
            else []
        )
        layout = chrome(session, me)
    for item in issued:
        item["url"] = _in_url(item["number"])
    return page(request, "invoices.html", me=me, nav="invoices", title="Fatture",
                current=current, invoices=issued, **layout)  # fmt: skip


@router.get("/invoices/{number}/pdf")
def invoice_pdf(request: Request, rt: RuntimeDep, number: str) -> Response:
    with page_line(rt, request, read=True) as (session, me):
        invoice = own_invoice(session, me.msisdn, number)
        doc, xml, name = Document.from_json(invoice.document), invoice.xml, invoice.file_name
    pdf = render_pdf(doc, xml=xml.encode(), file_name=name)
    return attachment(pdf, "application/pdf", pdf_name(doc.number))


@router.get("/invoices/{number}/xml")
def invoice_xml(request: Request, rt: RuntimeDep, number: str) -> Response:
    with page_line(rt, request, read=True) as (session, me):
        invoice = own_invoice(session, me.msisdn, number)
        return attachment(invoice.xml.encode(), "application/xml", invoice.file_name)


def _pay_page(request: Request, rt: RuntimeDep, number: str, *, status: int = 200,
              error: str | None = None) -> Response:  # fmt: skip
    with page_line(rt, request, read=True) as (session, me):
        invoice = invoice_json(own_invoice(session, me.msisdn, number))
        layout = chrome(session, me)
    sandbox = request.app.state.payment_provider.name == "sandbox"
    return page(request, "invoice_pay.html", me=me, nav="invoices", title="Paga ora", status=status,
                invoice=invoice, url=_in_url(invoice["number"]), error=error, sandbox=sandbox,
                **layout)  # fmt: skip


@router.get("/invoices/{number}/pay", dependencies=[Depends(payment_provider)])
def invoice_pay_page(request: Request, rt: RuntimeDep, number: str) -> Response:
    return _pay_page(request, rt, number)


@router.post("/invoices/{number}/pay")
def invoice_pay(
    request: Request,
    rt: RuntimeDep,
    provider: ProviderDep,
    number: str,
    card_number: Annotated[str, Form()] = "",
    card_expiry: Annotated[str, Form()] = "",
    card_cvc: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    with page_line(rt, request, read=True) as (session, me):
        check_form(request, me, csrf)
        invoice = own_invoice(session, me.msisdn, number)
        accounts = [invoice.account_id]
        if invoice.status == "paid":
            return redirect("/invoices")
    try:
        card = parse_card(card_number[:40], card_expiry[:10], card_cvc[:10],
                          today=rt.clock.now().date())  # fmt: skip
        pay_invoice_by_card(rt, number=invoice.number, account_ids=accounts, card=card,
                            provider=provider)  # fmt: skip
    except SaldoError as exc:
        if exc.kind not in ("invalid", "payment_failed"):
            raise
        return _pay_page(request, rt, number, status=422 if exc.kind == "invalid" else 402,
                         error=exc.message(lang_of(request)))  # fmt: skip
    return redirect("/invoices?done=invoice_paid")
