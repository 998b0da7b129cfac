"""The lockout per user and per client address, shared through the database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from saldo.accounts.signin import sign_in
from saldo.identity.errors import AccountLocked, BadCredentials
from saldo.kit.clock import FixedClock
from saldo.runtime import Runtime
from tests.accounts.support import PASSWORD, VAT_A, make_account, make_company, make_user

LIFE = timedelta(hours=1)


def _try(rt: Runtime, email: str, password: str, client: str) -> str:
    with rt.transaction() as session:
        result = sign_in(
            session,
            email=email,
            password=password,
            totp=None,
            kind="api",
            lifetime=LIFE,
            now=rt.clock.now(),
            client=client,
        )
    return result.raise_if_failed()


def test_a_user_is_locked_whatever_the_address(rt: Runtime) -> None:
    make_company(rt, vat=VAT_A, lines=1)
    make_account(rt, vat=VAT_A, admin="admin@azienda.it")
    for n in range(5):
        with pytest.raises(BadCredentials):
            _try(rt, "admin@azienda.it", "sbagliata-123", f"198.51.100.{n}")
    with pytest.raises(AccountLocked) as locked:
        _try(rt, "admin@azienda.it", PASSWORD, "203.0.113.7")
    assert locked.value.retry_after == 900


def test_an_address_is_locked_whatever_the_user(rt: Runtime) -> None:
    make_company(rt, vat=VAT_A, lines=1)
    account = make_account(rt, vat=VAT_A, admin="admin@azienda.it")
    make_user(rt, account_id=account, email="capo@azienda.it", role="manager")
    for n in range(5):
        with pytest.raises(BadCredentials):
            _try(rt, f"nessuno{n}@azienda.it", "sbagliata-123", "203.0.113.9")
    with pytest.raises(AccountLocked):
        _try(rt, "capo@azienda.it", PASSWORD, "203.0.113.9")
    assert _try(rt, "capo@azienda.it", PASSWORD, "203.0.113.10")


def test_failures_older_than_the_window_do_not_add_up(rt: Runtime) -> None:
    make_company(rt, vat=VAT_A, lines=1)
    make_account(rt, vat=VAT_A, admin="admin@azienda.it")
    clock = rt.clock
    assert isinstance(clock, FixedClock)
    for _ in range(4):
        with pytest.raises(BadCredentials):
            _try(rt, "admin@azienda.it", "sbagliata-123", "198.51.100.1")
    clock.set(clock.now() + timedelta(minutes=16))
    for _ in range(4):
        with pytest.raises(BadCredentials):
            _try(rt, "admin@azienda.it", "sbagliata-123", "198.51.100.1")
    assert _try(rt, "admin@azienda.it", PASSWORD, "198.51.100.1")
