"""The audit trail: every business-area change, login, failed login is written; admins read
it; on PostgreSQL the table refuses UPDATE and DELETE."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from saldo.audit.service import Actor, record
from saldo.runtime import Runtime
from tests.accounts.support import PASSWORD, VAT_A, make_account, make_company
from tests.channels.business.support import API, login
from tests.channels.web.support import Web


def test_the_business_area_writes_its_trail(web: Web) -> None:
    line = make_company(web.rt, vat=VAT_A, lines=1)[0]
    make_account(web.rt, vat=VAT_A, admin="admin@a.it")
    failed = web.client().post(f"{API}/token", json={"email": "admin@a.it", "password": "x" * 12})
    assert failed.status_code == 401
    admin = login(web, "admin@a.it")
    admin.post(f"{API}/lines/{line}/options", json={"code": "MONDO_100"})
    admin.post(f"{API}/users", json={"email": "m@a.it", "role": "manager"})
    trail = admin.get(f"{API}/audit")
    assert trail.status_code == 200
    entries = trail.json()
    assert [e["action"] for e in entries] == ["user_invite", "option_add", "login", "login_failed"]
    assert trail.headers["X-Total-Count"] == "4"
    option = entries[1]
    assert option["subject"] == line and option["details"] == {"code": "MONDO_100"}
    assert option["actor_kind"] == "business_user" and option["client"] == "127.0.0.1"
    assert entries[3]["actor_kind"] == "anonymous" and entries[3]["subject"] == "admin@a.it"
    assert PASSWORD not in trail.text


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_entry SET action = 'x'", "DELETE FROM audit_entry"]
)
def test_postgresql_refuses_to_rewrite_the_trail(rt: Runtime, statement: str) -> None:
    if rt.engine.dialect.name != "postgresql":
        pytest.skip("the trigger is PostgreSQL's; SQLite is the single-process embedded store")
    with rt.transaction() as session:
        record(
            session,
            actor=Actor("system", None, "cli"),
            scope="company:1",
            action="test",
            subject="x",
            now=rt.clock.now(),
        )
    with pytest.raises(DBAPIError, match="append-only"), rt.transaction() as session:
        session.execute(text(statement))
    with rt.transaction() as session:
        assert session.execute(text("SELECT action FROM audit_entry")).scalars().all() == ["test"]
