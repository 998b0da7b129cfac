"""``saldo worker``: the time-driven jobs, each in transactions of its own."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import structlog

from saldo.billing import dunning
from saldo.billing import runs as bill_runs
from saldo.channels.menus import repository as menus
from saldo.channels.sms import repository as sms
from saldo.charging import renewals
from saldo.charging.reservations import expire_reservations
from saldo.identity import service as identity
from saldo.kit.clock import to_rome
from saldo.kit.origin import WORKER
from saldo.notifications import service as outbox
from saldo.notifications.delivery import deliver, deliver_with
from saldo.notifications.email import smtp_transport
from saldo.notifications.service import Transport
from saldo.runtime import Runtime

log = structlog.get_logger(__name__)


def run_once(rt: Runtime, *, transport: Transport | None = None) -> dict[str, int]:
    """One pass over everything due at the runtime's clock: SMS through ``transport`` (when
    given), e-mails over SMTP (when ``SALDO_SMTP_HOST`` is set)."""
    now = rt.clock.now()
    report = {
        "renewed": 0,
        "expired": 0,
        "reservations": 0,
        "warned": 0,
        "sent": 0,
        "purged": 0,
        "invoiced": 0,
        "overdue": 0,
        "reminded": 0,
    }
    while True:
        with rt.transaction() as session:
            due = renewals.due_renewals(session, now=now, limit=200)
        if not due:
            break
        for line_id in due:
            with rt.transaction() as session:
                report["renewed"] += renewals.renew_line(
                    session, line_id=line_id, now=now, origin=WORKER
                )
        if len(due) < 200:
            break
    with rt.transaction() as session:
        report["expired"] = renewals.expire_due(session, now=now, origin=WORKER)
    with rt.transaction() as session:
        report["reservations"] = expire_reservations(session, now=now, origin=WORKER)
    with rt.transaction() as session:
        report["warned"] = renewals.warn_renewals(session, now=now)
    report["invoiced"] = bill_runs.monthly(rt, now=now)
    with rt.transaction() as session:
        report["overdue"] = dunning.mark_overdue(session, today=to_rome(now).date())
        report["reminded"] = dunning.send_reminders(session, now=now)
    if transport is not None:
        report["sent"] = deliver(rt, transport, channel="sms")
    email = smtp_transport(rt.settings.smtp)
    if email is not None:
        report["sent"] += deliver_with(rt, email.send_email, channel="email")
    report["purged"] = purge(rt, now=now)
    return report


def purge(rt: Runtime, *, now: datetime) -> int:
    """Delete what has served its purpose: SMS received and messages sent (the in-app inbox
    too) after ``retention_days``; call and sign-in state, PIN failures, login codes' messages
    and SMS flood counters once they can no longer be used or counted. Ledger, usage records
    and top-ups are never deleted. In batches, each in a transaction of its own; returns the
    rows deleted."""
    kept = timedelta(days=rt.settings.retention_days)
    flood_window = timedelta(seconds=rt.settings.sms.flood_window_seconds)
    total = 0
    while True:
        with rt.transaction() as session:
            messages = outbox.spent(session, now=now, kept=kept)
            deleted = (
                sms.purge(  # parts first
                    session, now=now, kept=kept, messages=messages, flood_window=flood_window
                )
                + outbox.purge(session, ids=messages)
                + menus.purge(session, now=now)
                + identity.purge(session, now=now)
            )
        total += deleted
        if not deleted:
            return total


def run_forever(rt: Runtime, *, interval: float, transport: Transport | None = None) -> None:
    log.info("worker.started", interval=interval)
    while True:
        report = run_once(rt, transport=transport)
        if any(report.values()):
            log.info("worker.pass", **report)
        time.sleep(interval)
