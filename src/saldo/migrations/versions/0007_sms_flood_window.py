"""sms_flood: an index on window_start, for the worker to delete the windows that ended

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_sms_flood_window_start", "sms_flood", ["window_start"])


def downgrade() -> None:
    op.drop_index("ix_sms_flood_window_start", table_name="sms_flood")
