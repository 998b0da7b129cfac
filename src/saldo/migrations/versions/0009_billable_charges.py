"""billable_charge: what a postpaid line owes (fees, option fees, out-of-bundle usage)

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "billable_charge",
        sa.Column("id", ID, nullable=False),
        sa.Column("line_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("net_cents", sa.BigInteger(), nullable=False),
        sa.Column("vat_rate_bp", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=True),
        sa.Column("service", sa.String(length=8), nullable=True),
        sa.Column("zone", sa.String(length=16), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["line_id"], ["line.id"], name=op.f("fk_billable_charge_line_id_line")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billable_charge")),
        sa.UniqueConstraint("reference", name=op.f("uq_billable_charge_reference")),
    )
    op.create_index(
        "ix_billable_charge_line_occurred", "billable_charge", ["line_id", "occurred_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_billable_charge_line_occurred", table_name="billable_charge")
    op.drop_table("billable_charge")
