"""CDR import: stream a CSV of usage events, rate them in batches, commit each batch.

Each batch is one transaction holding the lines' buckets (``BEGIN IMMEDIATE`` on SQLite,
``FOR UPDATE`` on PostgreSQL), so it is rated in memory and written with a few bulk
statements. An import killed half way and run again skips what was committed (event ids)
and ends with exactly the balances of one uninterrupted run.
"""

from __future__ import annotations

import csv
import queue
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from saldo.balances import ledger
from saldo.balances.models import LedgerEntry
from saldo.billing.repository import insert_charges
from saldo.catalog.service import get_catalog
from saldo.charging import bulk
from saldo.charging.errors import UsageInvalid
from saldo.charging.lookup import LineState, bucket_rows, build_states, line_rows
from saldo.charging.rating import SERVICES, ZONES
from saldo.charging.schemas import UsageEvent
from saldo.charging.service import notify_thresholds, settle
from saldo.checkpoints import BackgroundCheckpoints
from saldo.db import db_time, dialect_name, fetch_all, table, transaction
from saldo.kit.clock import Clock
from saldo.kit.errors import SaldoError
from saldo.kit.msisdn import normalize_msisdn
from saldo.kit.origin import NETWORK
from saldo.kit.validators import EARLIEST, LATEST, is_digits, shown, to_instant

HEADER = ["event_id", "msisdn", "service", "zone", "started_at", "quantity", "destination"]
ledger_t = table(LedgerEntry)
_CHUNK = 2000
MAX_QUANTITY = {
    "voice": 24 * 3600,  # seconds: a call longer than a day is a network fault, not a call
    "sms": 255,  # messages: the most parts one concatenated SMS can have
    "mms": 255,
    "data": 1024**4,  # bytes: 1 TB in one data record, far above any real session
}
"""The most one usage event may carry; a line above it goes to the rejects file."""
MAX_DESTINATION = 32
"""Characters of ``destination`` (its column)."""
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
"""Bytes that are not UTF-8, as the file is read (``surrogateescape``)."""


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
    rejects: list[tuple[int, str, list[str]]] = field(default_factory=list)


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
            self._writer.writerow([line_no, _printable(reason), *(_printable(f) for f in row)])


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
        if not (event_id.isascii() and destination.isascii()) and (
            _NOT_UTF8.search(event_id) or _NOT_UTF8.search(destination)
        ):
            return "not UTF-8"
        if len(destination) > MAX_DESTINATION:
            return f"destination longer than {MAX_DESTINATION} characters"
        msisdn = self.msisdn(raw_msisdn)
        if msisdn is None:
            return f"invalid msisdn {raw_msisdn!r}"
        if service not in SERVICES:
            return f"invalid service {service!r}"
        if zone not in ZONES:
            return f"invalid zone {zone!r}"
        moment = to_instant(started) if len(started) <= 64 else None
        if moment is None:
            return _bad_instant(started)
        if not is_digits(quantity) or len(quantity) > 19:
            return f"invalid quantity {shown(quantity)}"
        units = int(quantity)
        if units > MAX_QUANTITY[service]:
            return f"quantity {units} above the most one {service} event may carry"
        return UsageEvent(event_id, msisdn, service, zone, moment, units, destination or None)


