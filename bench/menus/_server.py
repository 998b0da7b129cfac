"""The web app under uvicorn on a loopback port of the OS's choosing, timing each request.

Started by ``bench.menus.webhooks`` as a process of its own; prints the port, then serves.
Each response carries ``Server-Timing: app;dur=<ms>``: the time from the request reaching the
application to the last byte of the response, queueing for a worker thread included.
"""

from __future__ import annotations

import argparse
import socket
import sys
import time
from typing import Any

import uvicorn
from pydantic import SecretStr

from bench.core.common import START
from bench.saldo_api import create_app
from saldo.config import GatewaySettings, Settings, TwilioSettings
from saldo.db import make_engine, make_sessionmaker
from saldo.kit.clock import FixedClock
from saldo.runtime import Runtime

TOKEN = "bench-twilio-token"
GATEWAY = ("bench-gateway", "bench-secret")


class ServerTiming:
    """Pure ASGI middleware: adds the time spent in the application to the response headers."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        start_message: dict[str, Any] = {}

        async def timed_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start_message.update(message)  # held back until the body is ready
                return
            if message["type"] == "http.response.body" and not message.get("more_body"):
                elapsed = (time.perf_counter() - started) * 1000
                headers = [
                    *start_message.get("headers", []),
                    (b"server-timing", f"app;dur={elapsed:.3f}".encode()),
                ]
                await send({**start_message, "headers": headers})
            await send(message)

        await self.app(scope, receive, timed_send)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    args = parser.parse_args()
    settings = Settings(
        database_url=args.url,
        twilio=TwilioSettings(auth_token=SecretStr(TOKEN)),
        gateway=GatewaySettings(user=GATEWAY[0], password=SecretStr(GATEWAY[1])),
    )
    engine = make_engine(args.url)
    rt = Runtime(settings, engine, make_sessionmaker(engine), FixedClock(START))
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets that say they are TCP
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)  # connections wait in the backlog until uvicorn accepts them
    sys.stdout.write(f"{sock.getsockname()[1]}\n")
    sys.stdout.flush()
    config = uvicorn.Config(ServerTiming(create_app(rt)), log_level="warning", lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
