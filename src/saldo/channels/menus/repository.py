"""Queries of the menus: the session row of a call, the current catalogue, in one statement each
(they run on every step of every call)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from saldo.catalog.errors import CatalogMissing
from saldo.catalog.models import CatalogVersion
from saldo.catalog.schemas import CatalogDocument
from saldo.catalog.service import document_for
from saldo.channels.menus.models import MenuSession
from saldo.db import delete_head, table

menu_t = table(MenuSession)
version_t = table(CatalogVersion)

SESSION_KEPT = timedelta(days=1)
"""A call's or USSD session's state is kept this long after its last step (the network
retries a step within seconds)."""


@dataclass(frozen=True, slots=True)
class StoredSession:
    id: int
    menu: str
    step: int
    dialog: str
    reply: str


def current_catalog(session: Session) -> CatalogDocument:
    """The active catalogue (parsed documents are cached by checksum)."""
    row = session.execute(
        select(version_t.c.id, version_t.c.checksum).where(version_t.c.active.is_(True))
    ).one_or_none()
    if row is None:
        raise CatalogMissing()
    return document_for(session, version_id=row.id, checksum=row.checksum)


def load_session(session: Session, channel: str, key: str) -> StoredSession | None:
    """The session row, locked until the end of the transaction (PostgreSQL; SQLite's writer
    lock already serialises)."""
    row = session.execute(
        select(menu_t.c.id, menu_t.c.menu, menu_t.c.step, menu_t.c.dialog, menu_t.c.reply)
        .where(menu_t.c.channel == channel, menu_t.c.session_key == key)
        .with_for_update()
    ).one_or_none()
    return None if row is None else StoredSession(*row)


def insert_session(
    session: Session,
    *,
    channel: str,
    key: str,
    menu: str,
    step: int,
    msisdn: str | None,
    dialog: str,
    reply: str,
    now: datetime,
) -> None:
    """A new session; a concurrent twin fails on the unique key (and is retried)."""
    session.execute(
        insert(menu_t).values(
            channel=channel,
            session_key=key,
            menu=menu,
            step=step,
            msisdn=msisdn,
            dialog=dialog,
            reply=reply,
            created_at=now,
            updated_at=now,
        )
    )


def save_session(
    session: Session,
    *,
    session_id: int,
    step: int,
    msisdn: str | None,
    dialog: str,
    reply: str,
    now: datetime,
) -> None:
    session.execute(
        update(menu_t)
        .where(menu_t.c.id == session_id)
        .values(step=step, msisdn=msisdn, dialog=dialog, reply=reply, updated_at=now)
    )


def purge(session: Session, *, now: datetime) -> int:
    """Delete sessions idle for longer than ``SESSION_KEPT``; the rows deleted."""
    return delete_head(session, menu_t, menu_t.c.updated_at < now - SESSION_KEPT)
