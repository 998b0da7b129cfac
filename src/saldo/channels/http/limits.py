"""The request-size limit: one ASGI middleware, before any route reads a byte of the body.

A declared ``Content-Length`` over the limit is answered 413 at once, nothing read. A body
without one (chunked) is counted while it streams: at the limit the client gets 413, the
route sees the client gone, and the rest is never read (the server closes the connection
rather than drain it). Limits are per path prefix, the longest matching prefix winning, so
a route that takes uploads can allow more and a webhook less than the default.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DEFAULT_LIMIT = 1024 * 1024
WEBHOOK_LIMIT = 16 * 1024
"""Gateways and Twilio send a few short fields: their routes take no more than this."""
UPLOAD_LIMIT = 5 * 1024 * 1024 + 64 * 1024
"""Ticket routes take an attachment of 5 MB and its multipart envelope."""
UPLOAD_PREFIXES = ("/api/v1/me/tickets/", "/tickets/")


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value)
    return None


def _lang(scope: Scope) -> str:
    accept = _header(scope, b"accept-language") or b""
    return "en" if accept.strip().lower().startswith(b"en") else "it"


async def _too_large(scope: Scope, send: Send, limit: int) -> None:
    """413 with the usual error body, asking the client to close (the rest is not read)."""
    message = (
        f"richiesta troppo grande: al massimo {limit} byte"
        if _lang(scope) == "it"
        else f"request too large: at most {limit} bytes"
    )
    body = json.dumps({"code": "request_too_large", "message": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """ASGI middleware: bodies larger than the limit of their path are answered 413."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        default: int = DEFAULT_LIMIT,
        prefixes: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.default = default
        # longest prefix first: the most specific limit wins
        self.prefixes = sorted((prefixes or {}).items(), key=lambda kv: len(kv[0]), reverse=True)

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.prefixes:
            if path.startswith(prefix):
                return limit
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        declared = _header(scope, b"content-length")
        if declared is not None and (
            not declared.isdigit() or len(declared) > 18 or int(declared) > limit
        ):
            await _too_large(scope, send, limit)
            return
        received = 0
        refused = answered = started = False

        async def counted() -> Message:
            nonlocal received, refused, answered
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    if not started:
                        answered = True
                        await _too_large(scope, send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if answered:
                return  # the 413 is the answer; whatever the route says after it is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counted, guarded)
