"""The outbox delivery loop: due messages are sent after the transaction that queued them
committed, each in units of work of its own, at most once."""

from __future__ import annotations

from collections.abc import Callable

import structlog

from saldo.notifications import service as outbox
from saldo.notifications.models import OutboxMessage
from saldo.notifications.service import Transport
from saldo.runtime import Runtime

log = structlog.get_logger(__name__)
Send = Callable[[OutboxMessage], "str | None"]


def deliver(rt: Runtime, transport: Transport, *, channel: str | None = None) -> int:
    """Send due outbox messages (of ``channel``, or all) after their transaction committed;
    each is sent at most once."""

    def send(message: OutboxMessage) -> str | None:
        return transport.send(sender=message.sender, recipient=message.recipient, body=message.body)

    return deliver_with(rt, send, channel=channel)


def deliver_with(rt: Runtime, send: Send, *, channel: str | None) -> int:
    """``deliver`` with any sending function (e-mail needs the whole message)."""
    with rt.transaction() as session:
        batch = outbox.claim_due(session, now=rt.clock.now(), channel=channel)
    sent = 0
    for message in batch:
        try:
            external_id = send(message)
        except Exception as exc:  # a transport failure is retried later, never lost
            log.warning("outbox.send_failed", id=message.id, error=str(exc))
            with rt.transaction() as session:
                outbox.mark_failed(
                    session,
                    message_id=message.id,
                    attempts=message.attempts,
                    error=str(exc),
                    now=rt.clock.now(),
                )
            continue
        with rt.transaction() as session:
            outbox.mark_sent(
                session, message_id=message.id, external_id=external_id, now=rt.clock.now()
            )
        sent += 1
    return sent
