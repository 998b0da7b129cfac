"""The JSON API for a native app, under /api/v1 (documented at /docs and /openapi.json)."""

from __future__ import annotations

from fastapi import APIRouter

from saldo.channels.api import auth, invoices, me, tickets, topups

router = APIRouter(prefix="/api/v1")
router.include_router(auth.router)
router.include_router(me.router)
router.include_router(topups.router)
router.include_router(invoices.router)
router.include_router(tickets.router)
