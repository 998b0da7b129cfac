"""The SMS texts of the balance snapshot, in Italian, kept inside the GSM-7 alphabet.

The voice line's "send me the details by SMS" and the keyword DETTAGLIO send the same text.
"""

from __future__ import annotations

from saldo.balances.schemas import AllowanceView, Snapshot
from saldo.kit.clock import to_rome
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


def _day(snapshot: Snapshot) -> str:
    renews = snapshot.plan.renews_at
    return to_rome(renews).strftime("%d/%m") if renews else ""


def _sum(items: list[AllowanceView]) -> tuple[bool, int, int]:
    unlimited = any(a.unlimited for a in items)
    return unlimited, sum(a.remaining or 0 for a in items), sum(a.total or 0 for a in items)


def _data(items: list[AllowanceView]) -> str:
    unlimited, left, total = _sum(items)
    return "illimitati" if unlimited else f"{format_data(left)}/{format_data(total)}"


def _minutes(items: list[AllowanceView]) -> str:
    unlimited, left, total = _sum(items)
    return "illimitati" if unlimited else f"{whole_minutes(left)}/{whole_minutes(total)}"


def _count(items: list[AllowanceView]) -> str:
    unlimited, left, total = _sum(items)
    return "illimitati" if unlimited else f"{left}/{total}"


def renewal_sentence(snapshot: Snapshot) -> str:
    plan = snapshot.plan
    if plan.fee_cents == 0 and plan.status != "suspended":
        return "Senza canone: paghi solo quello che usi."
    if plan.status == "suspended":
        missing = max(plan.fee_cents - snapshot.credit_cents, 0)
        return f"Offerta sospesa: ricarica almeno {format_eur(missing)} per riattivarla."
    if snapshot.billing == "postpaid":
        return f"Rinnovo {_day(snapshot)}."
    if snapshot.renewal_covered:
        return f"Rinnovo {_day(snapshot)} ({format_eur(plan.fee_cents)}): credito sufficiente."
    missing = plan.fee_cents - snapshot.credit_cents
    return (
        f"Rinnovo {_day(snapshot)} ({format_eur(plan.fee_cents)}): "
        f"ricarica almeno {format_eur(missing)}."
    )


def _credit(snapshot: Snapshot) -> str:
    if snapshot.billing == "postpaid":
        return "Linea in abbonamento."
    return f"Credito {format_eur(snapshot.credit_cents)}."


def summary(snapshot: Snapshot) -> str:
    """SALDO: credit, GB, minutes and SMS, renewal; one SMS for a typical line."""
    parts = [_credit(snapshot)]
    data = snapshot.allowance("data")
    if data:
        parts.append(f"Giga {_data(data)},")
    voice, sms = snapshot.allowance("voice"), snapshot.allowance("sms")
    if voice and sms and _sum(voice)[0] and _sum(sms)[0]:
        parts.append("Min e SMS illimitati.")
    else:
        bits = []
        if voice:
            bits.append(f"Min {_minutes(voice)}")
        if sms:
            bits.append(f"SMS {_count(sms)}")
        if bits:
            parts.append(", ".join(bits) + ".")
    if parts[-1].endswith(","):
        parts[-1] = parts[-1][:-1] + "."
    parts.append(renewal_sentence(snapshot))
    return " ".join(parts)


def details(snapshot: Snapshot) -> str:
    """DETTAGLIO: the credit and every allowance, EU and international included."""
    lines = [_credit(snapshot), f"Offerta {snapshot.plan.name}."]
    for label, service, zone, fmt in (
        ("Giga", "data", "national", _data),
        ("Giga UE", "data_eu", "eu", _data),
        ("Minuti", "voice", "national", _minutes),
        ("SMS", "sms", "national", _count),
        ("MMS", "mms", "national", _count),
        ("Minuti estero", "voice", "international", _minutes),
    ):
        items = snapshot.allowance(service, zone)
        if items:
            lines.append(f"{label}: {fmt(items)}.")
    lines.append(renewal_sentence(snapshot))
    return " ".join(lines)


def offer(snapshot: Snapshot) -> str:
    """OFFERTA: plan, renewal date and cost."""
    plan = snapshot.plan
    if plan.status == "suspended":
        return f"Offerta {plan.name} ({format_eur(plan.fee_cents)}). {renewal_sentence(snapshot)}"
    if plan.fee_cents == 0:
        return f"Offerta {plan.name}. {renewal_sentence(snapshot)}"
    return f"Offerta {plan.name}: {format_eur(plan.fee_cents)}, rinnovo il {_day(snapshot)}."


def options(snapshot: Snapshot) -> str:
    """OPZIONI: the active options."""
    if not snapshot.options:
        return "Nessuna opzione attiva. Scopri le opzioni nell'app."
    items = []
    for o in snapshot.options:
        until = f" fino al {to_rome(o.expires_at).strftime('%d/%m')}" if o.expires_at else ""
        items.append(f"{o.name} ({format_eur(o.fee_cents)}){until}")
    return "Opzioni attive: " + "; ".join(items) + "."


def help_text(short_code: str) -> str:
    """AIUTO: the commands, in one SMS."""
    return (
        f"SMS gratis al {short_code}: SALDO credito e consumi, DETTAGLIO tutti i contatori, "
        "OFFERTA piano e rinnovo, OPZIONI opzioni attive, AIUTO questo elenco."
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
