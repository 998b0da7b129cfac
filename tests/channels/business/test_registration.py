"""Registration with the partita IVA and a code by SMS to a company line; confirmation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from saldo.kit.clock import FixedClock
from saldo.notifications.models import OutboxMessage
from tests.accounts.support import PASSWORD, VAT_A, VAT_B, make_account, make_company
from tests.channels.business.support import API, login
from tests.channels.web.support import Web


def _form(msisdn: str, *, vat: str = VAT_A, email: str = "Capo@Azienda.it") -> dict[str, str]:
    return {
        "vat_number": vat,
        "email": email,
        "password": PASSWORD,
        "msisdn": msisdn,
        "name": "Azienda Srl",
    }


def _messages(web: Web, recipient: str) -> list[OutboxMessage]:
    with web.rt.transaction() as session:
        rows = session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == recipient)
        ).all()
        session.expunge_all()
        return list(rows)


def _code(web: Web, msisdn: str) -> str:
    sms = [m for m in _messages(web, msisdn) if m.topic == "otp"]
    assert sms, "no code was sent"
    match = re.match(r"(\d{6}) ", sms[-1].body)
    assert match
    return match.group(1)


def test_malformed_fields_are_each_named_in_italian_and_english(web: Web) -> None:
    bad = {
        "vat_number": "10000000018",
        "email": "non-una-mail",
        "password": "corta",
        "msisdn": "+390612345678",
        "name": "Azienda",
    }
    client = web.client()
    italian = client.post(f"{API}/registrations", json=bad)
    assert italian.status_code == 422
    message = italian.json()["message"]
    for field in ("vat_number", "email", "password", "msisdn"):
        assert field in message
    assert "partita IVA non valida" in message and "almeno 12 caratteri" in message
    english = client.post(f"{API}/registrations", json=bad, headers={"Accept-Language": "en"})
    assert "invalid Italian VAT number" in english.json()["message"]
    assert "not a valid e-mail address" in english.json()["message"]
    common = client.post(
        f"{API}/registrations", json={**bad, "password": "Password1234", "vat_number": VAT_A}
    )
    assert "più comuni" in common.json()["message"]
    assert "vat_number" not in common.json()["message"]


def test_registration_sends_a_code_to_the_company_line_and_makes_the_first_admin(
    web: Web,
) -> None:
    line, *_ = make_company(web.rt, vat=VAT_A)
    client = web.client()
    answer = client.post(f"{API}/registrations", json=_form(line))
    assert answer.status_code == 202
    code = _code(web, line)
    wrong = "000000" if code != "000000" else "111111"
    confirm = {"email": "capo@azienda.it", "code": wrong}
    assert client.post(f"{API}/registrations/confirm", json=confirm).status_code == 401
    done = client.post(f"{API}/registrations/confirm", json={**confirm, "code": code})
    assert done.status_code == 201, done.text
    assert done.json()["role"] == "admin"
    signed = login(web, "CAPO@azienda.it")
    assert signed.get(f"{API}/lines").status_code == 200


@pytest.mark.parametrize("case", ["unknown_company", "other_company_line", "consumer_line"])
def test_nothing_tells_a_company_or_line_apart(web: Web, case: str) -> None:
    a_line = make_company(web.rt, vat=VAT_A, lines=1)[0]
    b_line = make_company(web.rt, vat=VAT_B, lines=1)[0]
    from tests.factories import make_line

    consumer = make_line(web.rt)
    msisdn, vat = {
        "unknown_company": (a_line, "10000020015"),
        "other_company_line": (b_line, VAT_A),
        "consumer_line": (consumer, VAT_A),
    }[case]
    client = web.client()
    answer = client.post(f"{API}/registrations", json=_form(msisdn, vat=vat))
    assert answer.status_code == 202
    assert answer.json()["message"].startswith("Se i dati corrispondono")
    assert _messages(web, msisdn) == []
    for guess in ("123456", "654321"):
        tried = client.post(
            f"{API}/registrations/confirm", json={"email": "capo@azienda.it", "code": guess}
        )
        assert tried.status_code == 401


def test_code_expires_after_ten_minutes(web: Web) -> None:
    line = make_company(web.rt, vat=VAT_A, lines=1)[0]
    client = web.client()
    client.post(f"{API}/registrations", json=_form(line))
    code = _code(web, line)
    clock = web.rt.clock
    assert isinstance(clock, FixedClock)
    clock.set(clock.now() + timedelta(minutes=10, seconds=1))
    late = client.post(
        f"{API}/registrations/confirm", json={"email": "capo@azienda.it", "code": code}
    )
    assert late.status_code == 401


def test_code_burns_after_five_wrong_tries(web: Web) -> None:
    line = make_company(web.rt, vat=VAT_A, lines=1)[0]
    client = web.client()
    client.post(f"{API}/registrations", json=_form(line))
    code = _code(web, line)
    wrongs = [c for c in ("000001", "000002", "000003", "000004", "000005", "000006") if c != code]
    for guess in wrongs[:5]:
        body = {"email": "capo@azienda.it", "code": guess}
        assert client.post(f"{API}/registrations/confirm", json=body).status_code == 401
    right = client.post(
        f"{API}/registrations/confirm", json={"email": "capo@azienda.it", "code": code}
    )
    assert right.status_code == 401
    with web.rt.transaction() as session:
        from saldo.accounts.models import CompanyAccount

        assert session.scalar(select(CompanyAccount.id)) is None


def test_second_registration_mails_the_admins_and_sends_no_code(web: Web) -> None:
    line = make_company(web.rt, vat=VAT_A, lines=1)[0]
    make_account(web.rt, vat=VAT_A, admin="admin@azienda.it")
    answer = web.client().post(f"{API}/registrations", json=_form(line, email="intruso@altro.it"))
    assert answer.status_code == 202
    assert _messages(web, line) == []
    mails = _messages(web, "admin@azienda.it")
    assert [m.channel for m in mails] == ["email"]
    assert "intruso@altro.it" in mails[0].body and mails[0].subject
