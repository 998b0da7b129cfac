"""/api/v1/me/tickets over real HTTP: open, list, thread, reply, attachments; a customer
reaches only their own tickets; bad input is 422 and creates nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from saldo.care.models import Ticket
from saldo.notifications.models import OutboxMessage
from tests.care.factories import IBAN_OK, open_ticket
from tests.channels.web.support import Web
from tests.factories import make_line

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


def _count(web: Web) -> int:
    with web.rt.read() as session:
        return int(session.scalar(select(func.count()).select_from(Ticket)) or 0)


def test_a_customer_opens_a_complaint_and_follows_it(web: Web) -> None:
    msisdn = make_line(web.rt)
    api = web.api_login(msisdn)
    made = api.post(
        "/api/v1/me/tickets",
        json={"kind": "complaint", "subject": "Addebito", "body": "Non ho chiesto nulla"},
    )
    assert made.status_code == 201, made.text
    data = made.json()
    assert set(data) == {"id", "code", "kind", "status", "deadline"}
    assert data["kind"] == "complaint" and data["status"] == "open"
    assert data["code"].startswith("RC-2026-") and data["deadline"].startswith("2026-12-26")
    with web.rt.read() as session:
        acks = session.scalars(
            select(OutboxMessage.body).where(
                OutboxMessage.recipient == msisdn, OutboxMessage.topic == "ticket"
            )
        ).all()
    assert any(data["code"] in body for body in acks)

    listed = api.get("/api/v1/me/tickets").json()
    assert [t["code"] for t in listed] == [data["code"]]
    assert listed[0]["msisdn"] == msisdn and listed[0]["indemnity_cents"] == 0

    replied = api.post(f"/api/v1/me/tickets/{data['code']}/messages", json={"body": "Novità?"})
    assert replied.status_code == 201 and replied.json()["author"] == "customer"
    up = api.post(
        f"/api/v1/me/tickets/{data['code']}/attachments",
        files={"file": ("bolletta.pdf", PDF, "application/octet-stream")},
        data={"body": "La bolletta"},
    )
    assert up.status_code == 201, up.text
    attached = up.json()["attachments"]
    assert [(a["filename"], a["content_type"], a["size"]) for a in attached] == [
        ("bolletta.pdf", "application/pdf", len(PDF))
    ]
    got = api.get(f"/api/v1/me/tickets/{data['code']}/attachments/{attached[0]['id']}")
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    thread = api.get(f"/api/v1/me/tickets/{data['code']}").json()
    assert [m["body"] for m in thread["messages"]] == [
        "Non ho chiesto nulla",
        "Novità?",
        "La bolletta",
    ]


def test_a_refund_request_to_an_iban(web: Web) -> None:
    api = web.api_login(make_line(web.rt))
    made = api.post(
        "/api/v1/me/tickets",
        json={
            "kind": "refund",
            "subject": "Doppio addebito",
            "body": "Due volte",
            "amount_cents": 1250,
            "refund_to": "iban",
            "iban": IBAN_OK,
            "iban_holder": "Mario Rossi",
            "invoice": "FT-2026/0042",
        },
    )
    assert made.status_code == 201, made.text
    assert made.json()["deadline"] is None
    shown = api.get(f"/api/v1/me/tickets/{made.json()['code']}").json()["ticket"]
    assert shown["refund_status"] == "requested" and shown["iban"] == "IT60…3456"
    assert shown["invoice"] == "FT-2026/0042" and shown["amount_cents"] == 1250


def test_bad_requests_are_422_and_create_nothing(web: Web) -> None:
    api = web.api_login(make_line(web.rt))
    bad = [
        {"kind": "praise", "subject": "s", "body": "b"},
        {"kind": "complaint", "subject": "", "body": "b"},
        {"kind": "complaint", "subject": "s", "body": "b", "unknown": 1},
        {
            "kind": "refund",
            "subject": "s",
            "body": "b",
            "amount_cents": 100,
            "refund_to": "iban",
            "iban": "IT60X0542811101000000123457",
            "iban_holder": "M",
        },
        {"kind": "refund", "subject": "s", "body": "b", "amount_cents": -1, "refund_to": "credit"},
        {"kind": "message", "subject": "s", "body": "b", "amount_cents": 100},
    ]
    for body in bad:
        answer = api.post("/api/v1/me/tickets", json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert set(answer.json()) == {"code", "message"}
    assert _count(web) == 0
    code = api.post(
        "/api/v1/me/tickets", json={"kind": "message", "subject": "s", "body": "b"}
    ).json()["code"]
    fake = api.post(
        f"/api/v1/me/tickets/{code}/attachments",
        files={"file": ("x.pdf", b"MZ\x90\x00", "application/pdf")},
    )
    assert fake.status_code == 422 and fake.json()["code"] == "invalid_attachment"
    big = api.post(
        f"/api/v1/me/tickets/{code}/attachments",
        files={"file": ("x.pdf", b"%PDF-" + b"0" * (6 * 1024 * 1024), "application/pdf")},
    )
    assert big.status_code == 413
    assert api.get(f"/api/v1/me/tickets/{code}").json()["messages"][1:] == []


def test_another_customers_tickets_are_not_found(web: Web) -> None:
    mine, theirs = make_line(web.rt), make_line(web.rt)
    other = open_ticket(web.rt, theirs)
    api = web.api_login(mine)
    assert api.get(f"/api/v1/me/tickets/{other.code}").status_code == 404
    assert (
        api.post(f"/api/v1/me/tickets/{other.code}/messages", json={"body": "x"}).status_code == 404
    )
    assert (
        api.post(
            f"/api/v1/me/tickets/{other.code}/attachments",
            files={"file": ("a.pdf", PDF, "application/pdf")},
        ).status_code
        == 404
    )
    assert api.get(f"/api/v1/me/tickets/{other.code}/attachments/1").status_code == 404
    assert api.get("/api/v1/me/tickets").json() == []
    about_theirs = api.post(
        "/api/v1/me/tickets",
        json={"kind": "complaint", "subject": "s", "body": "b", "msisdn": theirs},
    )
    assert about_theirs.status_code == 404
    assert web.client().get("/api/v1/me/tickets").status_code == 401
