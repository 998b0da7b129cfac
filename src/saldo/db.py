"""Engine, sessions and the one-transaction-per-entry-point helper.

SQLite runs in WAL mode and every transaction starts with ``BEGIN IMMEDIATE`` so that writers
queue on the database lock instead of failing on a lock upgrade. Services never commit: the
entry point opens ``transaction()`` and it commits (or rolls back) once.
"""

from __future__ import annotations

import weakref
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    DateTime,
    Dialect,
    Engine,
    Integer,
    MetaData,
    Table,
    TypeDecorator,
    create_engine,
    delete,
    event,
    select,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql.selectable import ScalarSelect

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments INTEGER PRIMARY KEY; BIGINT keys stay BIGINT on PostgreSQL.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and immediate transactions."""
    if not is_sqlite(url):
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
        kwargs.setdefault("pool_recycle", 1800)
        return create_engine(url, **kwargs)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA cache_size=-65536")  # 64 MiB of page cache per connection
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # writers take the lock up front; a read-only unit of work reads a WAL snapshot
        options = conn.get_execution_options()
        read_only = options.get("saldo_read_only", False)
        # straight to the driver: every unit of work pays this (SQLAlchemy's path costs 40 µs)
        dbapi = conn.connection.dbapi_connection
        bulk = options.get("saldo_bulk", False)
        if conn.connection.info.get("saldo_bulk", False) != bulk:
            # a bulk writer leaves checkpoints to a thread (saldo.checkpoints)
            dbapi.execute(f"PRAGMA wal_autocheckpoint={0 if bulk else 1000}")
            conn.connection.info["saldo_bulk"] = bulk
        dbapi.execute("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False, autoflush=True)


_CONNECTION = "saldo.connection"
_IDLE = 0
"""libpq's PQTRANS_IDLE: a connection between statements, none in flight."""
READ_TIMEOUT_MS = 2000
_AUTOCOMMIT: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def _autocommit_engine(engine: Engine) -> Engine:
    """A pool of autocommit connections to ``engine``'s database, made once and disposed
    with it (switching a pooled connection to autocommit and back costs each unit ~30 µs).

    Its statements are reads and one-statement charges, some run on a web server's event
    loop: any of them taking over ``READ_TIMEOUT_MS`` is cancelled rather than stall it.
    SQLite's (for online charging's links only) is an engine like ``engine``: statements
    outside ``BEGIN`` commit by themselves there anyway, and its connections stay out of the
    units of work's pool and never serve a bulk one (whose WAL checkpoints are a thread's)."""
    found = _AUTOCOMMIT.get(engine)
    if found is not None:
        return found
    if engine.dialect.name == "sqlite":
        made = make_engine(str(engine.url))
    else:
        made = create_engine(
            engine.url,
            connect_args={"options": f"-c statement_timeout={READ_TIMEOUT_MS}"},
            isolation_level="AUTOCOMMIT",
            pool_reset_on_return=None,  # nothing to roll back: each statement commits itself
            pool_size=engine.pool.size(),  # type: ignore[attr-defined]
            max_overflow=20,
            pool_recycle=1800,
        )
    _AUTOCOMMIT[engine] = made
    event.listen(engine, "engine_disposed", lambda *_: made.dispose())
    return made


