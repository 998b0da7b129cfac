"""The outbox: messages queued in the caller's transaction (gone if it rolls back), sent after
commit at most once, retried with backoff when the transport fails, failed for good after
MAX_ATTEMPTS; the inbox a line reads; and what the worker may delete."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from saldo.kit.clock import FixedClock
from saldo.notifications import repository, service
from saldo.notifications.delivery import deliver
from saldo.notifications.models import OutboxMessage
from saldo.runtime import Runtime

ME, OTHER = "+393471110001", "+393471110002"


class Recorder:
    """A transport that keeps what it was given; ``failing`` makes it refuse every message."""

    def __init__(self, *, failing: bool = False) -> None:
        self.sent: list[tuple[str, str, str]] = []
        self.failing = failing

    def send(self, *, sender: str, recipient: str, body: str) -> str | None:
        if self.failing:
            raise ConnectionError("SMSC unreachable")
        self.sent.append((sender, recipient, body))
        return f"ext-{len(self.sent)}"


def _queue(rt: Runtime, recipient: str, body: str, **kw: object) -> bool:
    with rt.transaction() as s:
        return service.enqueue(
            s, recipient=recipient, body=body, now=rt.clock.now(), **{"topic": "reply", **kw}
        )


def _messages(rt: Runtime) -> list[OutboxMessage]:
    with rt.transaction() as s:
        rows = list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        s.expunge_all()
    return rows


def test_a_dedup_key_queues_a_message_once(rt: Runtime) -> None:
    assert _queue(rt, ME, "first", dedup_key="renewal:1")
    assert not _queue(rt, ME, "second", dedup_key="renewal:1")
    assert _queue(rt, ME, "no key")
    assert _queue(rt, ME, "no key")
    assert [m.body for m in _messages(rt)] == ["first", "no key", "no key"]


def test_a_message_of_a_rolled_back_transaction_is_never_sent(rt: Runtime) -> None:
    try:
        with rt.transaction() as s:
            service.enqueue(s, recipient=ME, body="lost", topic="reply", now=rt.clock.now())
            raise RuntimeError("the work failed")
    except RuntimeError:
        pass
    transport = Recorder()
    assert deliver(rt, transport) == 0
    assert transport.sent == []


def test_each_message_is_sent_once_after_commit(rt: Runtime) -> None:
    _queue(rt, ME, "a", sender="4155")
    _queue(rt, OTHER, "b", sender="4155")
    _queue(rt, ME, "c", channel="email")
    transport = Recorder()
    assert deliver(rt, transport, channel="sms") == 2
    assert transport.sent == [("4155", ME, "a"), ("4155", OTHER, "b")]
    assert deliver(rt, transport, channel="sms") == 0
    assert deliver(rt, transport) == 1  # the e-mail, with no channel named
    assert deliver(rt, transport) == 0
    rows = _messages(rt)
    assert [(m.status, m.external_id, m.attempts) for m in rows] == [
        ("sent", "ext-1", 1),
        ("sent", "ext-2", 1),
        ("sent", "ext-3", 1),
    ]
    assert all(m.sent_at == rt.clock.now() for m in rows)


def test_a_failed_send_is_retried_with_backoff_then_failed_for_good(
    rt: Runtime, clock: FixedClock
) -> None:
    _queue(rt, ME, "alert")
    down = Recorder(failing=True)
    waits = []
    for attempt in range(1, service.MAX_ATTEMPTS + 1):
        assert deliver(rt, down) == 0
        (message,) = _messages(rt)
        assert message.attempts == attempt
        assert message.error == "SMSC unreachable"
        if attempt == service.MAX_ATTEMPTS:
            break
        assert message.status == "pending"
        waits.append(message.next_attempt_at - clock.now())
        assert deliver(rt, down) == 0  # not due yet: not even tried
        assert _messages(rt)[0].attempts == attempt
        clock.set(message.next_attempt_at)
    assert waits == [timedelta(seconds=min(3600, 5 * 2**n)) for n in range(1, 8)]
    assert _messages(rt)[0].status == "failed"
    clock.set(clock.now() + timedelta(days=1))
    up = Recorder()
    assert deliver(rt, up) == 0
    assert up.sent == []


def test_a_transport_back_up_sends_what_waited(rt: Runtime, clock: FixedClock) -> None:
    _queue(rt, ME, "alert")
    assert deliver(rt, Recorder(failing=True)) == 0
    clock.set(_messages(rt)[0].next_attempt_at)
    up = Recorder()
    assert deliver(rt, up) == 1
    assert up.sent == [("", ME, "alert")]
    (message,) = _messages(rt)
    assert (message.status, message.error, message.attempts) == ("sent", None, 2)


def test_a_delivery_receipt_marks_the_message(rt: Runtime) -> None:
    _queue(rt, ME, "a")
    _queue(rt, ME, "b")
    deliver(rt, Recorder())
    with rt.transaction() as s:
        assert service.mark_delivery(s, external_id="ext-1", delivered=True)
        assert service.mark_delivery(s, external_id="ext-2", delivered=False)
        assert not service.mark_delivery(s, external_id="ext-404", delivered=True)
    assert [m.status for m in _messages(rt)] == ["delivered", "failed"]


def test_the_inbox_is_the_lines_own_messages_without_login_codes(rt: Runtime) -> None:
    _queue(rt, ME, "renewed", topic="renewal")
    _queue(rt, ME, "code 123456", topic="otp")
    _queue(rt, OTHER, "not mine", topic="renewal")
    _queue(rt, ME, "threshold", topic="threshold")
    with rt.transaction() as s:
        assert [m.body for m in repository.inbox(s, msisdn=ME)] == ["threshold", "renewed"]
        assert [m.body for m in repository.inbox(s, msisdn=ME, limit=1)] == ["threshold"]


def test_a_line_marks_only_its_own_messages_read(rt: Runtime, clock: FixedClock) -> None:
    _queue(rt, ME, "one")
    _queue(rt, ME, "two")
    _queue(rt, ME, "code", topic="otp")
    _queue(rt, OTHER, "theirs")
    one, two, code, theirs = (m.id for m in _messages(rt))
    now = clock.now()
    with rt.transaction() as s:
        assert repository.mark_read(s, msisdn=ME, now=now, message_id=theirs) == 0
        assert repository.mark_read(s, msisdn=ME, now=now, message_id=code) == 0
        assert repository.mark_read(s, msisdn=ME, now=now, message_id=one) == 1
        assert repository.mark_read(s, msisdn=ME, now=now, message_id=one) == 0
        assert repository.mark_read(s, msisdn=ME, now=now, message_id=None) == 1
    read = {m.id: m.read_at for m in _messages(rt)}
    assert read == {one: now, two: now, code: None, theirs: None}


def test_spent_messages_are_final_ones_past_retention_and_codes_after_a_day(
    rt: Runtime, clock: FixedClock
) -> None:
    _queue(rt, ME, "old, sent")
    _queue(rt, ME, "code", topic="otp")
    deliver(rt, Recorder())
    _queue(rt, ME, "old, pending", channel="email")
    kept = timedelta(days=180)
    old_sent, code, pending = (m.id for m in _messages(rt))
    with rt.transaction() as s:
        assert service.spent(s, now=clock.now() + timedelta(hours=23), kept=kept) == []
        assert service.spent(s, now=clock.now() + timedelta(days=2), kept=kept) == [code]
        later = clock.now() + kept + timedelta(seconds=1)
        assert sorted(service.spent(s, now=later, kept=kept)) == [old_sent, code]
        assert service.purge(s, ids=[old_sent, code]) == 2
        assert service.purge(s, ids=[]) == 0
    assert [m.id for m in _messages(rt)] == [pending]
