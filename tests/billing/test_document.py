"""The document's arithmetic, exact: VAT per rate on the summed net amounts, rounded once;
the TCG and the stamp outside VAT; the stamp from 77.48 € outside VAT on."""

from __future__ import annotations

from saldo.billing.document import ChargeRow, Document, Party, charge_lines, summarize, with_stamp

M = "+393471234567"


def _row(kind: str, cents: int, rate: int = 2200, **kw: str) -> ChargeRow:
    return ChargeRow(kw.get("msisdn", M), kind, kw.get("code"), kw.get("service"), cents, rate)


def test_vat_is_computed_once_per_rate_on_the_sum_not_per_line() -> None:
    # three traffic kinds of 2 cents each: per line 0.44 -> 0 cents three times, on the sum 1.32 -> 1
    rows = [_row("usage", 2, service=s) for s in ("voice", "sms", "data")]
    totals = summarize(charge_lines(rows, {}))
    assert (totals.net_cents, totals.vat_cents, totals.total_cents) == (6, 1, 7)


def test_half_up_on_the_sum_of_each_rate_separately() -> None:
    rows = [
        _row("plan_fee", 1639, code="CASA"),  # 1639 * 0.22 = 360.58
        _row("option_fee", 25, code="X"),  # 1664 * 0.22 = 366.08 -> 366
        _row("usage", 1, rate=1000, service="data"),  # 0.1 -> 0
        _row("usage", 5, rate=1000, service="voice"),  # 6 * 0.10 = 0.6 -> 1
    ]
    totals = summarize(charge_lines(rows, {"CASA": "Casa"}))
    by_rate = {g.rate_bp: (g.taxable_cents, g.vat_cents) for g in totals.groups}
    assert by_rate == {2200: (1664, 366), 1000: (6, 1)}
    assert (totals.net_cents, totals.vat_cents, totals.exempt_cents) == (1670, 367, 0)


def test_half_up_at_exactly_half_a_cent() -> None:
    # 25 cents at 22 % = 5.5 cents -> 6 (half up, not to even)
    assert summarize(charge_lines([_row("usage", 25, service="sms")], {})).vat_cents == 6
    # 75 at 10 % = 7.5 -> 8
    assert summarize(charge_lines([_row("usage", 75, 1000, service="sms")], {})).vat_cents == 8


def test_tcg_is_outside_the_vat_base_as_n1() -> None:
    lines = charge_lines([_row("plan_fee", 2499, code="P"), _row("tcg", 1291, rate=0)], {})
    totals = summarize(lines)
    assert [line.natura for line in lines] == [None, "N1"]
    assert (totals.net_cents, totals.vat_cents, totals.exempt_cents) == (2499, 550, 1291)
    assert totals.total_cents == 2499 + 550 + 1291
    assert [(g.natura, g.taxable_cents, g.vat_cents) for g in totals.groups] == [
        (None, 2499, 550),
        ("N1", 1291, 0),
    ]


def test_stamp_from_77_48_outside_vat_not_at_77_47() -> None:
    at = [_row("tcg", 7747, rate=0)]
    over = [_row("tcg", 7748, rate=0)]
    assert summarize(with_stamp(charge_lines(at, {}))).stamp_cents == 0
    stamped = with_stamp(charge_lines(over, {}))
    totals = summarize(stamped)
    assert (totals.exempt_cents, totals.stamp_cents, totals.total_cents) == (7748, 200, 7948)
    assert stamped[-1].kind == "stamp" and stamped[-1].natura == "N1"
    assert [(g.natura, g.taxable_cents) for g in totals.groups] == [("N1", 7948)]


def test_seven_business_lines_of_tcg_carry_the_stamp_six_do_not() -> None:
    def tcg(n: int) -> list[ChargeRow]:
        return [_row("tcg", 1291, rate=0, msisdn=f"+39347000000{i}") for i in range(n)]

    assert summarize(with_stamp(charge_lines(tcg(6), {}))).stamp_cents == 0  # 77.46
    assert summarize(with_stamp(charge_lines(tcg(7), {}))).stamp_cents == 200  # 90.37


def test_lines_group_charges_per_phone_line_and_kind() -> None:
    rows = [
        _row("usage", 10, service="voice"),
        _row("usage", 15, service="voice"),
        _row("usage", 7, service="data"),
        _row("plan_fee", 100, code="CASA"),
        _row("usage", 3, service="voice", msisdn="+393470000001"),
    ]
    lines = charge_lines(rows, {"CASA": "Casa"})
    assert [(line.msisdn, line.description.split(" - ")[1], line.net_cents) for line in lines] == [
        ("+393470000001", "Traffico voce oltre i bundle", 3),
        (M, "Canone Casa", 100),
        (M, "Traffico dati oltre i bundle", 7),
        (M, "Traffico voce oltre i bundle", 25),
    ]


def test_a_document_survives_its_json() -> None:
    party = Party("A", "Via B 1", "20121", "Milano", "MI", "IT", vat_number="01234560017")
    lines = with_stamp(charge_lines([_row("tcg", 9000, rate=0)], {}))
    doc = Document(
        "TD01", "M/2026/000001", "2026-12-01", "2026-12-21", "00001", party, party,
        tuple(lines), summarize(lines), "MP05", period="2026-11",
    )  # fmt: skip
    assert Document.from_json(doc.to_json()) == doc


def test_an_indemnity_given_back_is_a_negative_line_outside_vat_with_its_name() -> None:
    # care pays a late complaint's indemnity to a postpaid account as a negative charge at 0 %:
    # on the invoice it is outside VAT (N1), never a 0 % rate without a Natura
    rows = [_row("plan_fee", 2499, code="P"), _row("indemnity", -250, rate=0)]
    lines = charge_lines(rows, {"P": "Piano"})
    totals = summarize(lines)
    assert [(line.kind, line.natura) for line in lines] == [("plan_fee", None), ("indemnity", "N1")]
    assert "Indennizzo" in lines[1].description
    assert (totals.net_cents, totals.vat_cents, totals.exempt_cents) == (2499, 550, -250)
    assert totals.total_cents == 2499 + 550 - 250
