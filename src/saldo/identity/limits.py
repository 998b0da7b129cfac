"""Sign-in limits over many numbers: per client address, per number range, and a global
budget of login SMS. Counted by the ``limits`` library's fixed-window strategy over a table of
Saldo's database (``SqlStorage``), so every ``saldo serve`` process shares the counts.

Why a storage class and not per-process memory or Redis: Saldo's processes share nothing but
the database, and a fixed window is one row per counter, moved by one upsert per hit (a
moving window would need a row per hit). Every limit is applied before anything about the
number is looked up, with the same keys for every number: the limiter cannot tell a
customer from a stranger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import structlog
from limits import RateLimitItem, RateLimitItemPerHour, RateLimitItemPerMinute
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import bindparam, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from saldo.config import WebSettings
from saldo.db import PURGE_BATCH, dialect_name, utc
from saldo.identity.errors import TooManySignIns
from saldo.identity.repository import counter_t

log = structlog.get_logger(__name__)
RANGE_DIGITS = 4
"""A number range is the number without its last 4 digits (10,000 numbers)."""


class SqlStorage(Storage):
    """``limits`` storage over ``identity_rate_counter``, in the caller's unit of work and on
    the caller's clock (tests and demos move time)."""

    STORAGE_SCHEME = None  # built with a unit of work, never from a URI

    def __init__(self, session: Session, now: datetime) -> None:
        super().__init__()
        self.session = session
        self.now = now

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """One atomic upsert: a hit in the current window, or the first of a new one."""
        params = {
            "name": key,
            "amount": amount,
            "ends": self.now + timedelta(seconds=expiry),
            "now": self.now,
        }
        return int(
            self.session.execute(_incr_stmt(dialect_name(self.session)), params).scalar_one()
        )

    def _row(self, key: str) -> Any:
        return self.session.execute(
            select(counter_t.c.hits, counter_t.c.expires_at).where(
                counter_t.c.name == key, counter_t.c.expires_at > self.now
            )
        ).one_or_none()

    def get(self, key: str) -> int:
        row = self._row(key)
        return 0 if row is None else int(row.hits)

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        ends = self.now if row is None else utc(row.expires_at)
        assert ends is not None
        return ends.timestamp()

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        return int(getattr(self.session.execute(delete(counter_t)), "rowcount", 0))

    def clear(self, key: str) -> None:
        self.session.execute(delete(counter_t).where(counter_t.c.name == key))


@cache
def _incr_stmt(dialect: str) -> Any:
    # Built once per dialect: building it costs more than running it.
    t = counter_t
    when = t.c.expires_at.type
    ends, now = bindparam("ends", type_=when), bindparam("now", type_=when)
    amount = bindparam("amount", type_=t.c.hits.type)
    current = t.c.expires_at > now
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(t)
        .values(name=bindparam("name"), hits=amount, expires_at=ends)
        .on_conflict_do_update(
            index_elements=[t.c.name],
            set_={
                "hits": case((current, t.c.hits + amount), else_=amount),
                "expires_at": case((current, t.c.expires_at), else_=ends),
            },
        )
        .returning(t.c.hits)
    )


@dataclass(frozen=True, slots=True)
class SignInLimits:
    """The limits, from ``SALDO_WEB_OTP_*`` (``WebSettings``)."""

    per_address_minute: int = 10
    per_address_hour: int = 30
    wrong_per_address_hour: int = 30
    per_range_hour: int = 60
    sms_per_minute: int = 300

    @classmethod
    def of(cls, web: WebSettings) -> SignInLimits:
        return cls(
            per_address_minute=web.otp_per_address_minute,
            per_address_hour=web.otp_per_address_hour,
            wrong_per_address_hour=web.otp_wrong_per_address_hour,
            per_range_hour=web.otp_per_range_hour,
            sms_per_minute=web.otp_sms_per_minute,
        )


