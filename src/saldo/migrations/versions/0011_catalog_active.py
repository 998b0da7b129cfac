"""catalog_version.active: the live version is chosen, no longer always the newest

Revision ID: 0011
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("catalog_version") as batch:
        batch.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute(
        "UPDATE catalog_version SET active = TRUE WHERE id = (SELECT MAX(id) FROM catalog_version)"
    )
    op.create_index(
        "ux_catalog_version_active",
        "catalog_version",
        ["active"],
        unique=True,
        sqlite_where=sa.text("active"),
        postgresql_where=sa.text("active"),
    )


def downgrade() -> None:
    op.drop_index("ux_catalog_version_active", table_name="catalog_version")
    with op.batch_alter_table("catalog_version") as batch:
        batch.drop_column("active")
