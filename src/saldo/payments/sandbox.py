"""The built-in sandbox card provider: no money moves, outcomes are set by test card numbers.

| card number         | outcome                                    |
|---------------------|--------------------------------------------|
| 4242 4242 4242 4242 | approved (Visa)                            |
| 5555 5555 5555 4444 | approved (Mastercard)                      |
| 4000 0000 0000 0002 | declined by the bank                       |
| 4000 0000 0000 9995 | declined: insufficient funds               |
| 4000 0000 0000 0069 | declined: expired card                     |
| 4000 0000 0000 0119 | processing error (the provider is down)    |
| any other number    | declined (it is not a sandbox test card)   |

Any future expiry date and any 3-digit CVC will do. Every charge is recorded in
``sandbox_charge`` under its idempotency key, in a transaction of the provider's own (as a
remote provider would), so the same key never charges twice.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from saldo.db import transaction
from saldo.kit.clock import Clock
from saldo.payments.orders.models import SandboxCharge
from saldo.payments.providers import Card, ChargeResult, Outcome
from saldo.runtime import Runtime

TEST_CARDS: dict[str, Outcome] = {
    "4242424242424242": "approved",
    "5555555555554444": "approved",
    "4000000000000002": "declined",
    "4000000000009995": "insufficient_funds",
    "4000000000000069": "expired_card",
    "4000000000000119": "processing_error",
}


SANDBOX = "saldo.payments.sandbox:from_runtime"
"""What ``SALDO_WEB_PAYMENT_PROVIDER`` says to use the sandbox outside the demo."""


class SandboxProvider:
    name = "sandbox"
    test = True

    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    def charge(self, *, key: str, amount_cents: int, card: Card) -> ChargeResult:
        first = self.lookup(key=key)
        if first is not None:
            return first
        outcome: Outcome = TEST_CARDS.get(card.number, "declined")
        try:
            with transaction(self._sessions) as session:
                session.add(
                    SandboxCharge(
                        idempotency_key=key,
                        amount_cents=amount_cents,
                        card_last4=card.last4,
                        outcome=outcome,
                        provider_ref=f"sbx_{secrets.token_hex(8)}",
                        created_at=self._clock.now(),
                    )
                )
        except IntegrityError:
            pass  # the same key, at the same moment, from a double submit: the first one counts
        result = self.lookup(key=key)
        assert result is not None
        return result

    def lookup(self, *, key: str) -> ChargeResult | None:
        with transaction(self._sessions) as session:
            row = session.execute(
                select(SandboxCharge.outcome, SandboxCharge.provider_ref).where(
                    SandboxCharge.idempotency_key == key
                )
            ).one_or_none()
        return None if row is None else ChargeResult(row.outcome, row.provider_ref)


def from_runtime(rt: Runtime) -> SandboxProvider:
    """The factory of ``SANDBOX``: the demo's provider, anywhere else only when named."""
    return SandboxProvider(rt.sessions, rt.clock)
