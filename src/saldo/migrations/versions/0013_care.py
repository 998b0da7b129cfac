"""care: tickets (messages, complaints, refunds), their thread, attachments, status changes,
the yearly ticket counter and SEPA refund batches

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIME = sa.DateTime(timezone=True)


def _id() -> sa.Column[int]:
    return sa.Column("id", ID, nullable=False)


def upgrade() -> None:
    op.create_table(
        "ticket_counter",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_ticket_counter")),
    )
    op.create_table(
        "refund_batch",
        _id(),
        sa.Column("message_id", sa.String(length=35), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("total_cents", sa.BigInteger(), nullable=False),
        sa.Column("xml", sa.Text(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund_batch")),
        sa.UniqueConstraint("message_id", name=op.f("uq_refund_batch_message_id")),
    )
    op.create_table(
        "ticket",
        _id(),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("line_id", ID, nullable=True),
        sa.Column("invoice_number", sa.String(length=32), nullable=True),
        sa.Column("topup_id", sa.BigInteger(), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("callback", sa.Boolean(), nullable=False),
        sa.Column("deadline", TIME, nullable=True),
        sa.Column("resolution", sa.String(length=16), nullable=True),
        sa.Column("first_response_at", TIME, nullable=True),
        sa.Column("answered_at", TIME, nullable=True),
        sa.Column("closed_at", TIME, nullable=True),
        sa.Column("indemnity_cents", sa.BigInteger(), nullable=False),
        sa.Column("indemnity_days", sa.Integer(), nullable=False),
        sa.Column("indemnity_paid_at", TIME, nullable=True),
        sa.Column("amount_cents", sa.BigInteger(), nullable=True),
        sa.Column("refund_to", sa.String(length=8), nullable=True),
        sa.Column("iban", sa.String(length=34), nullable=True),
        sa.Column("iban_holder", sa.String(length=70), nullable=True),
        sa.Column("refund_status", sa.String(length=16), nullable=True),
        sa.Column("refund_decided_by", sa.String(length=64), nullable=True),
        sa.Column("refund_batch_id", ID, nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_ticket_customer_id_customer")
        ),
        sa.ForeignKeyConstraint(["line_id"], ["line.id"], name=op.f("fk_ticket_line_id_line")),
        sa.ForeignKeyConstraint(
            ["refund_batch_id"],
            ["refund_batch.id"],
            name=op.f("fk_ticket_refund_batch_id_refund_batch"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket")),
        sa.UniqueConstraint("code", name=op.f("uq_ticket_code")),
    )
    op.create_index("ix_ticket_customer_created", "ticket", ["customer_id", "created_at"])
    op.create_index("ix_ticket_queue", "ticket", ["status", "kind", "deadline"])
    op.create_index("ix_ticket_refund_export", "ticket", ["refund_status", "refund_to"])
    op.create_index(op.f("ix_ticket_line_id"), "ticket", ["line_id"])
    op.create_table(
        "ticket_message",
        _id(),
        sa.Column("ticket_id", ID, nullable=False),
        sa.Column("author", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["ticket.id"], name=op.f("fk_ticket_message_ticket_id_ticket")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_message")),
    )
    op.create_index("ix_ticket_message_ticket", "ticket_message", ["ticket_id", "id"])
    op.create_table(
        "ticket_attachment",
        _id(),
        sa.Column("ticket_id", ID, nullable=False),
        sa.Column("message_id", ID, nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["ticket.id"], name=op.f("fk_ticket_attachment_ticket_id_ticket")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["ticket_message.id"],
            name=op.f("fk_ticket_attachment_message_id_ticket_message"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_attachment")),
    )
    op.create_index(op.f("ix_ticket_attachment_ticket_id"), "ticket_attachment", ["ticket_id"])
    op.create_table(
        "ticket_change",
        _id(),
        sa.Column("ticket_id", ID, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["ticket.id"], name=op.f("fk_ticket_change_ticket_id_ticket")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_change")),
    )
    op.create_index("ix_ticket_change_ticket", "ticket_change", ["ticket_id", "id"])


def downgrade() -> None:
    # children first; tables of their own, so no batch copy of any table others point at
    op.drop_table("ticket_change")
    op.drop_table("ticket_attachment")
    op.drop_table("ticket_message")
    op.drop_table("ticket")
    op.drop_table("refund_batch")
    op.drop_table("ticket_counter")
