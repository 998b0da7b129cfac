"""The SMS texts of the balance snapshot, in Italian, kept inside the GSM-7 alphabet.

The voice line's "send me the details by SMS" and the keyword DETTAGLIO send the same text.
"""

from __future__ import annotations

from saldo.balances.presenter import AllowanceLine, allowance_line, allowance_lines, renewal
from saldo.balances.schemas import Snapshot
from saldo.billing.models import Invoice
from saldo.kit.clock import short_day
from saldo.kit.money import format_eur
from saldo.kit.quantities import format_data, whole_minutes

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text)


def gsm7_length(text: str) -> int:
    """Septets used: extension characters (€, [, ] …) take two."""
    return sum(2 if c in GSM7_EXTENDED else 1 for c in text)


def renewal_day(snapshot: Snapshot) -> str:
    """The renewal's day as short texts write it: "03/12" ("" without a renewal)."""
    renews = snapshot.plan.renews_at
    return short_day(renews) if renews else ""


def used(line: AllowanceLine) -> str:
    """What is left of what was granted: "45,2GB/150GB", "120/300" minutes, "illimitati"."""
    if line.unlimited:
        return "illimitati"
    if line.kind.unit == "bytes":
        return f"{format_data(line.remaining)}/{format_data(line.total)}"
    if line.kind.unit == "seconds":
        return f"{whole_minutes(line.remaining)}/{whole_minutes(line.total)}"
    return f"{line.remaining}/{line.total}"


def renewal_sentence(snapshot: Snapshot) -> str:
    r = renewal(snapshot)
    if r.state == "free":
        return "Senza canone: paghi solo quello che usi."
    if r.state == "suspended":
        return f"Offerta sospesa: ricarica almeno {format_eur(r.missing_cents)} per riattivarla."
    if r.state == "postpaid":
        return f"Rinnovo {renewal_day(snapshot)}."
    if r.state == "covered":
        return f"Rinnovo {renewal_day(snapshot)} ({format_eur(r.fee_cents)}): credito sufficiente."
    return (
        f"Rinnovo {renewal_day(snapshot)} ({format_eur(r.fee_cents)}): "
        f"ricarica almeno {format_eur(r.missing_cents)}."
    )


def _credit(snapshot: Snapshot) -> str:
    if snapshot.billing == "postpaid":
        return "Linea in abbonamento."
    return f"Credito {format_eur(snapshot.credit_cents)}."


def summary(snapshot: Snapshot) -> str:
    """SALDO: credit, GB, minutes and SMS, renewal; one SMS for a typical line."""
    parts = [_credit(snapshot)]
    data = allowance_line(snapshot, "data")
    if data:
        parts.append(f"Giga {used(data)},")
    voice, sms = allowance_line(snapshot, "voice"), allowance_line(snapshot, "sms")
    if voice and sms and voice.unlimited and sms.unlimited:
        parts.append("Min e SMS illimitati.")
    else:
        bits = []
        if voice:
            bits.append(f"Min {used(voice)}")
        if sms:
            bits.append(f"SMS {used(sms)}")
        if bits:
            parts.append(", ".join(bits) + ".")
    if parts[-1].endswith(","):
        parts[-1] = parts[-1][:-1] + "."
    parts.append(renewal_sentence(snapshot))
    return " ".join(parts)


def details(snapshot: Snapshot) -> str:
    """DETTAGLIO: the credit and every allowance, EU and international included."""
    lines = [_credit(snapshot), f"Offerta {snapshot.plan.name}."]
    for line in allowance_lines(snapshot):
        lines.append(f"{line.kind.labels.text}: {used(line)}.")
    lines.append(renewal_sentence(snapshot))
    return " ".join(lines)


def offer(snapshot: Snapshot) -> str:
    """OFFERTA: plan, renewal date and cost."""
    plan = snapshot.plan
    if plan.status == "suspended":
        return f"Offerta {plan.name} ({format_eur(plan.fee_cents)}). {renewal_sentence(snapshot)}"
    if plan.fee_cents == 0:
        return f"Offerta {plan.name}. {renewal_sentence(snapshot)}"
    return f"Offerta {plan.name}: {format_eur(plan.fee_cents)}, rinnovo il {renewal_day(snapshot)}."


def options(snapshot: Snapshot) -> str:
    """OPZIONI: the active options."""
    if not snapshot.options:
        return "Nessuna opzione attiva. Scopri le opzioni nell'app."
    items = []
    for o in snapshot.options:
        until = f" fino al {short_day(o.expires_at)}" if o.expires_at else ""
        items.append(f"{o.name} ({format_eur(o.fee_cents)}){until}")
    return "Opzioni attive: " + "; ".join(items) + "."


def help_text(short_code: str) -> str:
    """AIUTO: the commands, in one SMS."""
    return (
        f"SMS gratis al {short_code}: SALDO credito e consumi, DETTAGLIO contatori, "
        "OFFERTA piano e rinnovo, OPZIONI opzioni attive, FATTURA ultima fattura, AIUTO elenco."
    )


def hint(short_code: str) -> str:
    """The answer to a message that is not a keyword."""
    return (
        f"Comando non riconosciuto. Invia SALDO al {short_code} per credito e consumi, "
        "AIUTO per tutti i comandi. Il servizio è gratuito."
    )


def not_customer(operator: str) -> str:
    """The answer to a number that is not an active line: polite, and it reveals nothing."""
    return (
        f"Il servizio SALDO è riservato ai clienti {operator}. "
        "Per informazioni visita il nostro sito o un punto vendita."
    )


def flood_warning(minutes: int) -> str:
    """Sent once when a number passes the flood limit; after it, silence until the window ends."""
    return (
        f"Hai inviato troppe richieste. Riprova tra {minutes} minuti: "
        "fino ad allora non riceverai altre risposte."
    )


INVOICE_STATES = {
    "issued": "da pagare",
    "overdue": "scaduta, da pagare",
    "paid": "pagata",
    "credited": "stornata",
}


def last_invoice(invoice: Invoice | None) -> str:
    """FATTURA: amount, due date and state of the line's last invoice."""
    if invoice is None:
        return "Nessuna fattura emessa per questa linea."
    state = INVOICE_STATES.get(invoice.status, invoice.status)
    return (
        f"Ultima fattura {invoice.number}: {format_eur(invoice.total_cents)}, "
        f"scadenza {invoice.due_on.strftime('%d/%m/%Y')}, {state}."
    )


def complaint_opened(code: str, deadline: str) -> str:
    """RECLAMO: the complaint's code, and when the answer is due."""
    return (
        f"Abbiamo registrato il tuo reclamo con il codice {code}. "
        f"Ti risponderemo entro il {deadline}. Puoi seguirlo nell'app."
    )


def complaint_hint(short_code: str) -> str:
    """RECLAMO without a text."""
    return (
        f"Per fare un reclamo invia al {short_code} la parola RECLAMO seguita dal motivo, "
        "ad esempio: RECLAMO addebito non richiesto."
    )