@contextmanager
def transaction(
    factory: sessionmaker[Session], *, read_only: bool = False, bulk: bool = False
) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error.

    The connection's transaction is begun here and the session joins it, so a unit costs
    SQLAlchemy's Core transaction and not the session's own bookkeeping of one (about half as
    much: every balance enquiry and every charge pays it). ``read_only`` units (a balance
    enquiry) do not queue behind SQLite's writers and are one round trip on PostgreSQL.
    ``bulk`` (SQLite): the commit leaves the WAL checkpoint to ``saldo.checkpoints``.
    """
    engine: Engine = factory.kw["bind"]
    each_statement = read_only and engine.dialect.name != "sqlite"
    if each_statement:
        # one statement is its own consistent snapshot: no BEGIN/COMMIT round trips
        engine = _autocommit_engine(engine)
    with engine.connect() as conn:
        if (read_only or bulk) and conn.dialect.name == "sqlite":
            conn.execution_options(saldo_read_only=read_only, saldo_bulk=bulk)
        # an autocommit connection has no transaction to begin (each statement is one)
        with nullcontext() if each_statement else conn.begin():
            session = factory(bind=conn)
            session.info[_CONNECTION] = conn
            try:
                yield session
                session.flush()
            finally:
                session.close()


class Link:
    """A driver connection outside any unit of work, used through ``fetch_all`` and
    ``execute`` only, for online charging, which a session, a Core connection and a pool
    checkout would cost a third more. On PostgreSQL each statement commits by itself (the
    charge is one statement); on SQLite, in-process, the charge begins and commits its own
    short transaction on it."""

    __slots__ = ("cursor", "dbapi", "dialect", "pooled")

    def __init__(self, pooled: Any, dbapi: Any, dialect: str) -> None:
        self.pooled = pooled
        """Checked out of the pool for as long as the link lives."""
        self.cursor = _kept_cursor(pooled)
        self.dbapi = dbapi
        """The driver module, whose errors are raised as SQLAlchemy's."""
        self.dialect = dialect

    def lost(self) -> bool:
        """Whether the connection is gone (the server went away or cut it off)."""
        driver = self.pooled.dbapi_connection
        if driver is None:
            return True
        return bool(getattr(driver, "closed", False) or getattr(driver, "broken", False))

    def idle(self) -> bool:
        """Between statements and outside any transaction: fit for the next unit."""
        driver = self.pooled.dbapi_connection
        if driver is None:
            return False
        if self.dialect == "sqlite":
            return not driver.in_transaction
        return bool(driver.info.transaction_status == _IDLE)


Unit = Session | Link
"""Where hand-written SQL runs: a unit of work's session, or a ``Link``."""

_LINKS: weakref.WeakKeyDictionary[Engine, deque[Link]] = weakref.WeakKeyDictionary()


@contextmanager
def autocommit_link(engine: Engine) -> Iterator[Link]:
    """A ``Link`` to ``engine``'s database, kept for the next unit when done with.

    Links wait between units in a list of their own, their connections still checked out:
    a checkout from SQLAlchemy's pool and back costs more than either statement of an online
    charge. At most the pool's size wait; when one is left mid-statement or broken, it and
    the waiting ones are dropped. Their connections come from ``_autocommit_engine``.
    """
    idle = _LINKS.get(engine)
    if idle is None:
        idle = _LINKS[engine] = deque()
        event.listen(engine, "engine_disposed", lambda *_: _drop_all(idle))
    try:
        link = idle.pop()
    except IndexError:
        pooled = _autocommit_engine(engine).raw_connection()
        link = Link(pooled, engine.dialect.dbapi, engine.dialect.name)
    try:
        yield link
    finally:
        if not link.idle():
            # interrupted mid-statement or broken: not fit to reuse, and if the server went
            # away the waiting links are broken too (each would fail a charge to find out)
            link.pooled.invalidate()
            link.pooled.close()
            _drop_all(idle)
        elif len(idle) < engine.pool.size():  # type: ignore[attr-defined]
            idle.append(link)
        else:
            link.pooled.close()


def _drop_all(idle: deque[Link]) -> None:
    """Close the waiting links' connections."""
    while True:
        try:
            link = idle.pop()
        except IndexError:
            return
        link.pooled.invalidate()
        link.pooled.close()


