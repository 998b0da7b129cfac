"""``saldo smpp``: the bind, the keyword engine behind it and the outbox pump, in one process.

Each inbound deliver_sm is handled in one transaction and acknowledged after it committed
(ESME_RX_T_APPN when it could not be, so that the SMSC delivers it again). Its reply is written
to the outbox and, while bound, claimed in that same transaction and sent right after commit;
otherwise it waits for the pump. Processes are stateless: several can bind at once over one
database (PostgreSQL for more than one).
"""

from __future__ import annotations

import asyncio
from functools import partial

import structlog
from aiosmpplib import DeliverSm, SmppCommandStatus
from sqlalchemy.orm import Session

from saldo.catalog.schemas import CatalogDocument
from saldo.catalog.service import get_catalog
from saldo.channels.sms.handlers import HANDLERS, Context, Handled, kind_of
from saldo.channels.sms.outbound import Database, OutboxPump
from saldo.channels.sms.session import SmppSession
from saldo.kit.errors import SaldoError
from saldo.notifications.service import Transport
from saldo.runtime import Runtime, retrying

log = structlog.get_logger(__name__)
CATALOG_REFRESH_SECONDS = 30.0


class SmppChannel:
    """Run with ``await channel.run()``; ``await channel.stop()`` unbinds and returns."""

    def __init__(self, rt: Runtime, *, http: Transport | None = None) -> None:
        self.rt = rt
        self.db = Database(rt)
        self.session = SmppSession(rt.settings.smpp, self.on_deliver)
        self.catalog: CatalogDocument | None = None
        self.pump = OutboxPump(rt, self.db, self.session, http=http, default_sender=self.short_code)
        self._stopped = asyncio.Event()
        self.claiming = True

    def short_code(self) -> str:
        """The catalogue's short code: the sender of messages that name none. Without a
        catalogue, empty: the SMSC then puts its default source address."""
        return self.catalog.channels.sms if self.catalog else ""

    async def run(self) -> None:
        await self._refresh_catalog()
        session = asyncio.create_task(self.session.run(), name="smpp-session")
        pump = asyncio.create_task(self.pump.run(), name="outbox-pump")
        refresh = asyncio.create_task(self._refresh_forever(), name="catalog-refresh")
        try:
            await self._stopped.wait()
        finally:
            # replies of messages still arriving stay pending (the next process sends them);
            # those being handled finish and go out; then the bind is closed
            self.claiming = False
            await self.session.drain()
            await self.pump.stop()
            await asyncio.gather(pump, return_exceptions=True)
            await self.session.stop()
            for task in (session, pump, refresh):
                task.cancel()
            await asyncio.gather(session, pump, refresh, return_exceptions=True)
            self.db.close()

    async def stop(self) -> None:
        self._stopped.set()

    async def _refresh_catalog(self) -> None:
        def load() -> CatalogDocument:
            with self.rt.transaction() as session:
                return get_catalog(session)[1]

        try:
            self.catalog = await self.db.run(load)
        except SaldoError as exc:
            log.warning("smpp.no_catalog", error=exc.message_en)

    async def _refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(CATALOG_REFRESH_SECONDS)
            await self._refresh_catalog()

    async def on_deliver(self, message: DeliverSm) -> int:
        """One deliver_sm in its own transaction; the status of its deliver_sm_resp."""
        handler = HANDLERS[kind_of(message)]
        context = Context(
            now=self.rt.clock.now(),
            sms=self.rt.settings.sms,
            catalog=self.catalog,
            mo_id_tag=self.rt.settings.smpp.mo_id_tag,
            claim=self.claiming and self.session.bound.is_set(),
        )

        def work(session: Session) -> Handled:
            return handler(session, message, context)

        try:
            handled = await self.db.run(partial(retrying, self.rt, work))
        except SaldoError as exc:
            log.warning("smpp.deliver_refused", code=exc.code, error=exc.message_en)
            if exc.kind == "unavailable" or exc.code == "catalog_missing":
                return int(SmppCommandStatus.ESME_RX_T_APPN)
            return int(SmppCommandStatus.ESME_RX_P_APPN)
        except Exception as exc:
            log.error("smpp.deliver_failed", error=repr(exc))
            return int(SmppCommandStatus.ESME_RX_T_APPN)
        for claimed in handled.claimed:
            self.pump.send_now(claimed)
        if handled.pending:
            self.pump.wake()
        return int(SmppCommandStatus.ESME_ROK)
