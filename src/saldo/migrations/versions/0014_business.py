"""business area: company accounts, their users, registrations, invitations, line labels,
bulk requests; the append-only audit trail; e-mail subjects in the outbox

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)


def _id() -> sa.Column[int]:
    return sa.Column("id", ID, nullable=False)


def upgrade() -> None:
    # in place: a batch copy of the outbox would be needless on a big table
    op.add_column("outbox_message", sa.Column("subject", sa.String(length=200), nullable=True))
    op.create_table(
        "audit_entry",
        _id(),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_entry"),
    )
    op.create_index("ix_audit_entry_scope_id", "audit_entry", ["scope", "id"])
    op.create_index("ix_audit_entry_actor", "audit_entry", ["actor_kind", "actor_id"])
    op.create_table(
        "company_account",
        _id(),
        sa.Column("customer_id", sa.BigInteger(), nullable=False),
        sa.Column("vat_number", sa.String(length=11), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_company_account"),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name="fk_company_account_customer_id_customer"
        ),
        sa.UniqueConstraint("vat_number", name="uq_company_account_vat_number"),
    )
    op.create_table(
        "business_user",
        _id(),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("line_id", sa.BigInteger(), nullable=True),
        sa.Column("totp_secret", sa.String(length=64), nullable=True),
        sa.Column("totp_enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_business_user"),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["company_account.id"],
            name="fk_business_user_account_id_company_account",
        ),
        sa.ForeignKeyConstraint(["line_id"], ["line.id"], name="fk_business_user_line_id_line"),
        sa.UniqueConstraint("email", name="uq_business_user_email"),
        sa.UniqueConstraint("line_id", name="uq_business_user_line_id"),
    )
    op.create_index("ix_business_user_account_id", "business_user", ["account_id"])
    op.create_table(
        "business_registration",
        _id(),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("vat_number", sa.String(length=11), nullable=False),
        sa.Column("msisdn", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_business_registration"),
    )
    op.create_index("ix_business_registration_email", "business_registration", ["email", "id"])
    op.create_table(
        "business_invitation",
        _id(),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("used_at", WHEN, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_business_invitation"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["business_user.id"], name="fk_business_invitation_user_id_business_user"
        ),
        sa.UniqueConstraint("token_hash", name="uq_business_invitation_token_hash"),
    )
    op.create_index("ix_business_invitation_user_id", "business_invitation", ["user_id"])
    op.create_table(
        "business_line_label",
        sa.Column("line_id", sa.BigInteger(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("line_id", name="pk_business_line_label"),
        sa.ForeignKeyConstraint(
            ["line_id"], ["line.id"], name="fk_business_line_label_line_id_line"
        ),
    )
    op.create_table(
        "business_bulk_request",
        _id(),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("request_digest", sa.String(length=64), nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_business_bulk_request"),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["company_account.id"],
            name="fk_business_bulk_request_account_id_company_account",
        ),
        sa.UniqueConstraint(
            "account_id", "idempotency_key", name="uq_business_bulk_request_account_id"
        ),
    )
    if op.get_bind().dialect.name == "postgresql":
        # the trail is append-only: even the application's own role cannot rewrite it
        op.execute(
            "CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
            " BEGIN RAISE EXCEPTION 'audit_entry is append-only (% refused)', TG_OP; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry"
            " FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_entry_append_only ON audit_entry")
        op.execute("DROP FUNCTION audit_entry_append_only()")
    for name in (
        "business_bulk_request",
        "business_line_label",
        "business_invitation",
        "business_registration",
        "business_user",
        "company_account",
        "audit_entry",
    ):
        op.drop_table(name)
    op.drop_column("outbox_message", "subject")
