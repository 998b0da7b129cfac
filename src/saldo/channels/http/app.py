"""The FastAPI application: health and OpenAPI now; pages and channel endpoints join it."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import swagger_ui_bundle  # type: ignore[import-untyped]
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from saldo import migrate
from saldo.channels.business.routes import api_router as business_api_router
from saldo.channels.business.routes import page_router as business_page_router
from saldo.channels.http.client import TrustedProxies
from saldo.channels.http.errors import saldo_error_handler
from saldo.channels.http.limits import UPLOAD_LIMIT, UPLOAD_PREFIXES, WEBHOOK_LIMIT, BodyLimit
from saldo.channels.http.security import ResponseHeaders
from saldo.channels.http.setup import install_app
from saldo.channels.menus.endpoints import router as menus_router
from saldo.channels.sms.endpoints import router as sms_router
from saldo.kit.errors import SaldoError
from saldo.runtime import Runtime


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """Once the server has started, what it holds (modules, catalogue, pools) lives as long as
    the process: frozen out of the garbage collector's sight, a full collection no longer
    stalls a request (it took 150-300 ms under load in bench.menus.webhooks)."""
    gc.collect()
    gc.freeze()
    yield


def create_app(rt: Runtime) -> FastAPI:
    app = FastAPI(
        title="Saldo",
        summary="Credito residuo e consumi, esatti su ogni canale.",
        version="0.1.0",
        docs_url=None,  # served below from local assets: the server may have no internet
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.runtime = rt
    app.add_exception_handler(SaldoError, saldo_error_handler)
    web = rt.settings.web
    # the webhooks (Twilio, SMS and USSD gateways) take a few short fields; settings may
    # give other prefixes their own limit (uploads)
    uploads = dict.fromkeys(UPLOAD_PREFIXES, UPLOAD_LIMIT)
    prefixes = {"/channels/": WEBHOOK_LIMIT, **uploads, **web.body_limits}
    app.add_middleware(BodyLimit, default=web.max_body_bytes, prefixes=prefixes)
    app.add_middleware(ResponseHeaders, proxies=TrustedProxies(web.trusted_proxies))  # outermost
    # channel routers (one line each; keep this list sorted)
    app.include_router(business_api_router)
    app.include_router(business_page_router)
    app.include_router(menus_router)
    app.include_router(sms_router)
    install_app(app)  # the customer app: pages, static files, /api/v1

    app.mount(
        "/docs-assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets"
    )

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """The OpenAPI documentation, with Swagger UI served by Saldo itself (no CDN)."""
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )

    @app.get("/healthz", tags=["ops"])
    def healthz(request: Request) -> JSONResponse:
        """Liveness and schema state."""
        runtime: Runtime = request.app.state.runtime
        return JSONResponse({"status": "ok", "schema": migrate.current(runtime.engine)})

    return app
