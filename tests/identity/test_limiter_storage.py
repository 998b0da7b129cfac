"""The limiter's storage is the database: concurrent requests (as from N processes, each on
a connection of its own) never pass a limit together, and windows end on the runtime's clock."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from saldo.identity import service as identity
from saldo.identity.limits import SignInLimits
from saldo.kit.clock import FixedClock
from saldo.runtime import Runtime

LIMITS = SignInLimits(per_address_minute=10, per_address_hour=0, per_range_hour=0)


def _admitted(rt: Runtime, i: int) -> bool:
    with rt.transaction() as session:
        admission = identity.admit_code_request(
            session,
            client="203.0.113.9",
            msisdn=f"+39348{i:03d}0000",
            now=rt.clock.now(),
            limits=LIMITS,
        )
    return admission.refused is None


def test_concurrent_requests_never_pass_the_limit_together(rt: Runtime, clock: FixedClock) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda i: _admitted(rt, i), range(24)))
    assert answers.count(True) == 10
    clock.set(clock.now() + timedelta(seconds=59))
    assert not _admitted(rt, 99)
    clock.set(clock.now() + timedelta(seconds=1))  # the minute's window has ended
    assert _admitted(rt, 99)
