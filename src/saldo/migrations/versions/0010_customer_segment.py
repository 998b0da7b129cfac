"""customer: ``kind`` (private | business) becomes ``segment`` (consumer | business), the
name and the values the catalogue gives its plans

Revision ID: 0010
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customer") as batch_op:
        batch_op.alter_column(
            "kind",
            new_column_name="segment",
            existing_type=sa.String(length=16),
            existing_nullable=False,
        )
    op.execute("UPDATE customer SET segment = 'consumer' WHERE segment = 'private'")


def downgrade() -> None:
    op.execute("UPDATE customer SET segment = 'private' WHERE segment = 'consumer'")
    with op.batch_alter_table("customer") as batch_op:
        batch_op.alter_column(
            "segment",
            new_column_name="kind",
            existing_type=sa.String(length=16),
            existing_nullable=False,
        )
