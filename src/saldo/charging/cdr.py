"""CDR import: stream a CSV of usage events, rate them in batches, commit each batch.

Each batch is one transaction holding the lines' buckets (``BEGIN IMMEDIATE`` on SQLite,
``FOR UPDATE`` on PostgreSQL), so it is rated in memory and written with a few bulk
statements. An import killed half way and run again skips what was committed (event ids)
and ends with exactly the balances of one uninterrupted run.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from saldo.balances import ledger
from saldo.balances.models import Bucket
from saldo.catalog.service import get_catalog
from saldo.charging.lookup import LineState, bucket_rows, build_states, line_rows
from saldo.charging.models import UsageRecord
from saldo.charging.rating import SERVICES, ZONES
from saldo.charging.schemas import UsageEvent
from saldo.charging.service import notify_thresholds, settle
from saldo.db import table, transaction
from saldo.kit.clock import ROME, Clock
from saldo.kit.errors import SaldoError
from saldo.kit.msisdn import normalize_msisdn
from saldo.kit.origin import NETWORK

HEADER = ["event_id", "msisdn", "service", "zone", "started_at", "quantity", "destination"]
usage_t = table(UsageRecord)
bucket_t = table(Bucket)
_CHUNK = 2000


@dataclass
class ImportSummary:
    rated: int = 0
    duplicates: int = 0
    rejected: int = 0
    credit_charged_cents: int = 0
    unpaid_cents: int = 0
    batches: int = 0


@dataclass
class _Batch:
    events: list[tuple[int, UsageEvent]] = field(default_factory=list)


class RejectWriter:
    """Malformed or unknown lines, with their line number and reason."""

    def __init__(self, stream: TextIO | None) -> None:
        self._writer = csv.writer(stream) if stream is not None else None
        if self._writer is not None:
            self._writer.writerow(["line", "reason", *HEADER])
        self.count = 0

    def reject(self, line_no: int, reason: str, row: list[str]) -> None:
        self.count += 1
        if self._writer is not None:
            self._writer.writerow([line_no, reason, *row])


class _Parser:
    def __init__(self) -> None:
        self._msisdns: dict[str, str | None] = {}

    def msisdn(self, raw: str) -> str | None:
        try:
            return self._msisdns[raw]
        except KeyError:
            try:
                value: str | None = normalize_msisdn(raw)
            except SaldoError:
                value = None
            if len(self._msisdns) < 1_000_000:
                self._msisdns[raw] = value
            return value

    def parse(self, row: list[str]) -> UsageEvent | str:
        """The event, or the reason the row is refused."""
        if len(row) != len(HEADER):
            return f"expected {len(HEADER)} fields, found {len(row)}"
        event_id, raw_msisdn, service, zone, started, quantity, destination = row
        if not event_id or len(event_id) > 100:
            return "event_id missing or longer than 100 characters"
        msisdn = self.msisdn(raw_msisdn)
        if msisdn is None:
            return f"invalid msisdn {raw_msisdn!r}"
        if service not in SERVICES:
            return f"invalid service {service!r}"
        if zone not in ZONES:
            return f"invalid zone {zone!r}"
        try:
            moment = datetime.fromisoformat(started)
        except ValueError:
            return f"invalid started_at {started!r}"
        moment = (moment.replace(tzinfo=ROME) if moment.tzinfo is None else moment).astimezone(UTC)
        if not quantity.isdigit():
            return f"invalid quantity {quantity!r}"
        return UsageEvent(
            event_id, msisdn, service, zone, moment, int(quantity), destination or None
        )


def _counting(stream: TextIO, progress: Callable[[int], None] | None) -> Iterator[str]:
    for line in stream:
        if progress is not None:
            progress(len(line))
        yield line


def import_usage(
    sessions: sessionmaker[Session],
    *,
    path: Path,
    clock: Clock,
    rejects: TextIO | None = None,
    batch_size: int = 10_000,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Rate every event of a CSV file; see the module doc for the guarantees."""
    summary = ImportSummary()
    writer = RejectWriter(rejects)
    parser = _Parser()
    with path.open(newline="", encoding="utf-8") as stream:
        reader = csv.reader(_counting(stream, progress))
        header = next(reader, None)
        if header is None or [h.strip() for h in header] != HEADER:
            raise_bad_header(header)
        batch = _Batch()
        for row in reader:
            parsed = parser.parse(row)
            if isinstance(parsed, str):
                writer.reject(reader.line_num, parsed, row)
                continue
            batch.events.append((reader.line_num, parsed))
            if len(batch.events) >= batch_size:
                _run_batch(sessions, batch, summary, writer, clock)
                batch = _Batch()
        if batch.events:
            _run_batch(sessions, batch, summary, writer, clock)
    summary.rejected = writer.count
    return summary


