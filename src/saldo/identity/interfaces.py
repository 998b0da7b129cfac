"""The one login system every door uses, as a small interface (as pypi/warehouse's
``accounts/interfaces.py``): the customer's pages and JSON API, the voice line's PIN, and next
the business area, the care console and OAuth clients. ``identity.service`` and
``identity.pin`` implement it for the database; a channel needs nothing else of identity.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.orm import Session

from saldo.identity.limits import Admission, SignInLimits
from saldo.identity.schemas import CodeCheck, Me, Principal


class SignIn(Protocol):
    """Login codes sent by SMS, and the limits in front of them."""

    def admit_code_request(
        self, session: Session, *, client: str, msisdn: str, now: datetime, limits: SignInLimits
    ) -> Admission: ...

    def request_code(self, session: Session, *, msisdn: str, now: datetime, secret: str) -> str: ...

    def check_code(
        self,
        session: Session,
        *,
        msisdn: str,
        code: str,
        now: datetime,
        secret: str,
        previous_secrets: Sequence[str] = (),
        client: str | None = None,
        limits: SignInLimits | None = None,
    ) -> CodeCheck: ...


class Sessions(Protocol):
    """Sessions of principals: opened after a credential was checked, resolved per request."""

    def open_principal_session(
        self,
        session: Session,
        *,
        principal: Principal,
        kind: str,
        now: datetime,
        lifetime: timedelta,
    ) -> str: ...

    def resolve_session(
        self,
        session: Session,
        *,
        token: str | None,
        kind: str,
        now: datetime,
        idle: timedelta,
        touch: bool = True,
    ) -> Me: ...

    def touch_session(self, session: Session, *, session_id: int, now: datetime) -> None: ...

    def end_session(self, session: Session, *, token: str | None, now: datetime) -> bool: ...


class Pins(Protocol):
    """The service PIN of the voice line, with its lockout."""

    def set_pin(self, session: Session, *, msisdn: str, pin: str) -> None: ...

    def check_pin(
        self,
        session: Session,
        *,
        msisdn: str,
        pin: str,
        now: datetime,
        channel: str,
        session_key: str,
    ) -> str: ...
