"""What the voice says, in Italian and English: one function per prompt id of the voice menus.

Every amount, date and quantity goes through ``words``; the snapshot is the one every other
channel renders, so the voice never disagrees with the SMS, the app or the USSD screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time

from saldo.balances.presenter import AllowanceLine, allowance_lines, renewal
from saldo.balances.schemas import Snapshot
from saldo.billing.models import Invoice
from saldo.channels.menus import words as w
from saldo.channels.menus.words import Lang
from saldo.kit.clock import ROME

Segment = tuple[Lang, str]


@dataclass
class PromptContext:
    """What prompts are made of: the operator's settings and, loaded on first use, the line."""

    operator: str
    care_opens: str = "08:00"
    care_closes: str = "22:00"
    ivr_number: str = "4242"
    load_snapshot: Callable[[], Snapshot] | None = None
    load_invoice: Callable[[], Invoice | None] | None = None
    """The last invoice of a postpaid line (its account's), read when a prompt needs it."""
    ticket_code: str | None = None
    """The complaint opened in this step (said digit by digit)."""
    _snapshot: Snapshot | None = field(default=None, repr=False)

    @property
    def snapshot(self) -> Snapshot:
        if self._snapshot is None:
            if self.load_snapshot is None:
                raise LookupError("no line identified for this prompt")
            self._snapshot = self.load_snapshot()
        return self._snapshot

    def last_invoice(self) -> Invoice | None:
        return self.load_invoice() if self.load_invoice is not None else None


PromptText = Callable[[PromptContext, Lang], list[Segment]]


@dataclass(frozen=True, slots=True)
class Prompt:
    text: PromptText
    static: bool
    """True when the text does not depend on the caller's line (pre-rendered to audio)."""


def _fixed(it: str, en: str, *, switch: bool = False) -> Prompt:
    """A text that depends only on settings; ``switch`` adds the offer of the other language."""

    def text(ctx: PromptContext, lang: Lang) -> list[Segment]:
        fields = {
            "operator": ctx.operator,
            "opens": w.clock_time(ctx.care_opens, lang, "da" if lang == "it" else "from"),
            "closes": w.clock_time(ctx.care_closes, lang, "a" if lang == "it" else "to"),
            "ivr": w.digits(ctx.ivr_number, lang),
        }
        said: list[Segment] = [(lang, (it if lang == "it" else en).format(**fields))]
        if switch:
            said.append(
                ("en", "For English, press 0.")
                if lang == "it"
                else ("it", "Per l'italiano premi zero.")
            )
        return said

    return Prompt(text, static=True)


def _dynamic(fn: Callable[[Snapshot, Lang], str]) -> Prompt:
    return Prompt(lambda ctx, lang: [(lang, fn(ctx.snapshot, lang))], static=False)


def complaint_sentence(ctx: PromptContext, lang: Lang) -> list[Segment]:
    """The complaint's code, letter by letter and digit by digit, twice over: people write
    it down."""
    if ctx.ticket_code is None:
        code = (
            "il codice ti arriverà via SMS" if lang == "it" else "the code will reach you by text"
        )
    else:
        letters = "erre ci" if lang == "it" else "R C"
        parts = ctx.ticket_code.split("-")[1:]
        code = ", ".join([letters, *(w.digits(part, lang) for part in parts)])
    if lang == "it":
        text = (
            "Abbiamo registrato il tuo reclamo: un operatore ti richiamerà. "
            f"Il codice del reclamo è: {code}. Ripeto: {code}. Te lo mandiamo anche via SMS."
        )
    else:
        text = (
            "We have registered your complaint: an operator will call you back. "
            f"The complaint code is: {code}. Again: {code}. We are also sending it by text."
        )
    return [(lang, text)]


# --- sentences about the line ----------------------------------------------------------------


def credit_sentence(snap: Snapshot, lang: Lang) -> str:
    if snap.billing == "postpaid":
        if lang == "it":
            return "La tua linea è in abbonamento: i costi arrivano in fattura."
        return "Your line is on a monthly bill: costs are invoiced."
    amount = w.euro(snap.credit_cents, lang)
    if lang == "it":
        return f"Il tuo credito residuo è di {amount}."
    return f"Your remaining credit is {amount}."