def _bad_instant(text: str) -> str:
    try:
        datetime.fromisoformat(text[:64])
    except ValueError:
        return f"invalid started_at {shown(text)}"
    return f"started_at {shown(text)} out of range ({EARLIEST.year} to {LATEST.year})"


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
    batch_size: int = 25_000,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Rate every event of a CSV file; see the module doc for the guarantees."""
    summary = ImportSummary()
    writer = RejectWriter(rejects)
    # bytes that are not UTF-8 reach the parser as lone surrogates: their line is refused alone
    try:
        opened = path.open(newline="", encoding="utf-8", errors="surrogateescape")
    except OSError as exc:
        raise UsageInvalid(
            f"impossibile leggere {path}: {exc.strerror}", f"cannot read {path}: {exc.strerror}"
        ) from None
    with opened as stream:
        reader = csv.reader(_counting(stream, progress))
        try:
            header = next(reader, None)
        except csv.Error:
            header = ["(unreadable)"]
        if header is None or [h.strip() for h in header] != HEADER:
            raise_bad_header(header)
        cache = _Cache()
        with BackgroundCheckpoints(sessions.kw["bind"]) as checkpoints:
            for batch in _ahead(_parsed(reader, batch_size)):
                for line_no, reason, row in batch.rejects:
                    writer.reject(line_no, reason, row)
                if batch.events:
                    _run_batch(sessions, batch, summary, writer, clock, cache)
                    checkpoints.committed()
    summary.rejected = writer.count
    return summary


def _parsed(reader: Any, batch_size: int) -> Iterator[_Batch]:
    parser = _Parser()
    batch = _Batch()
    while True:
        try:
            for row in reader:
                parsed = parser.parse(row)
                if isinstance(parsed, str):
                    batch.rejects.append((reader.line_num, parsed, row))
                    continue
                batch.events.append((reader.line_num, parsed))
                if len(batch.events) >= batch_size:
                    yield batch
                    batch = _Batch()
            break
        except csv.Error as exc:  # a field over csv.field_size_limit() (128 KB): that line only
            batch.rejects.append((reader.line_num, f"unreadable line: {exc}", []))
    if batch.events or batch.rejects:
        yield batch


def _ahead(batches: Iterator[_Batch], depth: int = 2) -> Iterator[_Batch]:
    """Parse the next batches in a thread while this one is written: the database driver
    releases the GIL while it writes, so parsing and writing overlap."""
    handoff: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def produce() -> None:
        try:
            for batch in batches:
                while not stop.is_set():
                    try:
                        handoff.put(batch, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            handoff.put(done)
        except BaseException as exc:  # handed to the consumer, raised there
            handoff.put(exc)

    worker = threading.Thread(target=produce, name="cdr-parser", daemon=True)
    worker.start()
    try:
        while (item := handoff.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, _Batch)
            yield item
    finally:
        stop.set()
        worker.join(timeout=5)


def raise_bad_header(header: list[str] | None) -> None:
    found = _printable(",".join(header))[:200] if header else "(empty file)"
    raise UsageInvalid(
        f"intestazione CSV non valida: attesa {','.join(HEADER)}, trovata {found}",
        f"invalid CSV header: expected {','.join(HEADER)}, found {found}",
    )


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


class _Cache:
    """Line states carried from one batch to the next while nobody else wrote a ledger entry.

    Every change of a bucket or of a line's plan writes a ledger entry, so an unchanged
    highest ledger id proves the cached figures are still the database's. Only on SQLite,
    where writers queue on one lock and ids grow in commit order; PostgreSQL reloads.
    """

    def __init__(self) -> None:
        self.states: dict[str, LineState | None] = {}
        self.mark: int | None = None

    def validate(self, session: Session) -> None:
        if dialect_name(session) != "sqlite":
            self.states.clear()
            return
        if self._high(session) != self.mark:
            self.states.clear()

    def seal(self, session: Session) -> None:
        self.mark = self._high(session)

    @staticmethod
    def _high(session: Session) -> int:
        return int(session.scalar(select(func.max(ledger_t.c.id))) or 0)


def _run_batch(
    sessions: sessionmaker[Session],
    batch: _Batch,
    summary: ImportSummary,
    writer: RejectWriter,
    clock: Clock,
    cache: _Cache,
) -> None:
    try:
        with transaction(sessions, bulk=True) as session:
            cache.validate(session)
            _rate_batch(session, batch, summary, writer, clock.now(), cache)
            cache.seal(session)
    except BaseException:
        cache.states.clear()
        cache.mark = None
        raise
    summary.batches += 1


def _load(session: Session, cache: _Cache, msisdns: set[str]) -> None:
    missing = sorted(m for m in msisdns if m not in cache.states)
    if not missing:
        return
    lines = [row for chunk in _chunks(missing) for row in line_rows(session, chunk)]
    lock = dialect_name(session) == "postgresql"
    ids = sorted(int(r.id) for r in lines)
    buckets = [
        row
        for i in range(0, len(ids), _CHUNK)
        for row in bucket_rows(session, ids[i : i + _CHUNK], lock=lock)
    ]
    cache.states.update(dict.fromkeys(missing))
    cache.states.update(build_states(session, lines, buckets))


def _rate_batch(
    session: Session,
    batch: _Batch,
    summary: ImportSummary,
    writer: RejectWriter,
    now: datetime,
    cache: _Cache,
) -> None:
    ids = [e.event_id for _, e in batch.events]
    seen: set[str] = set()
    for chunk in _chunks(ids):
        marks = ", ".join("?" * len(chunk))
        sql = f"SELECT event_id FROM usage_record WHERE event_id IN ({marks})"
        seen.update(row[0] for row in fetch_all(session, sql, tuple(chunk)))
    _load(session, cache, {e.msisdn for _, e in batch.events})
    rated_at = db_time(session, now)
    stamps: dict[datetime, object] = {}

    def stamp(moment: datetime) -> object:
        value = stamps.get(moment)
        if value is None:
            value = stamps[moment] = db_time(session, moment)
        return value

    entries: list[ledger.Entry] = []
    usage_rows: list[tuple[object, ...]] = []
    charge_rows: list[tuple[object, ...]] = []
    deltas: dict[int, int] = {}
    touched: dict[int, tuple[LineState, dict[int, int]]] = {}
    for line_no, event in batch.events:
        if event.event_id in seen:
            summary.duplicates += 1
            continue
        state = cache.states.get(event.msisdn)
        if state is None:
            writer.reject(line_no, f"unknown line {event.msisdn}", _as_row(event))
            continue
        seen.add(event.event_id)
        applied = settle(
            state,
            event,
            credit=state.credit,
            source="cdr",
            started=stamp(event.started_at),
            rated=rated_at,
        )
        if applied.rating.draws:
            before = touched.setdefault(state.id, (state, {}))[1]
            drawn = dict(applied.rating.draws)
            for b in state.buckets:
                units = drawn.get(b.id)
                if units:
                    before.setdefault(b.id, b.remaining)
                    deltas[b.id] = deltas.get(b.id, 0) + units
                    b.remaining -= units
        if applied.credit_cents:
            state.credit -= applied.credit_cents
            deltas[state.wallet_id] = deltas.get(state.wallet_id, 0) + applied.credit_cents
        entries.extend(applied.entries)
        usage_rows.append(applied.usage_row)
        if applied.charge_row is not None:
            charge_rows.append(applied.charge_row)
        summary.rated += 1
        summary.credit_charged_cents += applied.credit_cents
        summary.unpaid_cents += applied.unpaid_cents
    bulk.debit_many(session, sorted(deltas.items()))
    bulk.insert_usage(session, usage_rows)
    insert_charges(session, charge_rows)
    ledger.write_entries(session, entries, origin=NETWORK, now=now)
    if touched:
        _, document = get_catalog(session)
        for state, before in touched.values():
            remaining = {b.id: b.remaining for b in state.buckets}
            notify_thresholds(
                session,
                state=state,
                draws=[(bid, start - remaining[bid]) for bid, start in before.items()],
                sender=document.channels.sms,
                now=now,
                before=before,
            )


def _printable(text: str) -> str:
    """``text`` with the bytes that were not UTF-8 shown as U+FFFD (for the rejects file)."""
    if text.isascii() or not _NOT_UTF8.search(text):
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


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
