"""Everything the customer app adds to the FastAPI application, in one call."""

from __future__ import annotations

import importlib

import structlog
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from saldo.channels.api import routes as api
from saldo.channels.http.render import STATIC
from saldo.channels.selfcare import home, login, messages, options, plan, topup, usage
from saldo.kit.errors import InvalidInput
from saldo.payments.providers import PaymentProvider
from saldo.runtime import Runtime

log = structlog.get_logger(__name__)


def install_app(app: FastAPI) -> None:
    """Pages, static files, the JSON API under /api/v1 and the payment provider."""
    rt: Runtime = app.state.runtime
    app.state.payment_provider = load_provider(rt)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    for module in (home, login, topup, plan, options, usage, messages):
        app.include_router(module.router)
    if rt.settings.demo:  # the phone simulator: never outside the demo
        from saldo.channels.demo import pages as demo

        app.include_router(demo.router)


def load_provider(rt: Runtime) -> PaymentProvider:
    """The card payment provider named by ``web.payment_provider`` ("module:factory"; the
    factory takes the runtime). The sandbox moves no money: outside the demo it is logged."""
    spec = rt.settings.web.payment_provider
    module_name, _, factory_name = spec.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), factory_name)
    except (ImportError, AttributeError, ValueError):
        raise InvalidInput(
            f"fornitore di pagamento non trovato: {spec!r} (atteso modulo:funzione)",
            f"payment provider not found: {spec!r} (expected module:factory)",
        ) from None
    provider: PaymentProvider = factory(rt)
    if provider.name == "sandbox" and not rt.settings.demo:
        log.warning("payments.sandbox", detail="top-ups are paid with test cards: no money moves")
    return provider
