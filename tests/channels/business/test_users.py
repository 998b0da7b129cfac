"""Invitations by e-mail (72 hours, one use), role changes and the last-admin rule."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from saldo.kit.clock import FixedClock
from saldo.notifications.models import OutboxMessage
from tests.accounts.support import PASSWORD, VAT_A, make_account, make_company
from tests.channels.business.support import API, login
from tests.channels.web.support import Web


def _invite_token(web: Web, email: str) -> str:
    with web.rt.transaction() as session:
        body = session.scalars(
            select(OutboxMessage.body).where(
                OutboxMessage.recipient == email, OutboxMessage.channel == "email"
            )
        ).one()
    match = re.search(r"/business/invite/([\w-]+)", body)
    assert match, body
    return match.group(1)


def test_invitation_link_sets_a_password_once(web: Web) -> None:
    lines = make_company(web.rt, vat=VAT_A, lines=2)
    make_account(web.rt, vat=VAT_A, admin="admin@a.it")
    admin = login(web, "admin@a.it")
    missing_line = admin.post(f"{API}/users", json={"email": "dip@a.it", "role": "employee"})
    assert missing_line.status_code == 422 and "msisdn" in missing_line.json()["message"]
    invited = admin.post(
        f"{API}/users", json={"email": "Dip@A.it", "role": "employee", "msisdn": lines[1]}
    )
    assert invited.status_code == 201, invited.text
    assert invited.json() == {
        "id": invited.json()["id"],
        "email": "dip@a.it",
        "role": "employee",
        "status": "invited",
        "msisdn": lines[1],
        "totp_enabled": False,
    }
    again = admin.post(f"{API}/users", json={"email": "DIP@a.it", "role": "manager"})
    assert again.status_code == 409
    token = _invite_token(web, "dip@a.it")
    client = web.client()
    weak = client.post(f"{API}/invitations/accept", json={"token": token, "password": "corta"})
    assert weak.status_code == 422
    done = client.post(f"{API}/invitations/accept", json={"token": token, "password": PASSWORD})
    assert done.status_code == 201 and done.json()["status"] == "active"
    reused = client.post(f"{API}/invitations/accept", json={"token": token, "password": PASSWORD})
    assert reused.status_code == 404
    employee = login(web, "dip@a.it")
    assert [x["msisdn"] for x in employee.get(f"{API}/lines").json()] == [lines[1]]


def test_invitation_expires_after_72_hours(web: Web) -> None:
    make_company(web.rt, vat=VAT_A, lines=1)
    make_account(web.rt, vat=VAT_A, admin="admin@a.it")
    login(web, "admin@a.it").post(f"{API}/users", json={"email": "m@a.it", "role": "manager"})
    token = _invite_token(web, "m@a.it")
    clock = web.rt.clock
    assert isinstance(clock, FixedClock)
    clock.set(clock.now() + timedelta(hours=72, seconds=1))
    late = web.client().post(
        f"{API}/invitations/accept", json={"token": token, "password": PASSWORD}
    )
    assert late.status_code == 404 and late.json()["code"] == "invitation_invalid"


def test_the_last_admin_can_be_neither_demoted_nor_removed(web: Web) -> None:
    make_company(web.rt, vat=VAT_A, lines=1)
    make_account(web.rt, vat=VAT_A, admin="admin@a.it")
    admin = login(web, "admin@a.it")
    me = admin.get(f"{API}/profile").json()["id"]
    assert admin.patch(f"{API}/users/{me}", json={"role": "manager"}).status_code == 409
    assert admin.delete(f"{API}/users/{me}").status_code == 409
    from tests.accounts.support import make_user

    second = make_user(web.rt, account_id=1, email="admin2@a.it", role="admin")
    assert admin.delete(f"{API}/users/{second}").status_code == 204
    assert admin.patch(f"{API}/users/{me}", json={"role": "manager"}).status_code == 409


def test_a_disabled_user_is_signed_out_at_once(web: Web) -> None:
    make_company(web.rt, vat=VAT_A, lines=1)
    account = make_account(web.rt, vat=VAT_A, admin="admin@a.it")
    from tests.accounts.support import make_user

    uid = make_user(web.rt, account_id=account, email="m@a.it", role="manager")
    manager = login(web, "m@a.it")
    assert manager.get(f"{API}/lines").status_code == 200
    assert login(web, "admin@a.it").delete(f"{API}/users/{uid}").status_code == 204
    assert manager.get(f"{API}/lines").status_code == 401
    answer = web.client().post(f"{API}/token", json={"email": "m@a.it", "password": PASSWORD})
    assert answer.status_code == 401
