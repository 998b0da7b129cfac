"""sms channel tables

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sms_inbound",
        sa.Column("id", ID, nullable=False),
        sa.Column("ref", sa.String(length=120), nullable=True),
        sa.Column("sender", sa.String(length=32), nullable=False),
        sa.Column("recipient", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("command", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_inbound")),
        sa.UniqueConstraint("ref", name=op.f("uq_sms_inbound_ref")),
    )
    with op.batch_alter_table("sms_inbound", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sms_inbound_sender"), ["sender"], unique=False)

    op.create_table(
        "sms_flood",
        sa.Column("id", ID, nullable=False),
        sa.Column("sender", sa.String(length=32), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_flood")),
        sa.UniqueConstraint("sender", name=op.f("uq_sms_flood_sender")),
    )

    op.create_table(
        "sms_submit",
        sa.Column("id", ID, nullable=False),
        sa.Column("smsc_message_id", sa.String(length=100), nullable=False),
        sa.Column("outbox_message_id", sa.BigInteger(), nullable=True),
        sa.Column("part_no", sa.Integer(), nullable=True),
        sa.Column("parts", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=True),
        sa.Column("delivered", sa.Boolean(), nullable=True),
        sa.Column("receipt_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"],
            ["outbox_message.id"],
            name=op.f("fk_sms_submit_outbox_message_id_outbox_message"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_submit")),
        sa.UniqueConstraint("smsc_message_id", name=op.f("uq_sms_submit_smsc_message_id")),
    )
    with op.batch_alter_table("sms_submit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sms_submit_outbox_message_id"), ["outbox_message_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sms_submit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sms_submit_outbox_message_id"))
    op.drop_table("sms_submit")
    op.drop_table("sms_flood")
    with op.batch_alter_table("sms_inbound", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sms_inbound_sender"))
    op.drop_table("sms_inbound")
