"""Everything the customer app adds to the FastAPI application, in one call."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from saldo.channels.web.api import routes as api
from saldo.channels.web.pages import home, login, messages, options, plan, topup, usage
from saldo.channels.web.render import STATIC
from saldo.payments.sandbox import SandboxProvider
from saldo.runtime import Runtime


def install_app(app: FastAPI) -> None:
    """Pages, static files, the JSON API under /api/v1 and the payment provider."""
    rt: Runtime = app.state.runtime
    app.state.payment_provider = SandboxProvider(rt.sessions, rt.clock)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    for module in (home, login, topup, plan, options, usage, messages):
        app.include_router(module.router)
    if rt.settings.demo:  # the phone simulator: never outside the demo
        from saldo.channels.web.pages import demo

        app.include_router(demo.router)