def plan_sentence(snap: Snapshot, lang: Lang) -> str:
    plan = snap.plan
    r = renewal(snap)
    fee = w.euro(plan.fee_cents, lang)
    missing = w.euro(r.missing_cents, lang)
    it = lang == "it"
    if r.state == "suspended":
        if it:
            return (
                f"La tua offerta {plan.name} è sospesa: ricarica almeno {missing} per riattivarla."
            )
        return f"Your {plan.name} offer is suspended: top up at least {missing} to restart it."
    if r.state == "free":
        return (
            f"La tua offerta {plan.name} non ha costi fissi."
            if it
            else f"Your {plan.name} offer has no fixed fee."
        )
    if plan.renews_at is None:
        return f"La tua offerta {plan.name} costa {fee}." if it else f"{plan.name} costs {fee}."
    when = w.on_date(plan.renews_at, lang, "" if it else "on")
    text = (
        f"La tua offerta {plan.name} si rinnova {when} e costa {fee}."
        if it
        else f"Your {plan.name} offer renews {when} and costs {fee}."
    )
    if r.state == "short":
        text += (
            f" Per il rinnovo ricarica almeno {missing}."
            if it
            else f" Top up at least {missing} for the renewal."
        )
    return text


# kind -> unlimited it, unlimited en, exhausted it, exhausted en
_SAID: dict[str, tuple[str, str, str, str]] = {
    "data": ("Giga illimitati in Italia.", "Unlimited data in Italy.",
             "hai esaurito i giga inclusi", "you have used all your included data"),
    "data_eu": ("Giga illimitati in Europa.", "Unlimited data in the EU.",
                "hai esaurito i giga per l'Europa", "you have used all your EU data"),
    "voice": ("Minuti illimitati.", "Unlimited minutes.",
              "hai esaurito i minuti inclusi", "you have used all your included minutes"),
    "sms": ("SMS illimitati.", "Unlimited text messages.",
            "hai esaurito gli SMS inclusi", "you have used all your included texts"),
    "mms": ("MMS illimitati.", "Unlimited MMS.",
            "hai esaurito gli MMS inclusi", "you have used all your included MMS"),
    "international_voice": (
        "Minuti verso l'estero illimitati.", "Unlimited international minutes.",
        "hai esaurito i minuti verso l'estero", "you have used all your international minutes"),
}  # fmt: skip


