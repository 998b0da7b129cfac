"""menus channel tables

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "menu_session",
        sa.Column("id", _ID, nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("session_key", sa.String(length=64), nullable=False),
        sa.Column("menu", sa.String(length=16), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("msisdn", sa.String(length=16), nullable=True),
        sa.Column("dialog", sa.Text(), nullable=False),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_menu_session")),
        sa.UniqueConstraint("channel", "session_key", name=op.f("uq_menu_session_channel")),
    )
    with op.batch_alter_table("menu_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_menu_session_msisdn"), ["msisdn"], unique=False)

    op.create_table(
        "menu_pin_failure",
        sa.Column("id", _ID, nullable=False),
        sa.Column("msisdn", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("session_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_menu_pin_failure")),
    )
    with op.batch_alter_table("menu_pin_failure", schema=None) as batch_op:
        batch_op.create_index(
            "ix_menu_pin_failure_msisdn_at", ["msisdn", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("menu_pin_failure", schema=None) as batch_op:
        batch_op.drop_index("ix_menu_pin_failure_msisdn_at")
    op.drop_table("menu_pin_failure")
    with op.batch_alter_table("menu_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_menu_session_msisdn"))
    op.drop_table("menu_session")