class UtcDateTime(TypeDecorator[datetime]):
    """Timestamps are stored in UTC and always come back timezone-aware (SQLite included)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        moment = value.astimezone(UTC)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def table(model: type[Base]) -> Table:
    """The Core table of a mapped class, for set-based statements on hot paths."""
    return cast(Table, model.__table__)


PURGE_BATCH = 1000


def head_ids(
    t: Table, *, batch: int = PURGE_BATCH, by: ColumnElement[Any] | None = None
) -> ScalarSelect[Any]:
    """The ids of the ``batch`` oldest rows of ``t`` (lowest ids, or lowest ``by``), as a
    subquery."""
    return select(t.c.id).order_by(t.c.id if by is None else by).limit(batch).scalar_subquery()


def delete_head(
    session: Session,
    t: Table,
    spent: ColumnElement[bool],
    *,
    batch: int = PURGE_BATCH,
    by: ColumnElement[Any] | None = None,
) -> int:
    """Delete the rows ``spent`` matches among the ``batch`` oldest (lowest ids) of ``t``.

    For purging tables written in time order: a pass reads ``batch`` rows whatever the
    table's size and needs no index on the timestamp; rows still in use at the head wait
    until they are spent too. A table whose rows are rewritten in place is ordered ``by`` an
    indexed timestamp instead. Returns the rows deleted.
    """
    head = head_ids(t, batch=batch, by=by)
    result = session.execute(delete(t).where(t.c.id.in_(head), spent))
    return int(getattr(result, "rowcount", 0))


_PG_SQL: dict[str, str] = {}
_CURSOR = "saldo.cursor"


def _driver(unit: Unit, sql: str) -> tuple[Any, str]:
    """A DB-API cursor inside the unit's transaction, and ``sql`` in the driver's style."""
    if isinstance(unit, Link):
        cursor = unit.cursor
        if unit.dialect == "sqlite":
            return cursor, sql
    else:
        conn = unit.info.get(_CONNECTION) or unit.connection()
        cursor = _kept_cursor(conn.connection)
        if conn.dialect.name == "sqlite":
            return cursor, sql
    return cursor, _PG_SQL.get(sql) or _PG_SQL.setdefault(sql, sql.replace("?", "%s"))


def _kept_cursor(pooled: Any) -> Any:
    """The one cursor of a pooled connection, kept with it and reused (every statement
    fetches all its rows before the next): making one costs more than a short statement."""
    dbapi = pooled.dbapi_connection
    assert dbapi is not None, "a connection in use has its driver connection"
    kept = pooled.info.get(_CURSOR)
    if kept is None or kept[0] is not dbapi:
        kept = pooled.info[_CURSOR] = (dbapi, dbapi.cursor())
    return kept[1]


def fetch_all(unit: Unit, sql: str, params: tuple[Any, ...]) -> list[Any]:
    """Hand-written SQL with ``?`` markers, straight through the driver (hot paths only).

    Timestamps come back as the driver gives them: pass them through ``utc``. Driver errors
    are raised as SQLAlchemy's (IntegrityError, OperationalError…), as any other statement's.
    """
    cursor, sql = _driver(unit, sql)
    try:
        cursor.execute(sql, params)
        return list(cursor.fetchall())
    except Exception as exc:
        raise _wrapped(unit, sql, params, exc) from exc


def execute(unit: Unit, sql: str, params: Any, *, many: bool = False) -> int:
    """Hand-written DML through the driver; returns the row count (summed over ``many``)."""
    cursor, sql = _driver(unit, sql)
    try:
        if many:
            cursor.executemany(sql, params)
        else:
            cursor.execute(sql, params)
        return int(cursor.rowcount)
    except Exception as exc:
        raise _wrapped(unit, sql, params, exc) from exc


def _wrapped(unit: Unit, sql: str, params: Any, exc: Exception) -> Exception:
    """A driver error as SQLAlchemy raises it, so callers (and ``retrying``) treat it alike."""
    dbapi = unit.dbapi if isinstance(unit, Link) else unit.get_bind().dialect.dbapi
    if dbapi is None or not isinstance(exc, dbapi.Error):
        return exc
    return DBAPIError.instance(sql, params, exc, dbapi.Error)


def utc(value: datetime | str | None) -> datetime | None:
    """A stored timestamp as an aware UTC datetime (SQLite stores text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def bind_time(dialect: str, moment: datetime) -> Any:
    """An instant as a hand-written statement binds it (SQLite: the text SQLAlchemy writes)."""
    if dialect == "sqlite":
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return moment


def dialect_name(unit: Unit) -> str:
    if isinstance(unit, Link):
        return unit.dialect
    conn = unit.info.get(_CONNECTION)
    return str((conn or unit.get_bind()).dialect.name)


def db_time(unit: Unit, moment: datetime) -> Any:
    return bind_time(dialect_name(unit), moment)
