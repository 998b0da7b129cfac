"""Shapes that leave identity: who a principal is, who is signed in, how a code check went."""

from __future__ import annotations

from dataclasses import dataclass

from saldo.identity.errors import CodeRejected

LINE = "line"
"""The principal kind of a customer's line."""
BUSINESS_USER = "business_user"
"""The principal kind of a user of a company account (``accounts.BusinessUser``)."""


@dataclass(frozen=True, slots=True)
class Principal:
    """Whoever a session belongs to: a line today; a business user, an agent or an API
    client next (each a kind of its own, with its id in its own table)."""

    kind: str
    id: int

    @classmethod
    def line(cls, line_id: int) -> Principal:
        return cls(LINE, line_id)


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A session of any principal kind, resolved from its token."""

    session_id: int
    principal: Principal
    csrf_token: str
    stale: bool
    """The activity was not recorded yet: ``touch_session`` after a read-only request."""


@dataclass(frozen=True, slots=True)
class Me:
    """Who is signed in on the customer's channels: one session, one line. Nothing else is
    ever reachable from it."""

    session_id: int
    line_id: int
    msisdn: str
    csrf_token: str
    kind: str
    stale: bool = False
    """The activity was not recorded yet (read-only request): ``touch_session`` after."""

    @property
    def principal(self) -> Principal:
        return Principal.line(self.line_id)


@dataclass(frozen=True, slots=True)
class CodeCheck:
    """The outcome of trying a code. Wrong tries must be committed, so this is returned (and
    the transaction committed) before ``raise_if_rejected`` turns a failure into an error."""

    msisdn: str
    line_id: int | None
    outcome: str  # ok | wrong | burned | missing
    tries_left: int = 0

    def raise_if_rejected(self) -> int:
        if self.outcome == "ok" and self.line_id is not None:
            return self.line_id
        raise CodeRejected(self.outcome, self.tries_left)
