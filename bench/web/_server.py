"""The app as the benchmark serves it: the real app, plus a bare endpoint and server timing.

Run by ``bench.web.app_load`` in a process of its own:
``python -m bench.web._server DATABASE_URL PORT``. Every response carries
``Server-Timing: app;dur=<ms>``: the time from the request reaching the application to its
response starting, queueing inside the server included.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import uvicorn
from fastapi.responses import Response

from bench.saldo_api import create_app
from saldo.config import Settings
from saldo.db import make_engine, make_sessionmaker
from saldo.kit.clock import FixedClock
from saldo.runtime import Runtime

Message = MutableMapping[str, Any]
Asgi = Callable[
    [Message, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
    Awaitable[None],
]

BARE_BODY = b'{"msisdn":"+393470000000","credit_cents":1234,"status":"active"}'


class ServerTiming:
    def __init__(self, app: Asgi) -> None:
        self.app = app

    async def __call__(self, scope: Message, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()

        async def timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                took = (time.perf_counter() - start) * 1000
                message["headers"] = [
                    *message.get("headers", []),
                    (b"server-timing", f"app;dur={took:.3f}".encode()),
                ]
            await send(message)

        await self.app(scope, receive, timed)


def build(url: str, now: str) -> Any:
    from saldo.kit.clock import parse_instant

    engine = make_engine(url)
    rt = Runtime(
        Settings(database_url=url),
        engine,
        make_sessionmaker(engine),
        FixedClock(parse_instant(now)),
    )
    app = create_app(rt)

    @app.get("/bench/bare", include_in_schema=False)
    async def bare() -> Response:
        """The floor: a FastAPI endpoint that does nothing but answer a small JSON."""
        return Response(BARE_BODY, media_type="application/json")

    return ServerTiming(app)


if __name__ == "__main__":
    database_url, port, now = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    uvicorn.run(build(database_url, now), host="127.0.0.1", port=port, log_level="warning")
