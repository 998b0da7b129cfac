"""line.version: counts the changes of what rating reads, other than units going down

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Online charging rates an event on the line's state as the process last saw it and its one
# statement checks that nothing rating depends on changed since: each bucket's units are
# checked one by one (enough, or exactly what was drained), everything else by this counter.
# Triggers keep it, so that no write of any code path can forget to: a bucket granted, or its
# status, service, zone or validity changed; the line's number, billing or plan changed. On
# PostgreSQL (where online charging keeps line states) each new value comes from a sequence:
# a value is never seen twice, even on a line made again with the id of one deleted.
BUCKET_FIELDS = "status, service, zone, unlimited, valid_from, expires_at, line_id"
LINE_FIELDS = "msisdn, billing, status, plan_code, catalog_version_id, plan_status"

POSTGRESQL = [
    "CREATE SEQUENCE IF NOT EXISTS line_version",
    """
CREATE OR REPLACE FUNCTION saldo_bucket_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE line SET version = nextval('line_version') WHERE id = NEW.line_id;
    IF TG_OP = 'UPDATE' AND OLD.line_id <> NEW.line_id THEN
        UPDATE line SET version = nextval('line_version') WHERE id = OLD.line_id;
    END IF;
    RETURN NULL;
END
$$
""",
    "CREATE TRIGGER bucket_added AFTER INSERT ON bucket"
    " FOR EACH ROW EXECUTE FUNCTION saldo_bucket_changed()",
    f"CREATE TRIGGER bucket_reshaped AFTER UPDATE OF {BUCKET_FIELDS} ON bucket FOR EACH ROW"
    " WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION saldo_bucket_changed()",
    """
CREATE OR REPLACE FUNCTION saldo_line_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := nextval('line_version');
    RETURN NEW;
END
$$
""",
    f"CREATE TRIGGER line_reshaped BEFORE UPDATE OF {LINE_FIELDS} ON line FOR EACH ROW"
    " WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION saldo_line_changed()",
]

SQLITE = [
    "CREATE TRIGGER bucket_added AFTER INSERT ON bucket BEGIN"
    " UPDATE line SET version = version + 1 WHERE id = NEW.line_id; END",
    f"CREATE TRIGGER bucket_reshaped AFTER UPDATE OF {BUCKET_FIELDS} ON bucket BEGIN"
    " UPDATE line SET version = version + 1 WHERE id IN (NEW.line_id, OLD.line_id); END",
    f"CREATE TRIGGER line_reshaped AFTER UPDATE OF {LINE_FIELDS} ON line BEGIN"
    " UPDATE line SET version = version + 1 WHERE id = NEW.id; END",
]


def upgrade() -> None:
    op.add_column("line", sa.Column("version", sa.BigInteger(), nullable=False, server_default="0"))
    statements = POSTGRESQL if op.get_bind().dialect.name == "postgresql" else SQLITE
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, table in (
        ("bucket_added", "bucket"),
        ("bucket_reshaped", "bucket"),
        ("line_reshaped", "line"),
    ):
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS saldo_bucket_changed()")
        op.execute("DROP FUNCTION IF EXISTS saldo_line_changed()")
        op.execute("DROP SEQUENCE IF EXISTS line_version")
    with op.batch_alter_table("line") as batch:
        batch.drop_column("version")
