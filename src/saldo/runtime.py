"""What an entry point needs: settings, engine, session factory and clock, made once."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from saldo import migrate
from saldo.config import Settings, get_settings
from saldo.db import Link, autocommit_link, make_engine, make_sessionmaker, transaction
from saldo.kit.clock import Clock, FixedClock, SystemClock, parse_instant

T = TypeVar("T")


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with transaction(self.sessions) as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work (balance enquiries on every channel)."""
        with transaction(self.sessions, read_only=True) as session:
            yield session

    def autocommit(self) -> AbstractContextManager[Link]:
        """A driver connection outside any unit of work, for online charging (``db.Link``)."""
        return autocommit_link(self.engine)


def clock_from_env() -> Clock:
    """``SALDO_NOW`` (ISO 8601) fixes the clock, for tests and demos that move time."""
    now = os.environ.get("SALDO_NOW")
    return FixedClock(parse_instant(now)) if now else SystemClock()


def build_runtime(settings: Settings | None = None, *, clock: Clock | None = None) -> Runtime:
    settings = settings or get_settings()
    engine = make_engine(settings.database_url)
    migrate.ensure(engine, migrate=settings.auto_migrate)
    return Runtime(settings, engine, make_sessionmaker(engine), clock or clock_from_env())


def retrying(runtime: Runtime, work: Callable[[Session], T], attempts: int = 8) -> T:
    """Run ``work`` in its own transaction; a race lost on a unique key or lock is run again.

    A replayed request then finds the first result (idempotency keys) and changes nothing.
    """
    for attempt in range(attempts):
        try:
            with runtime.transaction() as session:
                return work(session)
        except (IntegrityError, OperationalError) as exc:
            if attempt == attempts - 1 or not retryable(exc):
                raise
            time.sleep(random.uniform(0, 0.005 * 2**attempt))
    raise AssertionError("unreachable")


def retryable(exc: Exception) -> bool:
    """A lost race: a unique key taken meanwhile, a deadlock, a busy database."""
    if isinstance(exc, IntegrityError):
        return True
    text = str(exc).lower()
    return "deadlock" in text or "could not serialize" in text or "database is locked" in text
