"""Billing: charges a postpaid line owes, the billing accounts that hold lines, invoices."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from saldo.db import Base, BigId, UtcDateTime


class BillableCharge(Base):
    """One amount a postpaid line owes, written in the transaction of the event that causes it.

    Rows are inserted, then only ever marked with the invoice that bills them; the invoice adds
    VAT per rate over their net amounts.
    """

    __tablename__ = "billable_charge"
    __table_args__ = (Index("ix_billable_charge_line_occurred", "line_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("line.id"))
    kind: Mapped[str] = mapped_column(String(16))
    """plan_fee | option_fee | usage | tcg | indemnity | refund (these two negative)."""
    net_cents: Mapped[int] = mapped_column(BigInteger)
    """The amount owed without VAT, in cents (a TCG charge: the tax itself, outside VAT;
    negative: given back)."""
    vat_rate_bp: Mapped[int] = mapped_column(Integer)
    """The VAT rate the invoice applies, in basis points (2200 = 22 %); 0 outside VAT."""
    code: Mapped[str | None] = mapped_column(String(64))
    """The plan's or option's code of a fee."""
    service: Mapped[str | None] = mapped_column(String(8))
    """Usage: voice | sms | mms | data."""
    zone: Mapped[str | None] = mapped_column(String(16))
    """Usage: national | eu | international | world."""
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    """When the fee's period began, or the usage event started."""
    reference: Mapped[str] = mapped_column(String(200), unique=True)
    """What caused it (a fee's ledger key, ``usage:<event id>``): the same reference is
    charged once."""
    invoice_id: Mapped[int | None] = mapped_column(BigId)
    """The invoice (``invoice.id``) that billed it; None while it is part of the running
    invoice. Set only by the bill run, with the invoice it has just inserted. Neither indexed
    (charges are found by line and time) nor a foreign key: PostgreSQL plans the key's check
    once per connection, on the first run over an empty invoice table as a scan of it, and the
    marking of each invoice's charges then grew slower with every invoice issued."""


class BillingAccount(Base):
    """Who pays for a set of postpaid lines: a customer has one or more."""

    __tablename__ = "billing_account"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    mandate_id: Mapped[str | None] = mapped_column(String(35))
    """SEPA direct debit mandate reference; with it invoices are paid by MP19."""
    mandate_iban: Mapped[str | None] = mapped_column(String(34))
    mandate_signed_on: Mapped[date | None] = mapped_column(Date)


class BilledLine(Base):
    """A postpaid line on its billing account, from activation until it closes."""

    __tablename__ = "billed_line"

    line_id: Mapped[int] = mapped_column(ForeignKey("line.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("billing_account.id"), index=True)
    msisdn: Mapped[str] = mapped_column(String(16), index=True)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class InvoiceSequence(Base):
    """The last number issued in a series and year: incremented in the issuing transaction, so
    a rolled back invoice leaves no gap and two runs at once never share a number."""

    __tablename__ = "invoice_sequence"

    series: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(BigInteger)


class Invoice(Base):
    """An issued document (TD01 invoice or TD04 credit note), never changed but for its status."""

    __tablename__ = "invoice"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    """invoice | credit_note."""
    account_id: Mapped[int] = mapped_column(ForeignKey("billing_account.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    period: Mapped[str | None] = mapped_column(String(7))
    """The calendar month (YYYY-MM) a periodic invoice bills."""
    issue_key: Mapped[str] = mapped_column(String(120), unique=True)
    """Issues once: ``run:<account>:<period>`` or ``credit:<invoice>:<ref>``."""
    issued_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    net_cents: Mapped[int] = mapped_column(BigInteger)
    vat_cents: Mapped[int] = mapped_column(BigInteger)
    exempt_cents: Mapped[int] = mapped_column(BigInteger)
    """Amounts outside VAT (the TCG, Natura N1), the stamp duty excluded."""
    stamp_cents: Mapped[int] = mapped_column(BigInteger)
    total_cents: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    """issued | paid | overdue | credited."""
    credits_invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoice.id"), index=True)
    """A credit note: the invoice it credits."""
    reason: Mapped[str | None] = mapped_column(String(200))
    payment_ref: Mapped[str | None] = mapped_column(String(100), unique=True)
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    document: Mapped[str] = mapped_column(Text)
    """The frozen description (JSON) the XML and the PDF are rendered from."""
    xml: Mapped[str] = mapped_column(Text)
    """The FatturaPA document as validated before it was stored."""
    payment_method: Mapped[str] = mapped_column(String(4))
    """MP05 (bank transfer) | MP19 (SEPA direct debit)."""
    collection_file: Mapped[str | None] = mapped_column(String(80))
    """The SEPA direct debit batch (pain.008 file name) that collects it."""
    file_name: Mapped[str] = mapped_column(String(40))
    """``IT<operator VAT>_<progressive>.xml`` as the SdI expects it."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class BillRun(Base):
    """A month the worker's bill run went through (the CLI may run a month again at will)."""

    __tablename__ = "bill_run"

    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    finished_at: Mapped[datetime] = mapped_column(UtcDateTime)
    issued: Mapped[int] = mapped_column(Integer)
    errors: Mapped[int] = mapped_column(Integer)
