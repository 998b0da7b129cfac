"""The worker deletes what has served its purpose, and nothing else."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import Table, func, select

from saldo.balances.models import LedgerEntry
from saldo.channels.menus import repository as menus
from saldo.channels.menus.models import MenuSession
from saldo.channels.sms import repository as sms
from saldo.channels.sms.engine import Inbound, handle_inbound
from saldo.channels.sms.models import SmsFlood, SmsInbound, SmsSubmit
from saldo.charging.models import UsageRecord
from saldo.config import SmsSettings
from saldo.db import PURGE_BATCH, table
from saldo.identity import repository as identity
from saldo.identity import service as auth
from saldo.identity.models import LoginCode, PinFailure
from saldo.identity.models import PrincipalSession as WebSession
from saldo.kit.clock import FixedClock
from saldo.lines.models import Line
from saldo.notifications import service as outbox
from saldo.notifications.models import OutboxMessage
from saldo.runtime import Runtime
from saldo.worker import purge, run_once
from tests.factories import make_line, use

TABLES = {
    "sms_inbound": table(SmsInbound),
    "sms_submit": table(SmsSubmit),
    "sms_flood": table(SmsFlood),
    "outbox": table(OutboxMessage),
    "menu_session": table(MenuSession),
    "pin_failure": table(PinFailure),
    "login_code": table(LoginCode),
    "web_session": table(WebSession),
}


def _later(clock: FixedClock, by: timedelta) -> None:
    clock.set(clock.now() + by)


def _ids(rt: Runtime, t: Table) -> set[int]:
    with rt.transaction() as session:
        return set(session.scalars(select(t.c.id)))


def _count(rt: Runtime, t: Table) -> int:
    with rt.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(t)) or 0)


def _everything(rt: Runtime, clock: FixedClock) -> dict[str, set[int]]:
    """One of each kind of row the worker purges, made at the clock's time; their ids."""
    msisdn = make_line(rt)
    use(rt, msisdn, service="sms", quantity=1)
    now = clock.now()
    with rt.transaction() as session:
        line_id = session.scalar(select(Line.id).where(Line.msisdn == msisdn))
        assert line_id is not None
        handle_inbound(
            session,
            message=Inbound(sender=msisdn, recipient="4155", text="SALDO", ref="smpp:1"),
            now=now,
            settings=SmsSettings(),
        )
        auth.request_code(session, msisdn=msisdn, now=now, secret="s" * 32)
        auth.open_session(
            session, line_id=line_id, kind="browser", now=now, lifetime=timedelta(hours=12)
        )
        menus.insert_session(
            session,
            channel="ussd",
            key="u-1",
            menu="ussd",
            step=0,
            msisdn=msisdn,
            dialog="{}",
            reply="{}",
            now=now,
        )
        session.execute(
            identity.pin_failure_t.insert().values(
                msisdn=msisdn, channel="twilio", session_key="CA1", created_at=now
            )
        )
    with rt.transaction() as session:  # the reply, the login code and an alert go out
        outbox.enqueue(session, recipient=msisdn, body="80%", topic="threshold", now=now)
        reply, code, alert = outbox.claim_due(session, now=now)
        assert (reply.topic, code.topic, alert.topic) == ("sms_reply", "otp", "threshold")
        sms.record_sent(session, sent=[(reply.id, ["smsc-1"]), (alert.id, ["smsc-2"])], now=now)
        sms.record_receipt(
            session, smsc_message_id="smsc-1", state="DELIVRD", delivered=True, now=now
        )  # the alert's receipt never comes
        outbox.mark_sent(session, message_id=code.id, external_id="gw-2", now=now)
        # a receipt for nothing we sent, and a message that never went out
        sms.record_receipt(
            session, smsc_message_id="smsc-x", state="DELIVRD", delivered=True, now=now
        )
        outbox.enqueue(session, recipient=msisdn, body="in attesa", topic="renewal", now=now)
    return {name: _ids(rt, t) for name, t in TABLES.items()}


def _left(rt: Runtime, made: dict[str, set[int]]) -> dict[str, int]:
    """How many of the rows ``made`` are still there, by kind."""
    return {name: len(made[name] & _ids(rt, t)) for name, t in TABLES.items()}


