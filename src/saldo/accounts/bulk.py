"""Options in bulk: one option added to or removed from many lines, each line in a unit of
work of its own (a line without credit fails alone), answered once per ``Idempotency-Key``.

The entry point passes ``unit`` (a new transaction each call): the request's key is claimed
and committed first, so a concurrent replay sees it; every line then commits or rolls back
alone; the answer is stored last and returned to any replay.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from saldo.accounts.errors import IdempotencyConflict, InvalidFields, NotAllowed
from saldo.accounts.lines import change_option
from saldo.accounts.models import BulkRequest
from saldo.accounts.repository import Scope
from saldo.kit.clock import Clock
from saldo.kit.errors import SaldoError

MAX_LINES = 1000
Unit = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True, slots=True)
class BulkOrder:
    code: str
    action: Literal["add", "remove"]
    lines: Sequence[str]

    def digest(self) -> str:
        text = json.dumps([self.code, self.action, list(self.lines)])
        return hashlib.sha256(text.encode()).hexdigest()


def _outcome(msisdn: str, error: SaldoError | None, lang: str) -> dict[str, Any]:
    if error is None:
        return {"msisdn": msisdn, "ok": True}
    return {
        "msisdn": msisdn,
        "ok": False,
        "error": {"code": error.code, "message": error.message(lang)},
    }


def _claim(unit: Unit, scope: Scope, key: str, digest: str, clock: Clock) -> dict[str, Any] | None:
    """The stored answer of a replay, or None when this request is the first (claimed)."""
    try:
        with unit() as session:
            session.add(
                BulkRequest(
                    account_id=scope.account_id,
                    user_id=scope.user_id,
                    idempotency_key=key,
                    request_digest=digest,
                    created_at=clock.now(),
                )
            )
            session.flush()
        return None
    except IntegrityError:
        pass
    with unit() as session:
        first = session.scalar(
            select(BulkRequest).where(
                BulkRequest.account_id == scope.account_id, BulkRequest.idempotency_key == key
            )
        )
        assert first is not None
        if first.request_digest != digest:
            raise IdempotencyConflict(running=False)
        if first.response is None:
            raise IdempotencyConflict(running=True)
        answer: dict[str, Any] = json.loads(first.response)
        return answer


def run_bulk(
    unit: Unit,
    *,
    scope: Scope,
    order: BulkOrder,
    key: str | None,
    clock: Clock,
    client: str,
    lang: str,
) -> dict[str, Any]:
    """``{"results": [...]}``, one per requested line in the same order."""
    if scope.role == "employee":
        raise NotAllowed()
    if not order.lines or len(order.lines) > MAX_LINES:
        raise InvalidFields(
            [("lines", f"da 1 a {MAX_LINES} numeri", f"from 1 to {MAX_LINES} numbers")]
        )
    if key is not None:
        if not key or len(key) > 200:
            raise InvalidFields(
                [("Idempotency-Key", "da 1 a 200 caratteri", "from 1 to 200 characters")]
            )
        replay = _claim(unit, scope, key, order.digest(), clock)
        if replay is not None:
            return replay
    results = []
    for msisdn in order.lines:
        error: SaldoError | None = None
        try:
            with unit() as session:
                change_option(
                    session,
                    scope=scope,
                    msisdn=msisdn,
                    code=order.code,
                    action=order.action,
                    clock=clock,
                    client=client,
                    channel="business:bulk",
                )
        except SaldoError as exc:
            error = exc
        results.append(_outcome(msisdn, error, lang))
    answer = {"results": results}
    if key is not None:
        with unit() as session:
            stored = session.scalar(
                select(BulkRequest).where(
                    BulkRequest.account_id == scope.account_id, BulkRequest.idempotency_key == key
                )
            )
            assert stored is not None
            stored.response = json.dumps(answer)
    return answer
