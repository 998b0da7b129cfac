"""catalog_version.active: the live version is chosen, no longer always the newest

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ALTER TABLE … ADD COLUMN in place: a batch copy of the table would drop it, which the
    # lines' foreign keys to their catalogue version forbid on a database with lines
    op.add_column(
        "catalog_version",
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.false()),
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
    # in place too (SQLite 3.35+)
    op.drop_column("catalog_version", "active")