@dataclass(frozen=True, slots=True)
class Admission:
    """Whether a request passed every limit. Refused hits are counted too, so this is
    returned (and committed) before ``raise_if_refused``."""

    refused: TooManySignIns | None = None

    def raise_if_refused(self) -> None:
        if self.refused is not None:
            raise self.refused


def _refusal(storage: SqlStorage, item: RateLimitItem, key: str, *, busy: bool) -> Admission:
    wait = int(storage.get_expiry(item.key_for(key)) - storage.now.timestamp())
    return Admission(TooManySignIns(max(1, wait), busy=busy))


def admit_code_request(
    session: Session, *, client: str, msisdn: str, now: datetime, limits: SignInLimits
) -> Admission:
    """Count one login-code request from ``client`` for ``msisdn`` (E.164) against the
    limits of its address, of its number range and the global SMS budget, in that order:
    a request refused by one limit does not count towards the next."""
    storage = SqlStorage(session, now)
    limiter = FixedWindowRateLimiter(storage)
    checks = (
        (RateLimitItemPerMinute(limits.per_address_minute, namespace="otp-address"), client),
        (RateLimitItemPerHour(limits.per_address_hour, namespace="otp-address"), client),
        (
            RateLimitItemPerHour(limits.per_range_hour, namespace="otp-range"),
            msisdn[:-RANGE_DIGITS],
        ),
    )
    for item, key in checks:
        if item.amount > 0 and not limiter.hit(item, key):
            return _refusal(storage, item, key, busy=False)
    budget = RateLimitItemPerMinute(limits.sms_per_minute, namespace="otp-sms")
    if budget.amount > 0 and not limiter.hit(budget, "all"):
        _alarm(storage, budget, now)
        return _refusal(storage, budget, "all", busy=True)
    return Admission()


def _alarm(storage: SqlStorage, budget: RateLimitItem, now: datetime) -> None:
    """The login SMS budget is exhausted: someone may be pumping SMS at the operator's cost.
    Logged as an error once per window (the first refusal; the count is shared by every
    process), with how many requests it refused today."""
    refused = storage.incr("ALARM/otp-sms/refused-today", _until_midnight(now))
    if storage.get(budget.key_for("all")) == budget.amount + 1:
        log.error(
            "identity.login_sms_budget_exceeded",
            budget_per_minute=budget.amount,
            refused_today=refused,
        )


def _until_midnight(now: datetime) -> int:
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((midnight - now).total_seconds()))


def refused_sms_today(session: Session, *, now: datetime) -> int:
    """Login-code requests refused by the SMS budget today (UTC): the operator's counter."""
    return SqlStorage(session, now).get("ALARM/otp-sms/refused-today")


def _wrong_item(limits: SignInLimits) -> RateLimitItem:
    return RateLimitItemPerHour(limits.wrong_per_address_hour, namespace="otp-wrong")


def admit_code_check(
    session: Session, *, client: str, now: datetime, limits: SignInLimits
) -> Admission:
    """Whether ``client`` may try a code: fewer wrong codes than the limit this hour, over
    every number."""
    item = _wrong_item(limits)
    storage = SqlStorage(session, now)
    if item.amount > 0 and not FixedWindowRateLimiter(storage).test(item, client):
        return _refusal(storage, item, client, busy=False)
    return Admission()


def count_wrong_code(session: Session, *, client: str, now: datetime, limits: SignInLimits) -> None:
    """A wrong, burned or missing code tried from ``client``."""
    item = _wrong_item(limits)
    if item.amount > 0:
        FixedWindowRateLimiter(SqlStorage(session, now)).hit(item, client)


def purge(session: Session, *, now: datetime) -> int:
    """Delete windows that have ended (oldest first, in a batch); the rows deleted."""
    ended = (
        select(counter_t.c.name)
        .where(counter_t.c.expires_at <= now)
        .order_by(counter_t.c.expires_at)
        .limit(PURGE_BATCH)
    )
    result = session.execute(delete(counter_t).where(counter_t.c.name.in_(ended)))
    return int(getattr(result, "rowcount", 0))
