"""billing: accounts and their lines, invoices and their numbering, customers' invoice data

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)
CUSTOMER_COLUMNS = (
    ("address", 60),
    ("zip", 5),
    ("city", 60),
    ("province", 2),
    ("country", 2),
    ("email", 254),
    ("pec", 254),
    ("sdi_code", 7),
)


def upgrade() -> None:
    # columns are added in place: a batch copy of customer or billable_charge would drop a
    # table the lines' (or invoices') foreign keys point at on a populated database
    for name, length in CUSTOMER_COLUMNS:
        op.add_column("customer", sa.Column(name, sa.String(length=length), nullable=True))
    op.create_table(
        "billing_account",
        sa.Column("id", ID, nullable=False),
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("mandate_id", sa.String(length=35), nullable=True),
        sa.Column("mandate_iban", sa.String(length=34), nullable=True),
        sa.Column("mandate_signed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_billing_account_customer_id_customer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_account")),
    )
    op.create_index("ix_billing_account_customer_id", "billing_account", ["customer_id"])
    op.create_table(
        "billed_line",
        sa.Column("line_id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("msisdn", sa.String(length=16), nullable=False),
        sa.Column("opened_at", WHEN, nullable=False),
        sa.Column("closed_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(["line_id"], ["line.id"], name=op.f("fk_billed_line_line_id_line")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["billing_account.id"],
            name=op.f("fk_billed_line_account_id_billing_account"),
        ),
        sa.PrimaryKeyConstraint("line_id", name=op.f("pk_billed_line")),
    )
    op.create_index("ix_billed_line_account_id", "billed_line", ["account_id"])
    op.create_index("ix_billed_line_msisdn", "billed_line", ["msisdn"])
    op.create_table(
        "invoice_sequence",
        sa.Column("series", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("series", "year", name=op.f("pk_invoice_sequence")),
    )
    _create_invoice()
    op.create_table(
        "bill_run",
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("finished_at", WHEN, nullable=False),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("period", name=op.f("pk_bill_run")),
    )
    op.add_column("billable_charge", sa.Column("invoice_id", ID, nullable=True))
    _backfill()


def _create_invoice() -> None:
    op.create_table(
        "invoice",
        sa.Column("id", ID, nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("period", sa.String(length=7), nullable=True),
        sa.Column("issue_key", sa.String(length=120), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("net_cents", sa.BigInteger(), nullable=False),
        sa.Column("vat_cents", sa.BigInteger(), nullable=False),
        sa.Column("exempt_cents", sa.BigInteger(), nullable=False),
        sa.Column("stamp_cents", sa.BigInteger(), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("credits_invoice_id", ID, nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("payment_ref", sa.String(length=100), nullable=True),
        sa.Column("paid_at", WHEN, nullable=True),
        sa.Column("reminded_at", WHEN, nullable=True),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("xml", sa.Text(), nullable=False),
        sa.Column("payment_method", sa.String(length=4), nullable=False),
        sa.Column("collection_file", sa.String(length=80), nullable=True),
        sa.Column("file_name", sa.String(length=40), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["billing_account.id"],
            name=op.f("fk_invoice_account_id_billing_account"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_invoice_customer_id_customer")
        ),
        sa.ForeignKeyConstraint(
            ["credits_invoice_id"],
            ["invoice.id"],
            name=op.f("fk_invoice_credits_invoice_id_invoice"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice")),
        sa.UniqueConstraint("number", name=op.f("uq_invoice_number")),
        sa.UniqueConstraint("issue_key", name=op.f("uq_invoice_issue_key")),
        sa.UniqueConstraint("payment_ref", name=op.f("uq_invoice_payment_ref")),
    )
    op.create_index("ix_invoice_account_id", "invoice", ["account_id"])
    op.create_index("ix_invoice_customer_id", "invoice", ["customer_id"])
    op.create_index("ix_invoice_credits_invoice_id", "invoice", ["credits_invoice_id"])


def _backfill() -> None:
    """Postpaid lines already there get their customer's billing account."""
    op.execute(
        "INSERT INTO billing_account (customer_id, created_at) "
        "SELECT customer_id, MIN(created_at) FROM line WHERE billing = 'postpaid' "
        "GROUP BY customer_id"
    )
    op.execute(
        "INSERT INTO billed_line (line_id, account_id, msisdn, opened_at) "
        "SELECT line.id, billing_account.id, line.msisdn, line.created_at FROM line "
        "JOIN billing_account ON billing_account.customer_id = line.customer_id "
        "WHERE line.billing = 'postpaid'"
    )


def downgrade() -> None:
    op.drop_column("billable_charge", "invoice_id")
    for index in (
        "ix_invoice_credits_invoice_id",
        "ix_invoice_customer_id",
        "ix_invoice_account_id",
    ):
        op.drop_index(index, table_name="invoice")
    op.drop_table("bill_run")
    op.drop_table("invoice")
    op.drop_table("invoice_sequence")
    op.drop_index("ix_billed_line_msisdn", table_name="billed_line")
    op.drop_index("ix_billed_line_account_id", table_name="billed_line")
    op.drop_table("billed_line")
    op.drop_index("ix_billing_account_customer_id", table_name="billing_account")
    op.drop_table("billing_account")
    for name, _ in reversed(CUSTOMER_COLUMNS):
        op.drop_column("customer", name)
