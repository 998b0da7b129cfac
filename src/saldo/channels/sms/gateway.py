"""Outbound SMS through an HTTP gateway: Kannel, Jasmin or a cloud SMS provider.

``SALDO_GATEWAY_OUTBOUND_URL`` is either a URL template with ``{from}``, ``{to}`` and ``{text}``
(sent as GET with the values URL-encoded, as Kannel's and Jasmin's ``sendsms`` expect), or a
plain URL that receives ``{"from", "to", "text"}`` as a JSON POST. Credentials in the URL's
user-info part (``https://user:pass@host/…``) go in an HTTP Basic header.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request

from saldo.config import GatewaySettings


class GatewayError(Exception):
    """The gateway refused the message or could not be reached; the outbox retries it."""


class HttpTransport:
    """A ``notifications.service.Transport`` for an HTTP SMS gateway."""

    def __init__(self, url: str, *, timeout: float = 10.0) -> None:
        parts = urllib.parse.urlsplit(url)
        self._auth: str | None = None
        if parts.username is not None:
            user = urllib.parse.unquote(parts.username)
            password = urllib.parse.unquote(parts.password or "")
            token = base64.b64encode(f"{user}:{password}".encode()).decode()
            self._auth = f"Basic {token}"
            netloc = parts.hostname or ""
            if parts.port:
                netloc += f":{parts.port}"
            parts = parts._replace(netloc=netloc)
        self.url = urllib.parse.urlunsplit(parts)
        self.timeout = timeout
        self.templated = any(f"{{{k}}}" in self.url for k in ("from", "to", "text"))

    def _request(self, *, sender: str, recipient: str, body: str) -> urllib.request.Request:
        headers = {"User-Agent": "saldo"}
        if self._auth:
            headers["Authorization"] = self._auth
        if self.templated:
            values = {"from": sender, "to": recipient, "text": body}
            url = self.url
            for key, value in values.items():
                url = url.replace(f"{{{key}}}", urllib.parse.quote(value, safe=""))
            return urllib.request.Request(url, headers=headers, method="GET")
        headers["Content-Type"] = "application/json"
        payload = json.dumps({"from": sender, "to": recipient, "text": body}).encode()
        return urllib.request.Request(self.url, data=payload, headers=headers, method="POST")

    def send(self, *, sender: str, recipient: str, body: str) -> str | None:
        """Hand one message to the gateway; its id for the message when it gives one."""
        request = self._request(sender=sender, recipient=recipient, body=body)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read(4096).decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            raise GatewayError(f"gateway answered HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise GatewayError(f"gateway unreachable: {exc}") from None
        return _message_id(raw)


def _message_id(raw: str) -> str | None:
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if isinstance(data, dict):
        for key in ("id", "message_id", "messageId", "sid"):
            if data.get(key) not in (None, ""):
                return str(data[key])[:100]
    return None


def outbound_transport(settings: GatewaySettings) -> HttpTransport | None:
    """The HTTP transport when ``SALDO_GATEWAY_OUTBOUND_URL`` is set."""
    return HttpTransport(settings.outbound_url) if settings.outbound_url else None
