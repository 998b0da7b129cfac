"""web channel tables: login codes, sessions, top-up orders, sandbox card charges

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "web_login_code",
        sa.Column("id", ID, nullable=False),
        sa.Column("msisdn", sa.String(length=16), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_login_code")),
    )
    op.create_index("ix_web_login_code_msisdn_created", "web_login_code", ["msisdn", "created_at"])
    op.create_table(
        "web_session",
        sa.Column("id", ID, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("line_id", sa.BigInteger(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("last_seen_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("ended_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(["line_id"], ["line.id"], name=op.f("fk_web_session_line_id_line")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_session_token_hash")),
    )
    op.create_index(op.f("ix_web_session_line_id"), "web_session", ["line_id"])
    op.create_table(
        "topup_order",
        sa.Column("id", ID, nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("line_id", sa.BigInteger(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("card_brand", sa.String(length=16), nullable=True),
        sa.Column("card_last4", sa.String(length=4), nullable=True),
        sa.Column("failure_code", sa.String(length=32), nullable=True),
        sa.Column("provider_ref", sa.String(length=64), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.Column("paid_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(["line_id"], ["line.id"], name=op.f("fk_topup_order_line_id_line")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topup_order")),
        sa.UniqueConstraint("ref", name=op.f("uq_topup_order_ref")),
        sa.UniqueConstraint("line_id", "idempotency_key", name=op.f("uq_topup_order_line_id")),
    )
    op.create_index(op.f("ix_topup_order_line_id"), "topup_order", ["line_id"])
    op.create_table(
        "sandbox_charge",
        sa.Column("id", ID, nullable=False),
        sa.Column("idempotency_key", sa.String(length=120), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("card_last4", sa.String(length=4), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("provider_ref", sa.String(length=64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sandbox_charge")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_sandbox_charge_idempotency_key")),
    )


def downgrade() -> None:
    op.drop_table("sandbox_charge")
    op.drop_index(op.f("ix_topup_order_line_id"), table_name="topup_order")
    op.drop_table("topup_order")
    op.drop_index(op.f("ix_web_session_line_id"), table_name="web_session")
    op.drop_table("web_session")
    op.drop_index("ix_web_login_code_msisdn_created", table_name="web_login_code")
    op.drop_table("web_login_code")
