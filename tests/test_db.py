"""Units of work and links: what hand-written statements run in."""

from __future__ import annotations

import time
from contextlib import ExitStack

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from saldo.db import Link, execute, fetch_all
from saldo.runtime import Runtime
from tests.factories import make_line


def _backend(link: Link) -> int:
    return int(fetch_all(link, "SELECT pg_backend_pid()", ())[0][0])


def _alive(rt: Runtime, pid: int) -> bool:
    with rt.read() as session:
        found = session.scalar(
            text("SELECT count(*) FROM pg_stat_activity WHERE pid = :p"), {"p": pid}
        )
    return bool(found)


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_link_waits_for_the_next_unit_and_when_one_broke_the_waiting_ones_go_too(
    rt: Runtime,
) -> None:
    with rt.autocommit() as first, rt.autocommit() as second:
        pids = {_backend(first), _backend(second)}  # both wait for the next units now
    with rt.read() as session:  # as if the server had restarted
        session.execute(
            text("SELECT pg_terminate_backend(pid) FROM unnest(:p) AS pid"), {"p": list(pids)}
        )
    with pytest.raises(OperationalError), rt.autocommit() as link:
        _backend(link)  # a waiting link: its server process is gone
    with ExitStack() as links:
        for _ in range(rt.engine.pool.size() + 1):  # type: ignore[attr-defined]
            assert _backend(links.enter_context(rt.autocommit())) not in pids


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_disposing_of_the_engine_closes_the_waiting_links(rt: Runtime) -> None:
    with rt.autocommit() as link:
        pid = _backend(link)
    rt.engine.dispose()
    for _ in range(200):  # the server process ends a moment after the client hangs up
        if not _alive(rt, pid):
            break
        time.sleep(0.01)
    assert not _alive(rt, pid)
    with rt.autocommit() as link:
        assert _backend(link) != pid


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_link_commits_each_statement_and_raises_driver_errors_as_sqlalchemy_does(
    rt: Runtime,
) -> None:
    first, second = make_line(rt), make_line(rt)
    rename = "UPDATE line SET msisdn = ? WHERE msisdn = ? RETURNING id"
    with rt.autocommit() as link:
        with pytest.raises(IntegrityError):
            fetch_all(link, rename, (second, first))
        assert fetch_all(
            link, "UPDATE line SET pin_hash = 'x' WHERE msisdn = ? RETURNING id", (first,)
        )
        other = fetch_all(link, rename, ("+393479999999", second))
        with rt.read() as session:  # each statement committed by itself, seen at once
            renamed = session.scalar(text("SELECT id FROM line WHERE msisdn = '+393479999999'"))
            assert (renamed,) == other[0]
            pins = session.scalar(text("SELECT count(*) FROM line WHERE pin_hash = 'x'"))
            assert pins == 1


def test_a_link_left_in_a_transaction_is_not_used_again_and_holds_nothing(rt: Runtime) -> None:
    msisdn = make_line(rt)
    begin = "BEGIN IMMEDIATE" if rt.engine.dialect.name == "sqlite" else "BEGIN"
    with rt.autocommit() as link:
        execute(link, begin, ())
        execute(link, "UPDATE line SET pin_hash = 'x' WHERE msisdn = ?", (msisdn,))
        left = link.pooled.dbapi_connection
    with rt.autocommit() as link:
        assert link.pooled.dbapi_connection is not left
        assert fetch_all(link, "SELECT 1", ()) == [(1,)]
        assert rt.engine.pool.checkedout() == 0  # type: ignore[attr-defined]  # a pool apart
    with rt.transaction() as session:  # the lock is free; the write was never committed
        pins = session.scalar(text("SELECT count(*) FROM line WHERE pin_hash = 'x'"))
        assert pins == 0
        session.execute(text("UPDATE line SET pin_hash = 'y'"))
