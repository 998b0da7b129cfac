"""Keywords customers text to the short code: Italian first, with English aliases.

Matching ignores case, accents, spaces and punctuation, so "Saldo", " s a l d o ", "SALDO!" and
"Dettàglio" are all understood.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum


class Command(StrEnum):
    SUMMARY = "summary"
    DETAILS = "details"
    OFFER = "offer"
    OPTIONS = "options"
    INVOICE = "invoice"
    HELP = "help"
    COMPLAINT = "complaint"
    UNKNOWN = "unknown"


KEYWORDS: dict[str, Command] = {
    "SALDO": Command.SUMMARY,
    "CREDITO": Command.SUMMARY,
    "BALANCE": Command.SUMMARY,
    "DETTAGLIO": Command.DETAILS,
    "CONSUMI": Command.DETAILS,
    "DETAILS": Command.DETAILS,
    "USAGE": Command.DETAILS,
    "OFFERTA": Command.OFFER,
    "OFFER": Command.OFFER,
    "PLAN": Command.OFFER,
    "OPZIONI": Command.OPTIONS,
    "OPTIONS": Command.OPTIONS,
    "FATTURA": Command.INVOICE,
    "INVOICE": Command.INVOICE,
    "BILL": Command.INVOICE,
    "AIUTO": Command.HELP,
    "INFO": Command.HELP,
    "HELP": Command.HELP,
}


def normalize(text: str) -> str:
    """Upper case letters and digits only, accents removed: "Dettàglio " -> "DETTAGLIO"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalnum() and c.isascii()).upper()


COMPLAINT_WORDS = frozenset({"RECLAMO", "COMPLAINT"})
"""``RECLAMO <testo>``: the one keyword followed by free text (a complaint)."""


def parse(text: str) -> Command:
    """The command a message asks for; anything not a keyword is ``UNKNOWN``."""
    found = KEYWORDS.get(normalize(text))
    if found is not None:
        return found
    first = text.split(maxsplit=1)
    if first and normalize(first[0]) in COMPLAINT_WORDS:
        return Command.COMPLAINT
    return Command.UNKNOWN


def argument(text: str) -> str:
    """What follows the keyword: the complaint's text."""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) == 2 else ""
