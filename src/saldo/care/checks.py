"""The checks of what a customer asks before a ticket is written: nothing is created when
any of them fails."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from saldo.care.errors import InvalidIban, InvalidTicket
from saldo.care.rules import KINDS
from saldo.care.schemas import TicketRequest
from saldo.kit.money import MAX_CENTS
from saldo.kit.validators import check_int, check_text

MAX_BODY = 5000
REFUND_TO = ("credit", "iban")
_INVOICE = re.compile(r"[A-Za-z0-9/_.-]{1,32}")


def clean_text(text: str, *, field: str, max_length: int) -> str:
    """``text`` without surrounding blanks, not empty, at most ``max_length`` characters and
    without control characters (new lines are kept)."""
    value = text.strip()
    if not value:
        raise InvalidTicket(f"{field}: obbligatorio", f"{field}: required")
    check_text(value, field=field, max_length=max_length)
    if any(unicodedata.category(c) == "Cc" and c not in "\n\r\t" for c in value):
        raise InvalidTicket(
            f"{field}: contiene caratteri di controllo", f"{field}: contains control characters"
        )
    return value


def check_iban(text: str) -> str:
    """The IBAN in its compact form, or InvalidIban (checksum, length, country, bank code)."""
    try:
        return str(IBAN(text.strip()).compact)
    except SchwiftyException as exc:
        raise InvalidIban(f"IBAN non valido: {exc}", f"invalid IBAN: {exc}") from None


def check_request(request: TicketRequest) -> TicketRequest:
    """The request with its texts cleaned, or InvalidTicket/InvalidIban saying what is wrong."""
    if request.kind not in KINDS:
        raise InvalidTicket(
            f"tipo non valido {request.kind!r}: message, complaint o refund",
            f"invalid kind {request.kind!r}: message, complaint or refund",
        )
    invoice = request.invoice.strip() if request.invoice else None
    if invoice is not None and not _INVOICE.fullmatch(invoice):
        raise InvalidTicket("numero di fattura non valido", "invalid invoice number")
    fields = {
        "kind": request.kind,
        "subject": clean_text(request.subject, field="subject", max_length=200),
        "body": clean_text(request.body, field="body", max_length=MAX_BODY),
        "invoice": invoice,
    }
    if request.kind != "refund":
        if any(v is not None for v in (request.amount_cents, request.refund_to, request.iban)):
            raise InvalidTicket(
                "importo, rimborso e IBAN valgono solo per le richieste di rimborso",
                "amount, refund_to and iban are for refund requests only",
            )
        return _replace(request, **fields)
    return _replace(request, **fields, **_refund_fields(request))


def _refund_fields(request: TicketRequest) -> dict[str, object]:
    if request.amount_cents is None:
        raise InvalidTicket("amount_cents: obbligatorio per un rimborso", "amount_cents: required")
    check_int(request.amount_cents, field="amount_cents", minimum=1, maximum=MAX_CENTS)
    if request.refund_to not in REFUND_TO:
        raise InvalidTicket(
            "refund_to: credit (sul credito) o iban (bonifico)",
            "refund_to: credit or iban",
        )
    if request.refund_to == "credit":
        if request.iban is not None:
            raise InvalidTicket("IBAN solo con refund_to iban", "iban only with refund_to iban")
        return {}
    if not request.iban:
        raise InvalidIban("iban: obbligatorio per un bonifico", "iban: required for a transfer")
    holder = clean_text(request.iban_holder or "", field="iban_holder", max_length=70)
    return {"iban": check_iban(request.iban), "iban_holder": holder}


def _replace(request: TicketRequest, **changes: object) -> TicketRequest:
    return replace(request, **changes)  # type: ignore[arg-type]
