"""What the app's pages read besides the snapshot: the newest catalogue, the line's version and
the line's particulars, each in one query. Usage, top-ups and the inbox are read through their
domains' repositories (``charging``, ``payments``, ``notifications``).

Every query is keyed by the signed-in line's id, never by an identifier the client sends alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from saldo.catalog.errors import CatalogMissing
from saldo.catalog.schemas import CatalogDocument
from saldo.catalog.service import document_for
from saldo.db import fetch_all


def catalog(session: Session) -> CatalogDocument:
    """The active catalogue in one query (its parsed document is cached by checksum)."""
    rows = fetch_all(session, "SELECT id, checksum FROM catalog_version WHERE active", ())
    if not rows:
        raise CatalogMissing()
    return document_for(session, version_id=int(rows[0][0]), checksum=rows[0][1])


def version(session: Session, line_id: int) -> int:
    """Changes whenever any of the line's balances changes (its newest ledger entry)."""
    rows = fetch_all(session, "SELECT MAX(id) FROM ledger_entry WHERE line_id = ?", (line_id,))
    return int(rows[0][0] or 0)


@dataclass(frozen=True, slots=True)
class LineInfo:
    line_id: int
    segment: str
    """The customer's segment: consumer | business."""
    pending_plan_code: str | None
    has_pin: bool
    version: int
    """See ``version``."""
    unread: int
    """Messages in the inbox not read yet."""


_LINE_INFO = (
    "SELECT l.pending_plan_code, l.pin_hash, c.segment, "
    "(SELECT MAX(e.id) FROM ledger_entry e WHERE e.line_id = l.id), "
    # the inbox's unread messages: login codes ("otp", notifications.service.SECRET_TOPICS)
    # are not part of it
    "(SELECT COUNT(*) FROM outbox_message m WHERE m.recipient = l.msisdn "
    "AND m.topic <> 'otp' AND m.read_at IS NULL) "
    "FROM line l JOIN customer c ON c.id = l.customer_id WHERE l.id = ?"
)


def line_info(session: Session, line_id: int) -> LineInfo:
    """What the pages show besides the snapshot, in one query."""
    pending, pin_hash, segment, newest, unread_count = fetch_all(session, _LINE_INFO, (line_id,))[0]
    return LineInfo(line_id, segment, pending, pin_hash is not None, int(newest or 0), unread_count)