def _amounts(line: AllowanceLine, lang: Lang) -> tuple[str, str]:
    left, total = line.remaining, line.total
    if line.kind.unit == "bytes":
        return w.data(left, lang), w.data_number(total, left, lang)
    if line.kind.unit == "seconds":
        return w.cardinal(left // 60, lang), w.cardinal(total // 60, lang)
    return w.cardinal(left, lang), w.cardinal(total, lang)


def _allowance_sentence(line: AllowanceLine, lang: Lang) -> str:
    unl_it, unl_en, out_it, out_en = _SAID[line.kind.key]
    it = lang == "it"
    if line.unlimited:
        return unl_it if it else unl_en
    labels = line.kind.labels
    label = labels.spoken_it if it else labels.spoken_en
    if (line.remaining // 60 if line.kind.unit == "seconds" else line.remaining) <= 0:
        return f"{label}: {out_it if it else out_en}."
    said_left, said_total = _amounts(line, lang)
    if it:
        return f"{label}: ne hai ancora {said_left} su {said_total}."
    return f"{label}: {said_left} left of {said_total}."


def details_sentence(snap: Snapshot, lang: Lang) -> str:
    """The consumption details: data (GB with one decimal), EU data, minutes, SMS…"""
    lines = allowance_lines(snap)
    unlimited = {line.kind.key for line in lines if line.unlimited}
    both = {"voice", "sms"} <= unlimited
    parts = [
        _allowance_sentence(line, lang)
        for line in lines
        if not (both and line.kind.key in ("voice", "sms"))
    ]
    if both:
        parts.insert(
            1, "Minuti e SMS illimitati." if lang == "it" else "Unlimited minutes and texts."
        )
    if not parts:
        parts.append(
            "La tua offerta non ha consumi inclusi: paghi solo quello che usi."
            if lang == "it"
            else "Your offer has no included allowances: you pay for what you use."
        )
    if snap.plan.status == "active" and snap.plan.renews_at and snap.plan.fee_cents:
        when = w.on_date(snap.plan.renews_at, lang, "" if lang == "it" else "on")
        parts.append(
            f"I consumi inclusi si rinnovano {when}."
            if lang == "it"
            else f"Your allowances renew {when}."
        )
    return " ".join(p for p in parts if p)


def offer_sentence(snap: Snapshot, lang: Lang) -> str:
    """The active offer (cost, period, renewal) and the active options."""
    plan = snap.plan
    it = lang == "it"
    head = plan_sentence(snap, lang)
    if plan.status == "active" and plan.fee_cents:
        period = w.every(plan.period, lang)
        fee = w.euro(plan.fee_cents, lang)
        head = (
            f"La tua offerta è {plan.name}: costa {fee} {period}."
            if it
            else f"Your offer is {plan.name}: it costs {fee} {period}."
        )
        if plan.renews_at:
            when = w.on_date(plan.renews_at, lang, "" if it else "on")
            head += f" Si rinnova {when}." if it else f" It renews {when}."
    if not snap.options:
        return head + (" Non hai opzioni attive." if it else " You have no active options.")
    items = []
    for option in snap.options:
        item = f"{option.name}, {w.euro(option.fee_cents, lang)}"
        if option.expires_at:
            if option.recurring:
                when = w.on_date(option.expires_at, lang, "" if it else "on")
                item += f", si rinnova {when}" if it else f", renews {when}"
            else:
                when = w.on_date(option.expires_at, lang, "a" if it else "until")
                item += f", valida fino {when}" if it else f", valid {when}"
        items.append(item)
    label = (
        ("Opzione attiva: " if it else "Active option: ")
        if len(items) == 1
        else ("Opzioni attive: " if it else "Active options: ")
    )
    return f"{head} {label}{'; '.join(items)}."


def invoice_sentence(invoice: Invoice | None, lang: Lang) -> str:
    """The postpaid branch: amount, due date and state of the last invoice."""
    it = lang == "it"
    if invoice is None:
        return "Non ci sono ancora fatture emesse." if it else "No invoice has been issued yet."
    amount = w.euro(invoice.total_cents, lang)
    due = w.on_date(datetime.combine(invoice.due_on, time(12), ROME), lang, "" if it else "on")
    if invoice.status == "paid":
        return (
            f"La tua ultima fattura, di {amount}, è pagata."
            if it
            else f"Your last invoice, of {amount}, is paid."
        )
    if invoice.status == "overdue":
        return (
            f"La tua ultima fattura, di {amount}, è scaduta {due}: puoi pagarla dall'app."
            if it
            else f"Your last invoice, of {amount}, was due {due}: you can pay it in the app."
        )
    return (
        f"La tua ultima fattura, di {amount}, scade {due}."
        if it
        else f"Your last invoice, of {amount}, is due {due}."
    )


def _with_invoice(first: Callable[[Snapshot, Lang], str]) -> Prompt:
    """``first`` about the line, then, for a postpaid line, its last invoice."""

    def text(ctx: PromptContext, lang: Lang) -> list[Segment]:
        snap = ctx.snapshot
        said = first(snap, lang)
        if snap.billing == "postpaid":
            said += " " + invoice_sentence(ctx.last_invoice(), lang)
        return [(lang, said)]

    return Prompt(text, static=False)


def _credit_and_plan(snap: Snapshot, lang: Lang) -> str:
    return f"{credit_sentence(snap, lang)} {plan_sentence(snap, lang)}"


PROMPTS: dict[str, Prompt] = {
    "greeting": _fixed("Benvenuto nel servizio clienti di {operator}.", "Welcome to {operator}."),
    "greeting_business": _fixed(
        "Benvenuto nella linea dei clienti business di {operator}.",
        "Welcome to the {operator} business line.",
    ),
    "credit_plan": _with_invoice(_credit_and_plan),
    "credit": _with_invoice(credit_sentence),
    "details": _dynamic(details_sentence),
    "offer": _dynamic(offer_sentence),
    "menu": _fixed(
        "Per ascoltare i dettagli dei consumi premi uno. "
        "Per ricevere i dettagli via SMS premi due. "
        "Per conoscere la tua offerta e le opzioni attive premi tre. "
        "Per i reclami premi quattro. "
        "Per parlare con un operatore premi nove. Per riascoltare premi asterisco.",
        "For your usage details, press one. To receive the details by text message, press two. "
        "For your offer and active options, press three. For complaints, press four. "
        "To talk to an operator, press nine. To hear this again, press star.",
        switch=True,
    ),
    "menu_business": _fixed(
        "Per ricevere un SMS con i consumi e il credito premi uno. Per i reclami premi quattro. "
        "Per parlare con l'assistenza business premi nove. Per riascoltare premi asterisco.",
        "To receive a text message with your usage and credit, press one. "
        "For complaints, press four. "
        "To talk to business customer care, press nine. To hear this again, press star.",
        switch=True,
    ),
    "sms_sent": _fixed(
        "Ti abbiamo inviato un SMS con i dettagli dei consumi e il credito: "
        "arriverà tra pochi secondi.",
        "We have sent you a text message with your usage details and credit: "
        "it will arrive in a few seconds.",
    ),
    "complaint_opened": Prompt(complaint_sentence, static=False),
    "care_transfer": _fixed(
        "Ti passo un operatore, resta in linea.", "Putting you through to an operator."
    ),
    "care_closed": _fixed(
        "Il servizio clienti risponde tutti i giorni {opens} {closes}. "
        "Richiama in quegli orari, oppure usa l'app.",
        "Customer care answers every day {opens} {closes}. Please call again then, or use the app.",
    ),
    "invalid": _fixed("Scelta non valida.", "That is not a valid choice."),
    "no_input": _fixed("Non ho ricevuto nessuna scelta.", "I did not receive a choice."),
    "too_many": _fixed(
        "Non ho ricevuto una scelta valida. Puoi richiamare quando vuoi.",
        "I did not receive a valid choice. You can call again at any time.",
    ),
    "goodbye": _fixed(
        "Grazie per aver chiamato {operator}. Arrivederci.",
        "Thank you for calling {operator}. Goodbye.",
    ),
    "unknown_caller": _fixed(
        "Non riconosciamo il numero da cui chiami.",
        "We do not recognise the number you are calling from.",
    ),
    "ask_number": _fixed(
        "Digita il tuo numero di cellulare, seguito dal tasto cancelletto.",
        "Please enter your mobile number, followed by the hash key.",
    ),
    "bad_number": _fixed(
        "Il numero digitato non è un cellulare italiano valido.",
        "That is not a valid Italian mobile number.",
    ),
    "ask_pin": _fixed(
        "Digita il PIN di servizio di quattro cifre, che puoi impostare nell'app.",
        "Please enter your four-digit service PIN, which you can set in the app.",
    ),
    "bad_pin": _fixed("Il PIN è di quattro cifre.", "The PIN has four digits."),
    "pin_wrong": _fixed(
        "Il numero o il PIN non sono corretti. Riprova.",
        "The number or the PIN is not correct. Please try again.",
    ),
    "pin_exhausted": _fixed(
        "Per la tua sicurezza non possiamo proseguire. Puoi impostare il PIN nell'app.",
        "For your security we cannot go on. You can set your PIN in the app.",
    ),
    "pin_locked": _fixed(
        "Troppi tentativi errati: l'accesso con il PIN è sospeso per ventiquattro ore. "
        "Puoi usare l'app.",
        "Too many wrong attempts: access with the PIN is suspended for twenty-four hours. "
        "You can use the app.",
    ),
    "not_business": _fixed(
        "Questo numero è riservato ai clienti business. Per il tuo credito chiama gratis il {ivr}.",
        "This number is for business customers. For your credit, call {ivr} free of charge.",
    ),
    "error": _fixed(
        "Al momento non riesco a completare la richiesta. Riprova più tardi.",
        "I cannot complete your request right now. Please try again later.",
    ),
}


def render(
    prompt_ids: tuple[str, ...] | list[str], lang: Lang, ctx: PromptContext
) -> list[Segment]:
    """The segments to say, one or more per prompt (a static prompt's audio is pre-rendered)."""
    return [seg for prompt_id in prompt_ids for seg in PROMPTS[prompt_id].text(ctx, lang)]


def merged(segments: list[Segment]) -> list[Segment]:
    """Adjacent segments in the same language joined, for a text-to-speech engine."""
    said: list[Segment] = []
    for lang, text in segments:
        if said and said[-1][0] == lang:
            said[-1] = (lang, f"{said[-1][1]} {text}")
        else:
            said.append((lang, text))
    return said
