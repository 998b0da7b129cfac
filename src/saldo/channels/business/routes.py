"""The business area's JSON API under /api/v1/business."""

from __future__ import annotations

from fastapi import APIRouter

from saldo.channels.business import (
    audit,
    auth,
    exports,
    lines,
    pages,
    pages_admin,
    pages_auth,
    profile,
    users,
)

api_router = APIRouter(prefix="/api/v1/business")
api_router.include_router(auth.router)
api_router.include_router(users.router)
api_router.include_router(lines.router)
api_router.include_router(audit.router)
api_router.include_router(exports.router)
api_router.include_router(profile.router)

page_router = APIRouter()
page_router.include_router(pages_auth.router)
page_router.include_router(pages.router)
page_router.include_router(pages_admin.router)
