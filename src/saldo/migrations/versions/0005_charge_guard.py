"""saldo_require(): a statement refuses itself (PostgreSQL), for one-statement charges

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# SQLSTATE SD001: raised inside a statement, it undoes the whole statement. Online charging
# writes debits, ledger entries and the usage record as one statement committed on its own,
# and refuses it when a debit found less than was rated or a data alert is due (the alert
# must be written in the same transaction: the caller then charges in a transaction).
REQUIRE = """
CREATE OR REPLACE FUNCTION saldo_require(ok boolean, reason text) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'saldo: %', reason USING ERRCODE = 'SD001';
    END IF;
    RETURN true;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(REQUIRE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS saldo_require(boolean, text)")
