"""Password sign-in lockout: after 5 failures within 15 minutes a user, and also a client
address, is locked for 15 minutes, even with the right password.

Counted in ``identity_rate_counter`` through ``limits.SqlStorage`` (the same table as the
login-code limits), so every process shares the counts. A failure window starts at the first
failure; the lock is a counter of its own whose window is the lock itself.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from saldo.identity.errors import AccountLocked
from saldo.identity.limits import SqlStorage


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    realm: str
    """Whose sign-in this is (``business``, ``care``): each has its own counts."""
    failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lock: timedelta = timedelta(minutes=15)

    def keys(self, user: str, client: str) -> tuple[str, str]:
        """The counters' names: the user by a digest of what was typed (any text, even one
        with a NUL byte PostgreSQL cannot store, makes a bounded, storable key)."""
        typed = user.lower().encode("utf-8", "surrogatepass")
        return (
            f"{self.realm}/user/{hashlib.sha256(typed).hexdigest()}",
            f"{self.realm}/client/{client}",
        )


def check_lockout(
    session: Session, *, policy: LockoutPolicy, user: str, client: str, now: datetime
) -> None:
    """``AccountLocked`` (with the seconds left) while the user or the address is locked."""
    storage = SqlStorage(session, now)
    waits = [
        int(storage.get_expiry(f"LOCK/{key}") - now.timestamp())
        for key in policy.keys(user, client)
        if storage.get(f"LOCK/{key}") > 0
    ]
    if waits:
        raise AccountLocked(max(1, max(waits)))


def record_failure(
    session: Session, *, policy: LockoutPolicy, user: str, client: str, now: datetime
) -> bool:
    """Count one failed sign-in of ``user`` from ``client``; True when it locked either."""
    storage = SqlStorage(session, now)
    locked = False
    for key in policy.keys(user, client):
        failures = storage.incr(f"FAIL/{key}", int(policy.window.total_seconds()))
        if failures >= policy.failures:
            storage.incr(f"LOCK/{key}", int(policy.lock.total_seconds()))
            storage.clear(f"FAIL/{key}")
            locked = True
    return locked


def clear_failures(
    session: Session, *, policy: LockoutPolicy, user: str, client: str, now: datetime
) -> None:
    """A successful sign-in forgets the user's earlier failures (not the address's)."""
    user_key, _ = policy.keys(user, client)
    SqlStorage(session, now).clear(f"FAIL/{user_key}")
