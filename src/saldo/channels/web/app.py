"""The FastAPI application: health and OpenAPI now; pages and channel endpoints join it."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from saldo import migrate
from saldo.channels.menus.endpoints import router as menus_router
from saldo.channels.sms.endpoints import router as sms_router
from saldo.channels.web.errors import saldo_error_handler
from saldo.channels.web.setup import install_app
from saldo.kit.errors import SaldoError
from saldo.runtime import Runtime


def create_app(rt: Runtime) -> FastAPI:
    app = FastAPI(
        title="Saldo",
        summary="Credito residuo e consumi, esatti su ogni canale.",
        version="0.1.0",
    )
    app.state.runtime = rt
    app.add_exception_handler(SaldoError, saldo_error_handler)
    # channel routers (one line each; keep this list sorted)
    app.include_router(menus_router)
    app.include_router(sms_router)
    install_app(app)  # the customer app: pages, static files, /api/v1

    @app.get("/healthz", tags=["ops"])
    def healthz(request: Request) -> JSONResponse:
        """Liveness and schema state."""
        runtime: Runtime = request.app.state.runtime
        return JSONResponse({"status": "ok", "schema": migrate.current(runtime.engine)})

    return app
