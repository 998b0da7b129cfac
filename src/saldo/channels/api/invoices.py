"""/api/v1/me/invoices: a postpaid line's invoices, the running one, downloads, "Paga ora".

In URLs an invoice number's slashes are written as dashes (M/2026/000001 -> M-2026-000001).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from saldo.billing.document import Document
from saldo.billing.invoices import (
    accounts_for,
    find_invoice,
    invoice_json,
    list_invoices,
    running_invoice,
)
from saldo.billing.pdf import render_pdf
from saldo.channels.api.base import ApiRoute, errors
from saldo.channels.api.schemas import CardIn
from saldo.channels.http.deps import BearerDep, ProviderDep, RuntimeDep, api_line, api_me
from saldo.channels.selfcare.invoices import attachment, line_accounts, own_invoice
from saldo.payments.invoices import pay_invoice_by_card
from saldo.payments.providers import parse_card

router = APIRouter(prefix="/me/invoices", tags=["invoices"], route_class=ApiRoute)


@router.get("", responses=errors(401))
def my_invoices(rt: RuntimeDep, bearer: BearerDep) -> list[dict[str, Any]]:
    """Invoices and credit notes of the line's billing account, newest first (each as
    `saldo invoice show --json` gives it); a prepaid line has none."""
    with api_line(rt, bearer, read=True) as (session, me):
        accounts = line_accounts(session, me.msisdn)
        return [invoice_json(i) for i in list_invoices(session, account_ids=accounts)]


@router.get("/current", responses=errors(401, 404))
def my_running_invoice(rt: RuntimeDep, bearer: BearerDep) -> dict[str, Any]:
    """The invoice being issued this month: charges so far, net, VAT, total."""
    with api_line(rt, bearer, read=True) as (session, me):
        _, accounts = accounts_for(session, me.msisdn)
        return running_invoice(session, account_ids=accounts, now=rt.clock.now())


@router.get("/{number}", responses=errors(401, 404))
def my_invoice(number: str, rt: RuntimeDep, bearer: BearerDep) -> dict[str, Any]:
    with api_line(rt, bearer, read=True) as (session, me):
        return invoice_json(own_invoice(session, me.msisdn, number))


@router.get("/{number}/xml", response_class=Response, responses=errors(401, 404))
def my_invoice_xml(number: str, rt: RuntimeDep, bearer: BearerDep) -> Response:
    """The FatturaPA XML, named as the SdI names it."""
    with api_line(rt, bearer, read=True) as (session, me):
        invoice = own_invoice(session, me.msisdn, number)
        return attachment(invoice.xml.encode(), "application/xml", invoice.file_name)


@router.get("/{number}/pdf", response_class=Response, responses=errors(401, 404))
def my_invoice_pdf(number: str, rt: RuntimeDep, bearer: BearerDep) -> Response:
    """The courtesy PDF, the FatturaPA XML attached."""
    with api_line(rt, bearer, read=True) as (session, me):
        invoice = own_invoice(session, me.msisdn, number)
        doc, xml, name = Document.from_json(invoice.document), invoice.xml, invoice.file_name
        pdf_name = invoice.number.replace("/", "-") + ".pdf"
    return attachment(
        render_pdf(doc, xml=xml.encode(), file_name=name), "application/pdf", pdf_name
    )


@router.post("/{number}/pay", responses=errors(401, 402, 404, 409, 422, 503))
def pay_my_invoice(
    number: str, card: CardIn, rt: RuntimeDep, bearer: BearerDep, provider: ProviderDep
) -> dict[str, Any]:
    """Pay now by card, through the same provider as top-ups: the same card twice on the same
    invoice is charged once; a paid invoice answers 409 and nothing is charged."""
    me = api_me(rt, bearer)
    parsed = parse_card(card.number, card.expiry, card.cvc, today=rt.clock.now().date())
    with rt.read() as session:
        accounts = line_accounts(session, me.msisdn)
    paid = pay_invoice_by_card(
        rt, number=number.replace("-", "/"), account_ids=accounts, card=parsed, provider=provider
    )
    with rt.read() as session:
        return {**invoice_json(find_invoice(session, paid.number)), "replayed": paid.replayed}
