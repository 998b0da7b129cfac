"""What the USSD screen shows: one function per prompt id of the USSD menu, at most 182 a screen.

Figures are written as the SMS writes them (``format_eur``, ``texts.used``), from the same
snapshot and its presenter.
"""

from __future__ import annotations

from collections.abc import Callable

from saldo.balances.presenter import allowance_lines, renewal
from saldo.balances.schemas import Snapshot
from saldo.channels.menus.speech import PromptContext
from saldo.channels.sms.texts import gsm7_length, renewal_day, used
from saldo.kit.clock import short_day
from saldo.kit.money import format_eur

SCREEN_LIMIT = 182
"""Characters (GSM 7-bit septets) a USSD screen shows."""


def _credit(snap: Snapshot) -> str:
    if snap.billing == "postpaid":
        return "Linea in abbonamento: costi in fattura."
    return f"Credito residuo: {format_eur(snap.credit_cents)}"


def _plan(snap: Snapshot) -> str:
    plan = snap.plan
    r = renewal(snap)
    if r.state == "suspended":
        return f"Offerta {plan.name} sospesa: ricarica almeno {format_eur(r.missing_cents)}."
    if r.state == "free":
        return f"Offerta {plan.name}: nessun costo fisso."
    when = f", rinnovo il {renewal_day(snap)}" if plan.renews_at else ""
    text = f"Offerta {plan.name}: {format_eur(plan.fee_cents)}{when}."
    if r.state == "short":
        text += f" Ricarica almeno {format_eur(r.missing_cents)}."
    return text


def credit(ctx: PromptContext) -> str:
    snap = ctx.snapshot
    return f"{_credit(snap)}\n{_plan(snap)}"


def details(ctx: PromptContext) -> str:
    snap = ctx.snapshot
    lines = ["Consumi:"]
    for line in allowance_lines(snap):
        lines.append(f"{line.kind.labels.screen} {used(line)}")
    if len(lines) == 1:
        lines.append("nessun consumo incluso: paghi quello che usi.")
    if snap.plan.renews_at and snap.plan.status == "active" and snap.plan.fee_cents:
        lines.append(f"Rinnovo il {renewal_day(snap)}")
    return "\n".join(lines)


def offer(ctx: PromptContext) -> str:
    snap = ctx.snapshot
    return f"{_plan(snap)}\n{_credit(snap)}"


def options(ctx: PromptContext) -> str:
    snap = ctx.snapshot
    if not snap.options:
        return "Nessuna opzione attiva. Scopri le opzioni nell'app."
    lines = ["Opzioni attive:"]
    for o in snap.options:
        until = f" fino al {short_day(o.expires_at)}" if o.expires_at else ""
        lines.append(f"{o.name} {format_eur(o.fee_cents)}{until}")
    return "\n".join(lines)


SCREENS: dict[str, Callable[[PromptContext], str]] = {
    "ussd_root": lambda ctx: (
        f"{ctx.operator}\n1 Credito\n2 Consumi\n3 Offerta\n4 Opzioni\n5 Ricevi SMS"
    ),
    "ussd_credit": credit,
    "ussd_details": details,
    "ussd_offer": offer,
    "ussd_options": options,
    "ussd_sms_sent": lambda ctx: "Ti abbiamo inviato un SMS con i consumi e il credito.",
    "ussd_invalid": lambda ctx: "Scelta non valida.",
    "ussd_too_many": lambda ctx: "Troppe scelte non valide. Riprova più tardi.",
    "ussd_not_customer": lambda ctx: (
        f"Servizio riservato ai clienti {ctx.operator}: il tuo numero non risulta attivo."
    ),
    "ussd_error": lambda ctx: "Servizio momentaneamente non disponibile. Riprova più tardi.",
}


def fit(text: str, limit: int = SCREEN_LIMIT) -> str:
    """Cut a screen to ``limit`` septets, ending with "..." when anything was left out."""
    if gsm7_length(text) <= limit:
        return text
    out = ""
    for ch in text:
        if gsm7_length(out + ch) > limit - 3:
            break
        out += ch
    return out.rstrip() + "..."


def render(prompt_ids: tuple[str, ...] | list[str], ctx: PromptContext) -> str:
    """One screen: the prompts one under the other, cut to the screen's size."""
    return fit("\n".join(SCREENS[p](ctx) for p in prompt_ids))