def raise_bad_header(header: list[str] | None) -> None:
    from saldo.charging.errors import UsageInvalid

    found = ",".join(header) if header else "(empty file)"
    raise UsageInvalid(
        f"intestazione CSV non valida: attesa {','.join(HEADER)}, trovata {found}",
        f"invalid CSV header: expected {','.join(HEADER)}, found {found}",
    )


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def _run_batch(
    sessions: sessionmaker[Session],
    batch: _Batch,
    summary: ImportSummary,
    writer: RejectWriter,
    clock: Clock,
) -> None:
    with transaction(sessions) as session:
        _rate_batch(session, batch, summary, writer, clock.now())
    summary.batches += 1


def _rate_batch(
    session: Session, batch: _Batch, summary: ImportSummary, writer: RejectWriter, now: datetime
) -> None:
    ids = [e.event_id for _, e in batch.events]
    seen: set[str] = set()
    for chunk in _chunks(ids):
        seen.update(
            session.scalars(select(usage_t.c.event_id).where(usage_t.c.event_id.in_(chunk)))
        )
    msisdns = sorted({e.msisdn for _, e in batch.events})
    lines = [row for chunk in _chunks(msisdns) for row in line_rows(session, chunk)]
    lock = session.get_bind().dialect.name == "postgresql"
    line_ids = sorted(int(r.id) for r in lines)
    buckets = [
        row
        for i in range(0, len(line_ids), _CHUNK)
        for row in bucket_rows(session, line_ids[i : i + _CHUNK], lock=lock)
    ]
    states = build_states(session, lines, buckets)
    start_remaining = {b.id: b.remaining for s in states.values() for b in s.buckets}
    start_credit = {s.wallet_id: s.credit for s in states.values()}
    entries: list[ledger.Entry] = []
    usage_rows: list[dict[str, object]] = []
    touched: dict[int, LineState] = {}
    for line_no, event in batch.events:
        if event.event_id in seen:
            summary.duplicates += 1
            continue
        state = states.get(event.msisdn)
        if state is None:
            writer.reject(line_no, f"unknown line {event.msisdn}", _as_row(event))
            continue
        seen.add(event.event_id)
        applied = settle(state, event, credit=state.credit, source="cdr", now=now)
        if applied.rating.draws:
            drawn = dict(applied.rating.draws)
            state.buckets = [
                dataclasses.replace(b, remaining=b.remaining - drawn[b.id]) if b.id in drawn else b
                for b in state.buckets
            ]
            touched[state.id] = state
        state.credit -= applied.credit_cents
        entries.extend(applied.entries)
        usage_rows.append(applied.usage_row)
        summary.rated += 1
        summary.credit_charged_cents += applied.credit_cents
        summary.unpaid_cents += applied.unpaid_cents
    deltas = [
        {"bid": b.id, "d": start_remaining[b.id] - b.remaining}
        for s in touched.values()
        for b in s.buckets
        if start_remaining[b.id] != b.remaining
    ]
    deltas += [
        {"bid": s.wallet_id, "d": start_credit[s.wallet_id] - s.credit}
        for s in states.values()
        if start_credit[s.wallet_id] != s.credit
    ]
    if deltas:
        result = session.execute(
            update(bucket_t)
            .where(bucket_t.c.id == bindparam("bid"), bucket_t.c.remaining >= bindparam("d"))
            .values(remaining=bucket_t.c.remaining - bindparam("d")),
            deltas,
            execution_options={"synchronize_session": False},
        )
        if getattr(result, "rowcount", len(deltas)) not in (len(deltas), -1):
            raise ledger.BalanceChanged()
    if usage_rows:
        session.execute(insert(usage_t), usage_rows)
        ledger.write_entries(session, entries, origin=NETWORK, now=now)
    if touched:
        _, document = get_catalog(session)
        for state in touched.values():
            draws = [
                (b.id, start_remaining[b.id] - b.remaining)
                for b in state.buckets
                if start_remaining[b.id] != b.remaining
            ]
            notify_thresholds(
                session,
                state=state,
                draws=draws,
                sender=document.channels.sms,
                now=now,
                before=start_remaining,
            )


def _as_row(event: UsageEvent) -> list[str]:
    return [
        event.event_id,
        event.msisdn,
        event.service,
        event.zone,
        event.started_at.isoformat(),
        str(event.quantity),
        event.destination or "",
    ]
