"""Who asked for a change, and through which channel: written on every ledger entry."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Origin:
    actor: str
    """"system", "customer", "agent:<id>", "network"…"""
    channel: str
    """cli | web | api | sms | ivr | ussd | care | worker | network | tmf"""


CLI = Origin(actor="operator", channel="cli")
WORKER = Origin(actor="system", channel="worker")
NETWORK = Origin(actor="network", channel="network")
