"""Customers' own data: what an invoice needs (billing address, e-mail, PEC, SdI code).
Nothing here commits."""

from __future__ import annotations

import re
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from saldo.customers.models import Customer
from saldo.kit.errors import InvalidInput, NotFound
from saldo.kit.fiscal import normalize_tax_code, normalize_vat_number
from saldo.kit.validators import check_text, shown


class CustomerNotFound(NotFound):
    code = "customer_not_found"


@dataclass(frozen=True, slots=True)
class CustomerChanges:
    """Fields to change; None leaves a field as it is."""

    name: str | None = None
    address: str | None = None
    zip: str | None = None
    city: str | None = None
    province: str | None = None
    country: str | None = None
    email: str | None = None
    pec: str | None = None
    sdi_code: str | None = None


def _pattern(value: str, *, field: str, pattern: str, hint_it: str, hint_en: str) -> str:
    if not re.fullmatch(pattern, value):
        raise InvalidInput(
            f"{field}: valore non valido {shown(value)} ({hint_it})",
            f"{field}: invalid value {shown(value)} ({hint_en})",
        )
    return value


def check_email(value: str, *, field: str) -> str:
    """An e-mail address by its syntax (no DNS look-up), normalized."""
    try:
        return str(validate_email(value, check_deliverability=False).normalized)
    except EmailNotValidError as exc:
        raise InvalidInput(
            f"{field}: indirizzo e-mail non valido {shown(value)}",
            f"{field}: invalid e-mail address {shown(value)} ({exc})",
        ) from None


def validated(changes: CustomerChanges) -> CustomerChanges:
    """The changes with each field checked and normalized; InvalidInput on the first bad one."""

    def text(value: str | None, field: str, length: int) -> str | None:
        if value is None:
            return None
        value = check_text(value.strip(), field=field, max_length=length)
        if not value:
            raise InvalidInput(f"{field}: non può essere vuoto", f"{field}: must not be empty")
        return value

    zip_code = changes.zip and _pattern(
        changes.zip.strip(), field="--zip", pattern=r"[0-9]{5}",
        hint_it="CAP di cinque cifre", hint_en="a five-digit ZIP code",
    )  # fmt: skip
    province = changes.province and _pattern(
        changes.province.strip().upper(), field="--province", pattern=r"[A-Z]{2}",
        hint_it="sigla di due lettere, es. MI", hint_en="two letters, e.g. MI",
    )  # fmt: skip
    country = changes.country and _pattern(
        changes.country.strip().upper(), field="--country", pattern=r"[A-Z]{2}",
        hint_it="codice ISO di due lettere, es. IT", hint_en="a two-letter ISO code, e.g. IT",
    )  # fmt: skip
    sdi = changes.sdi_code and _pattern(
        changes.sdi_code.strip().upper(), field="--sdi-code", pattern=r"[A-Z0-9]{7}",
        hint_it="codice destinatario di 7 caratteri", hint_en="a 7-character recipient code",
    )  # fmt: skip
    return CustomerChanges(
        name=text(changes.name, "--name", 80),
        address=text(changes.address, "--address", 60),
        zip=zip_code,
        city=text(changes.city, "--city", 60),
        province=province,
        country=country,
        email=changes.email and check_email(changes.email.strip(), field="--email"),
        pec=changes.pec and check_email(changes.pec.strip(), field="--pec"),
        sdi_code=sdi,
    )


def find_customer(session: Session, key: str) -> Customer:
    """A customer by codice fiscale or partita IVA."""
    raw = key.strip().upper()
    fiscal = normalize_tax_code(raw) if len(raw) == 16 else normalize_vat_number(raw)
    customer = session.scalar(
        select(Customer)
        .where(or_(Customer.tax_code == fiscal, Customer.vat_number == fiscal))
        .order_by(Customer.id)
        .limit(1)
    )
    if customer is None:
        raise CustomerNotFound(f"nessun cliente {fiscal}", f"no customer {fiscal}")
    return customer


def update_customer(session: Session, *, customer: Customer, changes: CustomerChanges) -> Customer:
    """Apply validated ``changes``: all of them or, on a bad one, none."""
    checked = validated(changes)
    for field, value in vars_of(checked).items():
        if value is not None:
            setattr(customer, field, value)
    session.flush()
    return customer


def vars_of(changes: CustomerChanges) -> dict[str, str | None]:
    return {f: getattr(changes, f) for f in CustomerChanges.__dataclass_fields__}


def customer_json(customer: Customer) -> dict[str, object]:
    return {
        "id": customer.id,
        "segment": customer.segment,
        "name": customer.name,
        "tax_code": customer.tax_code,
        "vat_number": customer.vat_number,
        **{f: getattr(customer, f) for f in CustomerChanges.__dataclass_fields__ if f != "name"},
    }
