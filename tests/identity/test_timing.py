"""Timing must not tell customers apart: ``POST /api/v1/auth/otp`` does the same work, with
the same statements, for a customer's number and for a stranger's.

The probe measured 3.2 ms for a customer and 2.7 ms for a stranger (the customer's SMS was
looked up, built and queued in statements of its own): a gap of about 18 %; on this test's
server the same code measured 9 %. Here both medians of many interleaved requests (each pair
in alternating order, the clock moved on so that no per-number limit answers instead) must be
within ``MARGIN`` of each other: 6 %, below the gap the old code shows and twice the gap
measured now (2-3 % on a loaded 2-core machine, where one request row more or less in the
outbox is all that differs).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from datetime import timedelta

from saldo.kit.clock import FixedClock
from tests.channels.web.support import Web
from tests.factories import make_line
from tests.identity.conftest import number

ROUNDS = 200
MARGIN = 0.06
HIGH = 10**9  # the limiter runs, and counts, but never answers instead


def test_a_code_request_takes_as_long_for_a_customer_as_for_a_stranger(
    app: Callable[..., Web], clock: FixedClock
) -> None:
    web = app(
        otp_per_address_minute=HIGH,
        otp_per_address_hour=HIGH,
        otp_per_range_hour=HIGH,
        otp_sms_per_minute=HIGH,
    )
    customer, stranger = make_line(web.rt), number(1)
    client = web.client()
    spent: dict[str, list[float]] = {customer: [], stranger: []}
    start = clock.now()
    for i in range(ROUNDS + 20):
        clock.set(start + timedelta(minutes=5 * i))  # 3 codes a number in 15 minutes
        for msisdn in (customer, stranger) if i % 2 else (stranger, customer):
            began = time.perf_counter()
            answer = client.post("/api/v1/auth/otp", json={"msisdn": msisdn})
            took = time.perf_counter() - began
            assert answer.status_code == 202, answer.text
            if i >= 20:  # the first rounds warm caches and connections up
                spent[msisdn].append(took)
    assert web.codes_sent(customer) == ROUNDS + 20 and web.codes_sent(stranger) == 0
    mine, theirs = statistics.median(spent[customer]), statistics.median(spent[stranger])
    if os.environ.get("SALDO_TIMING_REPORT"):
        print(f"customer {mine * 1000:.3f} ms, stranger {theirs * 1000:.3f} ms")
    assert abs(mine - theirs) <= MARGIN * min(mine, theirs), (mine, theirs)
