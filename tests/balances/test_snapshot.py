"""The snapshot reads its one statement's rows by name: with several buckets and options
(the join repeats each once per other), each allowance and option is the row it comes from."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from saldo.balances.errors import UnknownLine
from saldo.balances.models import Bucket
from saldo.balances.service import SNAPSHOT_COLUMNS, SNAPSHOT_WIDTH, get_snapshot
from saldo.db import utc
from saldo.kit.origin import CLI
from saldo.lines.errors import LineNotFound
from saldo.lines.models import Line, LineOption
from saldo.lines.repository import line_by_msisdn
from saldo.lines.service import add_option
from saldo.runtime import Runtime
from tests.factories import make_line, snapshot


def test_every_allowance_and_option_is_the_row_it_comes_from(rt: Runtime) -> None:
    msisdn = make_line(rt, plan="GIGA150", credit="40")
    for code in ("GIGA_EXTRA_10", "MONDO_100"):
        with rt.transaction() as s:
            add_option(s, msisdn=msisdn, option_code=code, clock=rt.clock, origin=CLI)
    snap = snapshot(rt, msisdn)
    with rt.transaction() as s:
        line = s.scalars(select(Line).where(Line.msisdn == msisdn)).one()
        buckets = s.scalars(
            select(Bucket).where(Bucket.line_id == line.id, Bucket.status == "active")
        ).all()
        options = s.scalars(
            select(LineOption).where(LineOption.line_id == line.id).order_by(LineOption.id)
        ).all()
        expected = sorted(
            (
                b.service,
                b.zone,
                b.source,
                b.source_code,
                b.unit,
                b.unlimited,
                None if b.unlimited else b.total,
                None if b.unlimited else b.remaining,
                utc(b.expires_at),
            )
            for b in buckets
            if b.service != "credit"
        )
        credit = next(b.remaining for b in buckets if b.service == "credit")
        assert (snap.msisdn, snap.status, snap.billing) == (line.msisdn, line.status, line.billing)
        assert (snap.plan.code, snap.plan.status) == (line.plan_code, line.plan_status)
        assert snap.plan.renews_at == utc(line.renews_at)
        assert [(o.code, o.fee_cents, o.recurring, o.expires_at) for o in snap.options] == [
            (o.option_code, o.fee_cents, o.recurring, utc(o.expires_at)) for o in options
        ]
    assert len(options) == 2 and len(expected) > 2
    assert snap.credit_cents == credit
    assert (
        sorted(
            (
                a.service,
                a.zone,
                a.source,
                a.source_code,
                a.unit,
                a.unlimited,
                a.total,
                a.remaining,
                a.expires_at,
            )
            for a in snap.allowances
        )
        == expected
    )


def test_the_select_list_has_the_width_its_readers_cut_by() -> None:
    assert len(SNAPSHOT_COLUMNS.split(", ")) == SNAPSHOT_WIDTH


def test_an_unknown_number_is_line_not_found_for_every_catcher(rt: Runtime) -> None:
    with rt.transaction() as s:
        with pytest.raises(UnknownLine) as by_snapshot:
            get_snapshot(s, msisdn="+393470000000", now=rt.clock.now())
        with pytest.raises(UnknownLine) as by_lines:
            line_by_msisdn(s, "+393470000000")
    assert isinstance(by_lines.value, LineNotFound)
    assert by_snapshot.value.code == by_lines.value.code == "line_not_found"
    assert by_snapshot.value.kind == "not_found"
