"""The speech text: a table of tricky cases, in Italian and English, and whole sentences."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from saldo.balances.schemas import OptionView
from saldo.channels.menus import speech
from saldo.channels.menus import words as w
from saldo.channels.menus.speech import PromptContext
from saldo.kit.clock import ROME
from saldo.kit.quantities import GB, MB
from tests.channels.menus.samples import RENEWS, allowance, sample

EURO = [
    (1234, "dodici euro e trentaquattro centesimi", "twelve euros and thirty-four cents"),
    (100, "un euro", "one euro"),
    (1200, "dodici euro", "twelve euros"),
    (1, "un centesimo", "one cent"),
    (50, "cinquanta centesimi", "fifty cents"),
    (0, "zero euro", "zero euros"),
    (101, "un euro e un centesimo", "one euro and one cent"),
    (2101, "ventuno euro e un centesimo", "twenty-one euros and one cent"),
    (999, "nove euro e novantanove centesimi", "nine euros and ninety-nine cents"),
    (100_000_000, "un milione di euro", "one million euros"),
    (200_000_000, "due milioni di euro", "two million euros"),
    (100_000_050, "un milione di euro e cinquanta centesimi", "one million euros and fifty cents"),
    (150_000_000, "un milione e cinquecentomila euro", "one million, five hundred thousand euros"),
    (100_000_000_000, "un miliardo di euro", "one billion euros"),
    (100_001, "mille euro e un centesimo", "one thousand euros and one cent"),
]


@pytest.mark.parametrize(("cents", "it", "en"), EURO)
def test_amounts(cents: int, it: str, en: str) -> None:
    assert w.euro(cents, "it") == it
    assert w.euro(cents, "en") == en


def _rome(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 12, day, hour, 0, tzinfo=ROME)


DATES = [
    (_rome(3), "", "il tre dicembre", "the third of December"),
    (_rome(1), "", "il primo dicembre", "the first of December"),
    (_rome(8), "", "l'otto dicembre", "the eighth of December"),
    (_rome(11), "", "l'undici dicembre", "the eleventh of December"),
    (_rome(21), "", "il ventuno dicembre", "the twenty-first of December"),
    (_rome(1), "a", "al primo dicembre", "the first of December"),
    (_rome(8), "a", "all'otto dicembre", "the eighth of December"),
    (_rome(8), "da", "dall'otto dicembre", "the eighth of December"),
    # 23:30 UTC on 2 December is already the 3rd in Rome
    (datetime(2026, 12, 2, 23, 30, tzinfo=UTC), "", "il tre dicembre", "the third of December"),
    (datetime(2026, 3, 31, 22, 30, tzinfo=UTC), "", "il primo aprile", "the first of April"),
]


@pytest.mark.parametrize(("moment", "prep", "it", "en"), DATES)
def test_dates(moment: datetime, prep: str, it: str, en: str) -> None:
    assert w.on_date(moment, "it", prep) == it
    assert w.on_date(moment, "en") == en


DATA = [
    (12 * GB + GB // 2, "dodici virgola cinque giga", "twelve point five gigabytes"),
    (12 * GB, "dodici giga", "twelve gigabytes"),
    (GB, "un giga", "one gigabyte"),
    (GB + GB // 2, "uno virgola cinque giga", "one point five gigabytes"),
    (21 * GB, "ventuno giga", "twenty-one gigabytes"),
    (150 * GB, "centocinquanta giga", "one hundred and fifty gigabytes"),
    # one decimal, half up (as the SMS and the app show it): 12.25 -> 12.3
    (12 * GB + GB // 4, "dodici virgola tre giga", "twelve point three gigabytes"),
    (12 * GB + GB // 4 - 1, "dodici virgola due giga", "twelve point two gigabytes"),
    # below 1 GB in whole MB, as format_data writes it ("1024MB")
    (GB - 1, "milleventiquattro mega", "one thousand and twenty-four megabytes"),
    (500 * MB, "cinquecento mega", "five hundred megabytes"),
    (MB, "un mega", "one megabyte"),
    (0, "zero giga", "zero gigabytes"),
]


@pytest.mark.parametrize(("n_bytes", "it", "en"), DATA)
def test_data(n_bytes: int, it: str, en: str) -> None:
    assert w.data(n_bytes, "it") == it
    assert w.data(n_bytes, "en") == en


TIMES = [
    ("08:00", "da", "dalle otto", "eight a.m."),
    ("22:00", "a", "alle ventidue", "ten p.m."),
    ("01:00", "da", "dall'una", "one a.m."),
    ("01:00", "a", "all'una", "one a.m."),
    ("08:30", "da", "dalle otto e trenta", "eight thirty a.m."),
    ("00:00", "a", "a mezzanotte", "midnight"),
    ("12:00", "da", "dalle dodici", "noon"),
    ("13:05", "a", "alle tredici e cinque", "one oh five p.m."),
]


@pytest.mark.parametrize(("hhmm", "prep", "it", "en"), TIMES)
def test_times(hhmm: str, prep: str, it: str, en: str) -> None:
    assert w.clock_time(hhmm, "it", prep) == it
    assert w.clock_time(hhmm, "en") == en


def test_other_words() -> None:
    assert w.decimal_words(Decimal("12.5")) == "dodici virgola cinque"
    assert w.decimal_words(Decimal("0.5"), "en") == "zero point five"
    assert w.minutes(60) == "un minuto" and w.minutes(119) == "un minuto"
    assert w.minutes(18000) == "trecento minuti"
    assert w.every("4w") == "ogni quattro settimane" and w.every("1m") == "ogni mese"
    assert w.every("30d", "en") == "every thirty days"
    assert w.digits("4242") == "quattro due quattro due"
    assert w.data_number(150 * GB, 12 * GB) == "centocinquanta"
    assert w.data_number(GB, 500 * MB) == "un giga"


def _said(prompt: str, snap: object, lang: w.Lang = "it") -> str:
    ctx = PromptContext(operator="Saldo Mobile", load_snapshot=lambda: snap)  # type: ignore[arg-type,return-value]
    return " ".join(text for _lang, text in speech.render((prompt,), lang, ctx))


def test_credit_and_plan_as_the_issue_says_it() -> None:
    assert _said("credit_plan", sample()) == (
        "Il tuo credito residuo è di dodici euro e trentaquattro centesimi. "
        "La tua offerta Giga 150 si rinnova il tre dicembre e costa nove euro e novantanove "
        "centesimi."
    )
    assert _said("credit_plan", sample(), "en") == (
        "Your remaining credit is twelve euros and thirty-four cents. "
        "Your Giga 150 offer renews on the third of December and costs nine euros and "
        "ninety-nine cents."
    )


@pytest.mark.parametrize(
    ("snap", "expected"),
    [
        (
            sample(credit=500),
            "Il tuo credito residuo è di cinque euro. La tua offerta Giga 150 si rinnova il tre "
            "dicembre e costa nove euro e novantanove centesimi. Per il rinnovo ricarica almeno "
            "quattro euro e novantanove centesimi.",
        ),
        (
            sample(credit=0, status="suspended"),
            "Il tuo credito residuo è di zero euro. La tua offerta Giga 150 è sospesa: ricarica "
            "almeno nove euro e novantanove centesimi per riattivarla.",
        ),
        (
            sample(billing="postpaid", fee=2499, plan="Business Pro"),
            "La tua linea è in abbonamento: i costi arrivano in fattura. La tua offerta Business "
            "Pro si rinnova il tre dicembre e costa ventiquattro euro e novantanove centesimi. "
            "Non ci sono ancora fatture emesse.",
        ),
        (
            sample(credit=100, fee=0, plan="Base a consumo"),
            "Il tuo credito residuo è di un euro. "
            "La tua offerta Base a consumo non ha costi fissi.",
        ),
    ],
)
def test_credit_and_plan_cases(snap: object, expected: str) -> None:
    assert _said("credit_plan", snap) == expected


def test_details_say_gb_with_one_decimal_unlimited_and_eu_roaming() -> None:
    assert _said("details", sample()) == (
        "Internet in Italia: ne hai ancora dodici virgola cinque giga su centocinquanta. "
        "Minuti e SMS illimitati. "
        "Internet in roaming nell'Unione Europea: ne hai ancora dieci giga su dodici. "
        "I consumi inclusi si rinnovano il tre dicembre."
    )
    counted = sample(
        allowances=[
            allowance("data", total=50 * GB, left=0),
            allowance("voice", total=300 * 60, left=210 * 60 + 59),
            allowance("sms", total=100, left=1),
        ],
        fee=699,
        period="1m",
    )
    assert _said("details", counted) == (
        "Internet in Italia: hai esaurito i giga inclusi. "
        "Minuti: ne hai ancora duecentodieci su trecento. SMS: ne hai ancora uno su cento. "
        "I consumi inclusi si rinnovano il tre dicembre."
    )
    assert _said("details", counted, "en") == (
        "Data in Italy: you have used all your included data. "
        "Minutes: two hundred and ten left of three hundred. "
        "Text messages: one left of one hundred. Your allowances renew on the third of December."
    )
    none = sample(allowances=[], fee=0)
    assert _said("details", none) == (
        "La tua offerta non ha consumi inclusi: paghi solo quello che usi."
    )


def test_offer_and_options() -> None:
    assert _said("offer", sample()) == (
        "La tua offerta è Giga 150: costa nove euro e novantanove centesimi ogni quattro "
        "settimane. Si rinnova il tre dicembre. Non hai opzioni attive."
    )
    options = [
        OptionView(code="GIGA_EXTRA_10", name="Giga Extra 10", fee_cents=499, recurring=False,
                   expires_at=_rome(8)),
        OptionView(code="MONDO_100", name="Mondo 100", fee_cents=599, recurring=True,
                   expires_at=_rome(1)),
    ]  # fmt: skip
    assert _said("offer", sample(options=options)).endswith(
        "Opzioni attive: Giga Extra 10, quattro euro e novantanove centesimi, valida fino "
        "all'otto dicembre; Mondo 100, cinque euro e novantanove centesimi, si rinnova il primo "
        "dicembre."
    )


def test_static_prompts_use_settings_and_offer_the_other_language() -> None:
    ctx = PromptContext(operator="Saldo Mobile", care_opens="08:30", care_closes="01:00")
    assert speech.render(("care_closed",), "it", ctx) == [
        (
            "it",
            "Il servizio clienti risponde tutti i giorni dalle otto e trenta all'una. "
            "Richiama in quegli orari, oppure usa l'app.",
        )
    ]
    said = speech.render(("menu",), "it", ctx)
    assert said[-1] == ("en", "For English, press 0.")
    assert speech.render(("menu",), "en", ctx)[-1] == ("it", "Per l'italiano premi zero.")
    assert speech.merged([("it", "a"), ("it", "b"), ("en", "c")]) == [("it", "a b"), ("en", "c")]
    assert RENEWS.day == 3
