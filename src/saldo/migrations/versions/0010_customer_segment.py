"""customer: ``kind`` (private | business) becomes ``segment`` (consumer | business), the
name and the values the catalogue gives its plans

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


# RENAME COLUMN in place (PostgreSQL; SQLite 3.25+): a batch copy of the table would drop
# it, which the lines' foreign keys to their customer forbid on a database with customers


def upgrade() -> None:
    op.execute("ALTER TABLE customer RENAME COLUMN kind TO segment")
    op.execute("UPDATE customer SET segment = 'consumer' WHERE segment = 'private'")


def downgrade() -> None:
    op.execute("UPDATE customer SET segment = 'private' WHERE segment = 'consumer'")
    op.execute("ALTER TABLE customer RENAME COLUMN segment TO kind")
