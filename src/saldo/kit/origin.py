"""Who asked for a change, and through which channel: written on every ledger entry."""

from __future__ import annotations

from dataclasses import dataclass

TEST = ":test"
"""Ends the channel of a change paid with test money (the sandbox): ``web:test``, ``api:test``;
``channel LIKE '%:test'`` finds them all."""


@dataclass(frozen=True, slots=True)
class Origin:
    actor: str
    """"system", "customer", "agent:<id>", "network"…"""
    channel: str
    """cli | web | api | sms | ivr | ussd | care | worker | network | tmf, with ``:test`` after
    it when no real money paid for the change"""

    def as_test(self) -> Origin:
        """The same origin, marked as paid with test money (a sandbox payment)."""
        return self if self.test else Origin(self.actor, self.channel + TEST)

    @property
    def test(self) -> bool:
        return self.channel.endswith(TEST)


CLI = Origin(actor="operator", channel="cli")
WORKER = Origin(actor="system", channel="worker")
NETWORK = Origin(actor="network", channel="network")
