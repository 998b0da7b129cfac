"""identity: login codes, sessions keyed by principal, PIN failures, sign-in rate counters

Sessions belonged to a line (``web_session.line_id``); they now belong to a principal
(``principal_kind`` + ``principal_id``: a line today, a business user, an agent or an API
client next). Existing rows are copied (a line's session keeps its id, token and deadlines),
the tables leave the channels' names for identity's.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = sa.DateTime(timezone=True)
CODE_COLUMNS = "id, msisdn, code_hash, status, attempts, created_at, expires_at"
PIN_COLUMNS = "id, msisdn, channel, session_key, created_at"
SESSION_COLUMNS = "id, token_hash, kind, csrf_token, created_at, last_seen_at, expires_at, ended_at"


def _code_table(name: str) -> None:
    op.create_table(
        name,
        sa.Column("id", ID, nullable=False),
        sa.Column("msisdn", sa.String(length=16), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
    )


def _pin_table(name: str) -> None:
    op.create_table(
        name,
        sa.Column("id", ID, nullable=False),
        sa.Column("msisdn", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("session_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
    )


def _session_table(name: str, owner: list[SchemaItem]) -> None:
    op.create_table(
        name,
        sa.Column("id", ID, nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        *owner,
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("last_seen_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("ended_at", WHEN, nullable=True),
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
        sa.UniqueConstraint("token_hash", name=f"uq_{name}_token_hash"),
    )


def _copy(source: str, target: str, columns: str, selected: str | None = None) -> None:
    op.execute(f"INSERT INTO {target} ({columns}) SELECT {selected or columns} FROM {source}")
    if op.get_bind().dialect.name == "postgresql":  # ids were copied: the sequence follows
        op.execute(
            f"SELECT setval(pg_get_serial_sequence('{target}', 'id'),"
            f" COALESCE((SELECT MAX(id) FROM {target}), 0) + 1, false)"
        )


def upgrade() -> None:
    _code_table("identity_login_code")
    _copy("web_login_code", "identity_login_code", CODE_COLUMNS)
    op.create_index(
        "ix_identity_login_code_msisdn_created", "identity_login_code", ["msisdn", "created_at"]
    )
    op.drop_index("ix_web_login_code_msisdn_created", table_name="web_login_code")
    op.drop_table("web_login_code")

    _session_table(
        "identity_session",
        [
            sa.Column("principal_kind", sa.String(length=16), nullable=False),
            sa.Column("principal_id", sa.BigInteger(), nullable=False),
        ],
    )
    _copy(
        "web_session",
        "identity_session",
        f"{SESSION_COLUMNS}, principal_kind, principal_id",
        f"{SESSION_COLUMNS}, 'line', line_id",
    )
    op.create_index(
        "ix_identity_session_principal", "identity_session", ["principal_kind", "principal_id"]
    )
    op.drop_index("ix_web_session_line_id", table_name="web_session")
    op.drop_table("web_session")

    _pin_table("identity_pin_failure")
    _copy("menu_pin_failure", "identity_pin_failure", PIN_COLUMNS)
    op.create_index(
        "ix_identity_pin_failure_msisdn_at", "identity_pin_failure", ["msisdn", "created_at"]
    )
    op.drop_index("ix_menu_pin_failure_msisdn_at", table_name="menu_pin_failure")
    op.drop_table("menu_pin_failure")

    op.create_table(
        "identity_rate_counter",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("hits", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_identity_rate_counter"),
    )
    op.create_index("ix_identity_rate_counter_expires_at", "identity_rate_counter", ["expires_at"])


def downgrade() -> None:
    """Back to sessions of lines: sessions of other principals cannot be kept and end."""
    op.drop_index("ix_identity_rate_counter_expires_at", table_name="identity_rate_counter")
    op.drop_table("identity_rate_counter")

    _pin_table("menu_pin_failure")
    _copy("identity_pin_failure", "menu_pin_failure", PIN_COLUMNS)
    op.create_index("ix_menu_pin_failure_msisdn_at", "menu_pin_failure", ["msisdn", "created_at"])
    op.drop_index("ix_identity_pin_failure_msisdn_at", table_name="identity_pin_failure")
    op.drop_table("identity_pin_failure")

    _session_table(
        "web_session",
        [
            sa.Column("line_id", sa.BigInteger(), nullable=False),
            sa.ForeignKeyConstraint(["line_id"], ["line.id"], name="fk_web_session_line_id_line"),
        ],
    )
    op.execute(
        f"INSERT INTO web_session ({SESSION_COLUMNS}, line_id)"
        f" SELECT {SESSION_COLUMNS}, principal_id FROM identity_session"
        " WHERE principal_kind = 'line'"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('web_session', 'id'),"
            " COALESCE((SELECT MAX(id) FROM web_session), 0) + 1, false)"
        )
    op.create_index("ix_web_session_line_id", "web_session", ["line_id"])
    op.drop_index("ix_identity_session_principal", table_name="identity_session")
    op.drop_table("identity_session")

    _code_table("web_login_code")
    _copy("identity_login_code", "web_login_code", CODE_COLUMNS)
    op.create_index("ix_web_login_code_msisdn_created", "web_login_code", ["msisdn", "created_at"])
    op.drop_index("ix_identity_login_code_msisdn_created", table_name="identity_login_code")
    op.drop_table("identity_login_code")
