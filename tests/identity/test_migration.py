"""Migration 0008: from 0007 with sign-in rows in it, up (sessions keyed by principal) and
down again, on SQLite and PostgreSQL; a session opened before the upgrade still works."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, select, text

from saldo.config import Settings
from saldo.db import make_sessionmaker
from saldo.identity import service as identity
from saldo.identity.models import PrincipalSession
from saldo.kit.clock import FixedClock
from saldo.runtime import Runtime
from tests.conftest import START
from tests.factories import load_demo_catalog, make_line
from tests.migrations import migrate_to as _to

OLD = {"web_session", "web_login_code", "menu_pin_failure"}
NEW = {"identity_session", "identity_login_code", "identity_pin_failure", "identity_rate_counter"}


def test_0008_moves_sign_in_rows_to_identity_and_back(fresh: tuple[str, Engine]) -> None:
    url, engine = fresh
    # a line made by today's code, then the schema taken back to 0007 (the later migrations'
    # downgrades keep it) to add the sign-in rows of that time
    _to(engine, "head")
    clock = FixedClock(START)
    rt = Runtime(Settings(database_url=url), engine, make_sessionmaker(engine), clock)
    load_demo_catalog(rt)
    msisdn = make_line(rt)
    assert _to(engine, "0007", down=True) >= OLD
    now = clock.now()
    token = "t" * 43
    with engine.begin() as conn:
        line_id = conn.scalar(text("SELECT id FROM line WHERE msisdn = :m"), {"m": msisdn})
        conn.execute(
            text(
                "INSERT INTO web_session (id, token_hash, kind, line_id, csrf_token, created_at,"
                " last_seen_at, expires_at) VALUES (7, :h, 'api', :l, 'c', :n, :n, :e)"
            ),
            {
                "h": identity.token_hash(token),
                "l": line_id,
                "n": now,
                "e": now + timedelta(hours=1),
            },
        )
        conn.execute(
            text(
                "INSERT INTO web_login_code (id, msisdn, code_hash, status, attempts, created_at,"
                " expires_at) VALUES (3, :m, :h, 'active', 2, :n, :e)"
            ),
            {"m": msisdn, "h": "a" * 64, "n": now, "e": now + timedelta(minutes=5)},
        )
        conn.execute(
            text(
                "INSERT INTO menu_pin_failure (id, msisdn, channel, session_key, created_at)"
                " VALUES (5, :m, 'twilio', 'CA1', :n)"
            ),
            {"m": msisdn, "n": now},
        )

    tables = _to(engine, "0008")
    assert tables >= NEW and not tables & OLD
    with engine.begin() as conn:
        session_row = conn.execute(
            text("SELECT id, principal_kind, principal_id, kind FROM identity_session")
        ).one()
        assert tuple(session_row) == (7, "line", line_id, "api")
        code = conn.execute(text("SELECT id, attempts FROM identity_login_code")).one()
        assert tuple(code) == (3, 2)
        assert conn.scalar(text("SELECT msisdn FROM identity_pin_failure WHERE id = 5")) == msisdn
    with rt.transaction() as session:  # the session opened before the upgrade still signs in
        me = identity.resolve_session(
            session, token=token, kind="api", now=now, idle=timedelta(minutes=30)
        )
        assert (me.session_id, me.line_id, me.msisdn) == (7, line_id, msisdn)
        identity.open_session(
            session, line_id=line_id, kind="browser", now=now, lifetime=timedelta(hours=1)
        )
    with rt.transaction() as session:  # new ids follow the copied ones
        assert max(session.scalars(select(PrincipalSession.id))) > 7

    tables = _to(engine, "0007", down=True)
    assert tables >= OLD and not tables & NEW
    with engine.begin() as conn:
        rows = conn.execute(text("SELECT id, line_id FROM web_session ORDER BY id")).all()
        assert len(rows) == 2 and tuple(rows[0]) == (7, line_id)
        assert conn.scalar(text("SELECT attempts FROM web_login_code WHERE id = 3")) == 2
        assert conn.scalar(text("SELECT count(*) FROM menu_pin_failure")) == 1
    assert _to(engine, "0008") >= NEW
    _to(engine, "head")
    with engine.begin() as conn:
        assert conn.scalar(text("SELECT msisdn FROM line")) == msisdn
