"""A login code sent just before the secret key was rotated still signs in, under the key
kept in ``SALDO_WEB_PREVIOUS_SECRET_KEYS``; under an unknown key it is a wrong try."""

from __future__ import annotations

import re

from sqlalchemy import select

from saldo.identity import service
from saldo.notifications.models import OutboxMessage
from saldo.runtime import Runtime
from tests.factories import make_line

OLD, NEW, OTHER = "o" * 40, "n" * 40, "x" * 40


def _code_under(rt: Runtime, msisdn: str, key: str) -> str:
    """The code the line receives by SMS, its hash made under ``key``."""
    with rt.transaction() as s:
        e164 = service.request_code(s, msisdn=msisdn, now=rt.clock.now(), secret=key)
        body = s.scalars(
            select(OutboxMessage.body)
            .where(OutboxMessage.recipient == e164, OutboxMessage.topic == "otp")
            .order_by(OutboxMessage.id.desc())
        ).first()
    assert body is not None
    return body[:6]


def _check(rt: Runtime, msisdn: str, code: str, previous: list[str]) -> str:
    with rt.transaction() as s:
        result = service.check_code(
            s, msisdn=msisdn, code=code, now=rt.clock.now(), secret=NEW, previous_secrets=previous
        )
        return result.outcome


def test_a_code_sent_under_the_previous_key_still_signs_in(rt: Runtime) -> None:
    msisdn = make_line(rt)
    code = _code_under(rt, msisdn, OLD)
    assert re.fullmatch(r"[0-9]{6}", code)
    assert _check(rt, msisdn, code, [OTHER]) == "wrong"  # not a key the server keeps
    assert _check(rt, msisdn, code, [OTHER, OLD]) == "ok"


def test_a_code_sent_under_the_current_key_needs_no_previous_one(rt: Runtime) -> None:
    msisdn = make_line(rt)
    code = _code_under(rt, msisdn, NEW)
    assert _check(rt, msisdn, code, []) == "ok"
