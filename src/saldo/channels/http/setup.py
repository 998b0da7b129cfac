"""Everything the customer app adds to the FastAPI application, in one call."""

from __future__ import annotations

import importlib

import structlog
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from saldo.channels.api import routes as api
from saldo.channels.http.render import STATIC
from saldo.channels.selfcare import (
    home,
    invoices,
    login,
    messages,
    options,
    plan,
    profile,
    tickets,
    topup,
    usage,
)
from saldo.kit.errors import InvalidInput
from saldo.payments.providers import PaymentProvider
from saldo.payments.sandbox import SANDBOX
from saldo.runtime import Runtime

log = structlog.get_logger(__name__)


def install_app(app: FastAPI) -> None:
    """Pages, static files, the JSON API under /api/v1 and the payment provider."""
    rt: Runtime = app.state.runtime
    provider = load_provider(rt)
    app.state.payment_provider = provider
    # every page says so while the test cards top lines up (base.html)
    app.state.test_payments = provider is not None and provider.test
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    pages = (home, login, topup, plan, options, usage, invoices, profile, messages, tickets)
    for module in pages:
        app.include_router(module.router)
    if rt.settings.demo:  # the phone simulator: never outside the demo
        from saldo.channels.demo import pages as demo

        app.include_router(demo.router)


def load_provider(rt: Runtime) -> PaymentProvider | None:
    """The card payment provider named by ``web.payment_provider`` ("module:factory"; the
    factory takes the runtime). Unnamed, the demo uses the sandbox and anything else has none:
    top-ups then answer 503, as a sandbox would top lines up with test cards for free."""
    spec = rt.settings.web.payment_provider.strip()
    if not spec:
        if not rt.settings.demo:
            log.warning("payments.none", detail="SALDO_WEB_PAYMENT_PROVIDER unset: no top-ups")
            return None
        spec = SANDBOX
    module_name, _, factory_name = spec.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), factory_name)
    except (ImportError, AttributeError, ValueError):
        raise InvalidInput(
            f"fornitore di pagamento non trovato: {spec!r} (atteso modulo:funzione)",
            f"payment provider not found: {spec!r} (expected module:factory)",
        ) from None
    provider: PaymentProvider = factory(rt)
    if provider.test and not rt.settings.demo:
        log.warning("payments.sandbox", detail="top-ups are paid with test cards: no money moves")
    return provider
