"""Lines: creation, plan periods and renewals, plan changes, options."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from saldo.balances.errors import InsufficientCredit
from saldo.balances.presenter import missing_cents
from saldo.balances.service import credit_of
from saldo.balances.wallet import credit_wallet, debit_wallet, open_wallet
from saldo.billing.accounts import open_line
from saldo.billing.service import plan_terms, record_fee
from saldo.catalog.errors import UnknownPlan
from saldo.catalog.schemas import Plan
from saldo.catalog.service import get_catalog, get_option, get_plan
from saldo.customers.models import Customer
from saldo.kit.clock import Clock
from saldo.kit.fiscal import normalize_tax_code, normalize_vat_number
from saldo.kit.msisdn import normalize_msisdn
from saldo.kit.origin import Origin
from saldo.kit.periods import add_period
from saldo.lines import grants
from saldo.lines.eligibility import (
    check_new_line_plan,
    check_option,
    check_plan_change,
    option_expiry,
)
from saldo.lines.errors import LineExists, OptionState, PlanNotAllowed
from saldo.lines.models import Line, LineOption
from saldo.lines.repository import active_options, line_by_msisdn


def add_line(
    session: Session,
    *,
    msisdn: str,
    plan_code: str,
    clock: Clock,
    origin: Origin,
    credit_cents: int = 0,
    name: str | None = None,
    tax_code: str | None = None,
    vat_number: str | None = None,
    postpaid: bool = False,
) -> Line:
    """A new line: the credit is loaded first, then activating the plan debits its fee.

    Without enough credit the line is created with the plan suspended.
    """
    e164 = normalize_msisdn(msisdn)
    cf = normalize_tax_code(tax_code) if tax_code else None
    piva = normalize_vat_number(vat_number) if vat_number else None
    if credit_cents < 0:
        raise PlanNotAllowed(
            "il credito iniziale non può essere negativo", "initial credit must not be negative"
        )
    version_id, plan = get_plan(session, plan_code)
    check_new_line_plan(plan, business=piva is not None, postpaid=postpaid)
    if session.scalar(select(Line.id).where(Line.msisdn == e164)) is not None:
        raise LineExists(e164)
    now = clock.now()
    customer = Customer(
        segment="business" if piva else "consumer",
        name=name,
        tax_code=cf,
        vat_number=piva,
        created_at=now,
    )
    session.add(customer)
    session.flush()
    line = Line(
        msisdn=e164,
        customer_id=customer.id,
        billing=plan.billing,
        status="active",
        plan_code=plan.code,
        catalog_version_id=version_id,
        plan_status="suspended",
        created_at=now,
    )
    session.add(line)
    session.flush()
    if line.billing == "postpaid":
        open_line(session, line_id=line.id, customer_id=customer.id, msisdn=e164, at=now)
    open_wallet(session, line_id=line.id, origin=origin, now=now)
    if credit_cents:
        credit_wallet(
            session,
            line_id=line.id,
            cents=credit_cents,
            kind="topup",
            key=f"initial-credit:{line.id}",
            reference="initial credit",
            origin=origin,
            now=now,
        )
    start_period(
        session,
        line=line,
        plan=plan,
        version_id=version_id,
        start=now,
        origin=origin,
        reason="activation",
    )
    return line


def start_period(
    session: Session,
    *,
    line: Line,
    plan: Plan,
    version_id: int,
    start: datetime,
    origin: Origin,
    reason: str,
) -> bool:
    """Begin a plan period at ``start``: debit the fee (prepaid) and grant the allowances.

    ``reason`` (activation, renewal, change, resume) makes the fee's ledger key: a renewal's key
    is fixed by the period, so the same period is never charged twice. Returns False, with the
    plan suspended, when the credit cannot pay the fee.
    """
    unique = start.isoformat() if reason in ("activation", "renewal") else uuid.uuid4().hex
    now = start
    fee_key = f"fee:{reason}:{line.id}:{unique}"
    line.plan_code = plan.code
    line.catalog_version_id = version_id
    if line.billing == "prepaid":
        try:
            debit_wallet(
                session,
                line_id=line.id,
                cents=plan.fee,
                kind="fee",
                key=fee_key,
                reference=f"plan:{plan.code}",
                origin=origin,
                now=now,
            )
        except InsufficientCredit:
            line.plan_status = "suspended"
            line.period_started_at = None
            line.renews_at = None
            session.flush()
            return False
    else:
        _bill_fee(
            session, line=line, kind="plan_fee", code=plan.code, fee=plan.fee, at=start, key=fee_key
        )
    renews_at = add_period(start, plan.period)
    grants.grant(
        session,
        line_id=line.id,
        allowances=plan.allowances,
        source="plan",
        source_code=plan.code,
        source_ref=None,
        valid_from=start,
        expires_at=renews_at,
        key=f"grant:{reason}:{line.id}:{unique}",
        origin=origin,
        now=now,
    )
    line.plan_status = "active"
    line.period_started_at = start
    line.renews_at = renews_at
    line.renewal_warned_for = None
    session.flush()
    return True


def renew(session: Session, *, line: Line, origin: Origin) -> bool:
    """Renew a line whose period has ended, at the instant it ended (no drift)."""
    assert line.renews_at is not None
    at = line.renews_at
    grants.close_buckets(session, line_id=line.id, source="plan", origin=origin, now=at)
    _end_options_at_renewal(session, line=line, origin=origin, at=at)
    code = line.pending_plan_code or line.plan_code
    try:
        version_id, plan = get_plan(session, code)
    except UnknownPlan:
        # the plan left the catalogue: the line keeps the version it has
        version_id, plan = get_plan(session, line.plan_code, line.catalog_version_id)
    line.pending_plan_code = None
    renewed = start_period(
        session,
        line=line,
        plan=plan,
        version_id=version_id,
        start=at,
        origin=origin,
        reason="renewal",
    )
    if renewed:
        _renew_recurring_options(session, line=line, origin=origin, at=at)
    return renewed


def resume_if_affordable(session: Session, *, line: Line, clock: Clock, origin: Origin) -> bool:
    """A suspended prepaid plan restarts as soon as the credit pays its fee."""
    if line.plan_status != "suspended" or line.billing != "prepaid":
        return False
    code = line.pending_plan_code or line.plan_code
    version_id, plan = get_plan(session, code)
    # the top-up the channels asked for (what is missing for the renewal) is exactly enough
    if missing_cents(fee_cents=plan.fee, credit_cents=credit_of(session, line.id)):
        return False
    line.pending_plan_code = None
    return start_period(
        session,
        line=line,
        plan=plan,
        version_id=version_id,
        start=clock.now(),
        origin=origin,
        reason="resume",
    )


def change_plan(
    session: Session, *, msisdn: str, plan_code: str, at_renewal: bool, clock: Clock, origin: Origin
) -> Line:
    """Switch plan now (the new fee is debited, a new period starts) or at the next renewal."""
    line = line_by_msisdn(session, normalize_msisdn(msisdn), for_update=True)
    customer = session.get(Customer, line.customer_id)
    assert customer is not None
    version_id, plan = get_plan(session, plan_code)
    check_plan_change(
        plan,
        billing=line.billing,
        business=customer.segment == "business",
        current_code=line.plan_code,
        current_status=line.plan_status,
    )
    if at_renewal and line.plan_status == "active":
        line.pending_plan_code = plan.code
        session.flush()
        return line
    now = clock.now()
    if line.billing == "prepaid" and credit_of(session, line.id) < plan.fee:
        raise InsufficientCredit(plan.fee, credit_of(session, line.id))
    grants.close_buckets(session, line_id=line.id, source="plan", origin=origin, now=now)
    for option in active_options(session, line.id):
        _, spec = get_option(session, option.option_code, option.catalog_version_id)
        if not spec.fits(plan.code):
            _end_option(session, line=line, option=option, origin=origin, now=now)
    line.pending_plan_code = None
    start_period(
        session,
        line=line,
        plan=plan,
        version_id=version_id,
        start=now,
        origin=origin,
        reason="change",
    )
    return line


def add_option(
    session: Session, *, msisdn: str, option_code: str, clock: Clock, origin: Origin
) -> LineOption:
    """Activate an option: its fee is debited (prepaid) and its allowances granted."""
    line = line_by_msisdn(session, normalize_msisdn(msisdn), for_update=True)
    version_id, option = get_option(session, option_code)
    check_option(
        option,
        plan_code=line.plan_code,
        plan_status=line.plan_status,
        active=[o.option_code for o in active_options(session, line.id)],
    )
    return _activate_option(
        session,
        line=line,
        option_code=option.code,
        version_id=version_id,
        at=clock.now(),
        origin=origin,
    )


def _activate_option(
    session: Session, *, line: Line, option_code: str, version_id: int, at: datetime, origin: Origin
) -> LineOption:
    _, option = get_option(session, option_code, version_id)
    expires_at = option_expiry(option, renews_at=line.renews_at, at=at)
    record = LineOption(
        line_id=line.id,
        option_code=option.code,
        catalog_version_id=version_id,
        status="active",
        recurring=option.recurring,
        fee_cents=option.fee,
        activated_at=at,
        expires_at=expires_at,
    )
    session.add(record)
    session.flush()
    fee_key = f"fee:option:{record.id}"
    if line.billing == "prepaid":
        debit_wallet(
            session,
            line_id=line.id,
            cents=option.fee,
            kind="fee",
            key=fee_key,
            reference=f"option:{option.code}",
            origin=origin,
            now=at,
        )
    else:
        _bill_fee(
            session,
            line=line,
            kind="option_fee",
            code=option.code,
            fee=option.fee,
            at=at,
            key=fee_key,
        )
    grants.grant(
        session,
        line_id=line.id,
        allowances=option.allowances,
        source="option",
        source_code=option.code,
        source_ref=record.id,
        valid_from=at,
        expires_at=expires_at,
        key=f"grant:option:{record.id}",
        origin=origin,
        now=at,
    )
    return record


def _bill_fee(
    session: Session, *, line: Line, kind: str, code: str, fee: int, at: datetime, key: str
) -> None:
    """A postpaid line's fee becomes a billable charge, keyed as a prepaid line's debit is."""
    _, plan = get_plan(session, line.plan_code, line.catalog_version_id)
    terms = plan_terms(session, version_id=line.catalog_version_id, plan=plan)
    record_fee(
        session,
        line_id=line.id,
        kind=kind,
        code=code,
        fee_cents=fee,
        terms=terms,
        occurred_at=at,
        reference=key,
    )


def remove_option(
    session: Session, *, msisdn: str, option_code: str, clock: Clock, origin: Origin
) -> LineOption:
    """Deactivate an option now: its remaining allowances expire, nothing is refunded."""
    line = line_by_msisdn(session, normalize_msisdn(msisdn), for_update=True)
    option = next(
        (o for o in active_options(session, line.id) if o.option_code == option_code), None
    )
    if option is None:
        raise OptionState(
            f"l'opzione {option_code} non è attiva", f"option {option_code} is not active"
        )
    _end_option(session, line=line, option=option, origin=origin, now=clock.now())
    return option


def _end_option(
    session: Session, *, line: Line, option: LineOption, origin: Origin, now: datetime
) -> None:
    option.status = "ended"
    option.ended_at = now
    grants.close_buckets(
        session, line_id=line.id, source="option", source_ref=option.id, origin=origin, now=now
    )
    session.flush()


def _end_options_at_renewal(session: Session, *, line: Line, origin: Origin, at: datetime) -> None:
    for option in active_options(session, line.id):
        if option.recurring or (option.expires_at is not None and option.expires_at <= at):
            _end_option(session, line=line, option=option, origin=origin, now=at)


def _renew_recurring_options(session: Session, *, line: Line, origin: Origin, at: datetime) -> None:
    """Recurring options ended with the period start again if the credit pays for them."""
    ended = session.scalars(
        select(LineOption).where(
            LineOption.line_id == line.id,
            LineOption.recurring.is_(True),
            LineOption.ended_at == at,
        )
    ).all()
    version_id, document = get_catalog(session)
    for old in ended:
        spec = document.option_by_code(old.option_code)
        if spec is None or not spec.fits(line.plan_code):
            continue
        if line.billing == "prepaid" and credit_of(session, line.id) < spec.fee:
            continue
        _activate_option(
            session, line=line, option_code=spec.code, version_id=version_id, at=at, origin=origin
        )