def test_each_kind_of_row_goes_when_it_is_spent_and_money_never_goes(
    rt: Runtime, clock: FixedClock
) -> None:
    made = _everything(rt, clock)
    assert {name: len(ids) for name, ids in made.items()} == {
        "sms_inbound": 1,
        "sms_submit": 3,  # the reply's part, the alert's, the stray receipt
        "sms_flood": 1,  # the SMS's sender, in its window
        "outbox": 4,  # the reply, the login code, the alert, the message still waiting
        "menu_session": 1,
        "pin_failure": 1,
        "login_code": 1,
        "web_session": 1,
    }
    money = (_count(rt, table(LedgerEntry)), _count(rt, table(UsageRecord)))

    _later(clock, timedelta(hours=23))  # only the flood window has ended
    run_once(rt)
    assert _left(rt, made) == {name: len(ids) for name, ids in made.items()} | {"sms_flood": 0}

    _later(clock, timedelta(days=1, hours=1))  # sign-in, calls, PINs and the code are spent
    assert run_once(rt)["purged"] == 5
    assert _left(rt, made) == {
        "sms_inbound": 1,
        "sms_submit": 3,
        "sms_flood": 0,
        "outbox": 3,
        "menu_session": 0,
        "pin_failure": 0,
        "login_code": 0,
        "web_session": 0,
    }

    _later(clock, timedelta(days=rt.settings.retention_days - 2))  # a day short of retention
    run_once(rt)
    assert _left(rt, made)["sms_inbound"] == 1

    _later(clock, timedelta(days=1, seconds=1))
    run_once(rt)
    assert _left(rt, made) == {
        "sms_inbound": 0,
        "sms_submit": 0,
        "sms_flood": 0,
        "outbox": 1,  # never sent: never purged
        "menu_session": 0,
        "pin_failure": 0,
        "login_code": 0,
        "web_session": 0,
    }
    ledger, usage = money
    assert _count(rt, table(UsageRecord)) == usage
    assert _count(rt, table(LedgerEntry)) >= ledger  # renewals since added entries, none went


def test_a_flood_counter_goes_when_its_window_ends_and_not_a_second_before(
    rt: Runtime, clock: FixedClock
) -> None:
    window = timedelta(seconds=rt.settings.sms.flood_window_seconds)
    sender = "+393471234567"
    with rt.transaction() as session:
        for _ in range(3):
            sms.count_request(session, sender=sender, now=clock.now(), window=window)

    _later(clock, window - timedelta(seconds=1))
    purge(rt, now=clock.now())
    with rt.transaction() as session:  # still counted in its window
        assert sms.count_request(session, sender=sender, now=clock.now(), window=window) == 4

    _later(clock, timedelta(seconds=1))
    assert purge(rt, now=clock.now()) == 1
    assert _count(rt, table(SmsFlood)) == 0


BACKLOG = PURGE_BATCH * 2 + 7


def _backlog(rt: Runtime, clock: FixedClock) -> int:
    """``BACKLOG`` SMS received and as many answers sent, one part each, all past retention
    once the clock moves on; the rows made."""
    now = clock.now()
    with rt.transaction() as session:
        for n in range(BACKLOG):
            sms.claim_inbound(
                session,
                ref=f"smpp:{n}",
                sender="+393471234567",
                recipient="4155",
                text="SALDO",
                command="summary",
                outcome="replied",
                now=now,
            )
            outbox.enqueue(session, recipient="+393471234567", body="ok", topic="reply", now=now)
        claimed = outbox.claim_due(session, now=now, limit=BACKLOG)
        sms.record_sent(session, sent=[(m.id, [f"smsc-{m.id}"]) for m in claimed], now=now)
    _later(clock, timedelta(days=rt.settings.retention_days, seconds=1))
    return BACKLOG * 3


def _left_anywhere(rt: Runtime) -> int:
    return sum(_count(rt, TABLES[name]) for name in ("sms_inbound", "sms_submit", "outbox"))


def test_a_pass_purges_batch_after_batch_until_none_is_left(rt: Runtime, clock: FixedClock) -> None:
    made = _backlog(rt, clock)
    assert run_once(rt)["purged"] == made
    assert _left_anywhere(rt) == 0


def test_two_workers_purging_at_once_fail_nothing_and_delete_each_row_once(
    rt: Runtime, clock: FixedClock
) -> None:
    made = _backlog(rt, clock)
    start = threading.Barrier(2)

    def worker() -> int:
        start.wait()
        return purge(rt, now=clock.now())

    with ThreadPoolExecutor(2) as pool:
        counts = [f.result() for f in [pool.submit(worker), pool.submit(worker)]]
    assert sum(counts) == made
    assert _left_anywhere(rt) == 0
