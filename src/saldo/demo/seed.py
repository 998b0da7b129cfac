"""Demo customers and some usage, so that every channel has something to show."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from saldo.accounts.models import BusinessUser, CompanyAccount, LineLabel
from saldo.accounts.repository import first_business_customer
from saldo.catalog.service import get_catalog
from saldo.charging.schemas import UsageEvent
from saldo.charging.service import charge_usage
from saldo.identity.passwords import hash_password
from saldo.kit.clock import Clock, FixedClock
from saldo.kit.money import parse_eur
from saldo.kit.origin import Origin
from saldo.kit.quantities import GB, MB
from saldo.lines.models import Line
from saldo.lines.service import add_line, add_option

DEMO = Origin(actor="demo", channel="cli")
DEMO_COMPANY_VAT = "01234560017"
DEMO_ADMIN_EMAIL = "admin@officinarossi.example"
DEMO_ADMIN_PASSWORD = "officina-rossi-demo"
"""The demo company's admin login (printed by ``saldo demo hints``); demo data only."""
DEMO_LABELS = {"+393481234000": "Furgone consegne", "+393409998877": "Ufficio"}

# msisdn, plan, credit, name, codice fiscale, partita IVA, postpaid, options
LINES = [
    ("+393471234567", "GIGA150", "15", "Mario Rossi", "RSSMRA80A01H501U", None, False, []),
    ("+393339876543", "SMART50", "10", "Giulia Bianchi", "BNCGLI85M41F205B", None, False, []),
    ("+393201112233", "BASE", "5", "Luigi Verdi", "VRDLGU70T10L219V", None, False, []),
    (
        "+393481234000",
        "BUSINESS100",
        "40",
        "Officina Rossi Srl",
        None,
        "01234560017",
        False,
        ["GIGA_EXTRA_50"],
    ),
    ("+393409998877", "BUSINESSPRO", "0", "Officina Rossi Srl", None, "01234560017", True, []),
]

# msisdn, service, zone, quantity, hours ago
USAGE = [
    ("+393471234567", "data", "national", 38 * GB + 700 * MB, 50),
    ("+393471234567", "voice", "national", 754, 30),
    ("+393471234567", "data", "eu", 2 * GB, 20),
    ("+393339876543", "voice", "national", 4300, 40),
    ("+393339876543", "sms", "national", 12, 30),
    ("+393339876543", "data", "national", 41 * GB, 10),
    ("+393201112233", "voice", "national", 95, 5),
    ("+393481234000", "data", "national", 72 * GB, 12),
    ("+393409998877", "voice", "international", 600, 8),
]


def seed(session: Session, *, clock: Clock) -> int:
    """Add the demo lines that are not there yet; returns how many were added."""
    now = clock.now()
    _, document = get_catalog(session)
    added = 0
    for msisdn, plan, credit, name, cf, piva, postpaid, options in LINES:
        if session.scalar(select(Line.id).where(Line.msisdn == msisdn)) is not None:
            continue
        add_line(
            session,
            msisdn=msisdn,
            plan_code=plan,
            credit_cents=parse_eur(credit),
            name=name,
            tax_code=cf,
            vat_number=piva,
            postpaid=postpaid,
            clock=FixedClock(now - timedelta(days=3)),
            origin=DEMO,
        )
        for code in options:
            add_option(
                session,
                msisdn=msisdn,
                option_code=code,
                clock=FixedClock(now - timedelta(days=2)),
                origin=DEMO,
            )
        added += 1
        for n, (who, service, zone, quantity, hours) in enumerate(USAGE):
            if who != msisdn:
                continue
            charge_usage(
                session,
                event=UsageEvent(
                    f"demo-{msisdn}-{n}",
                    msisdn,
                    service,
                    zone,
                    now - timedelta(hours=hours),
                    quantity,
                ),
                now=now,
                sender=document.channels.sms,
                source="cdr",
            )
    seed_company(session, now=now)
    return added


def seed_company(session: Session, *, now: datetime) -> None:
    """The demo company (the business lines' partita IVA) with its admin, if not there yet."""
    customer_id = first_business_customer(session, DEMO_COMPANY_VAT)
    exists = select(CompanyAccount.id).where(CompanyAccount.vat_number == DEMO_COMPANY_VAT)
    if customer_id is None or session.scalar(exists) is not None:
        return
    account = CompanyAccount(
        customer_id=customer_id,
        vat_number=DEMO_COMPANY_VAT,
        name="Officina Rossi Srl",
        created_at=now,
    )
    session.add(account)
    session.flush()
    session.add(
        BusinessUser(
            account_id=account.id,
            email=DEMO_ADMIN_EMAIL,
            name="Anna Rossi",
            password_hash=hash_password(DEMO_ADMIN_PASSWORD),
            role="admin",
            status="active",
            totp_enabled=False,
            created_at=now,
        )
    )
    for msisdn, label in DEMO_LABELS.items():
        line_id = session.scalar(select(Line.id).where(Line.msisdn == msisdn))
        if line_id is not None:
            session.add(LineLabel(line_id=line_id, label=label))
    session.flush()
