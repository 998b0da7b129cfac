"""The menus, as data: the free line (4242), the business line from abroad (1928), USSD *133#.

Prompt ids are rendered by ``speech`` (voice, Italian and English) or ``screens`` (USSD);
action names are implemented in ``actions``.
"""

from __future__ import annotations

from typing import Literal

from saldo.channels.menus.engine import REPEAT, Menu, State

MenuName = Literal["ivr", "ivr_business", "ussd"]
VOICE_MENUS: tuple[MenuName, ...] = ("ivr", "ivr_business")
PIN_ATTEMPTS = 3
"""Number-and-PIN pairs a caller from an unknown number may try in one call."""


def _identification(after: str) -> dict[str, State]:
    """Hidden or unknown caller id: the line number and its service PIN, three tries."""
    return {
        "unknown_caller": State(say=("unknown_caller",), then="ask_number"),
        "ask_number": State(
            say=("ask_number",),
            expect="digits",
            max_digits=14,
            check="take_number",
            on={"ok": "ask_pin"},
            invalid=("bad_number",),
        ),
        "ask_pin": State(
            say=("ask_pin",),
            expect="digits",
            max_digits=4,
            check="check_pin",
            on={
                "ok": after,
                "wrong": "pin_wrong",
                "exhausted": "pin_exhausted",
                "locked": "pin_locked",
            },
            invalid=("bad_pin",),
        ),
        "pin_wrong": State(say=("pin_wrong",), then="ask_number"),
        "pin_exhausted": State(say=("pin_exhausted", "goodbye"), end="hangup"),
        "pin_locked": State(say=("pin_locked", "goodbye"), end="hangup"),
    }


def _closing(care: str) -> dict[str, State]:
    """Send the details by SMS, a complaint, talk to an operator, English, giving up."""
    return {
        "send_sms": State(do="send_details", say=("sms_sent",), then="menu"),
        # AGCOM 255/24/CONS: complaints at the first level; one complaint per call
        "complaint": State(do="open_complaint", say=("complaint_opened",), then="menu"),
        "care": State(do="care_hours", on={"open": "transfer", "closed": "care_closed"}),
        "transfer": State(say=("care_transfer",), end="transfer", transfer_to=care),
        "care_closed": State(say=("care_closed",), then="menu"),
        "give_up": State(say=("too_many", "goodbye"), end="hangup"),
    }


IVR = Menu(
    name="ivr",
    start="identify",
    states={
        "identify": State(
            say=("greeting",),
            do="identify_caller",
            on={"known": "welcome", "unknown": "unknown_caller"},
        ),
        **_identification(after="welcome"),
        "welcome": State(say=("credit_plan",), then="menu"),
        "menu": State(
            say=("menu",),
            expect="key",
            keys={
                "1": "details",
                "2": "send_sms",
                "3": "offer",
                "4": "complaint",
                "9": "care",
                "*": REPEAT,
                "0": "language",
            },
        ),
        "details": State(say=("details",), then="menu"),
        "offer": State(say=("offer",), then="menu"),
        "language": State(do="switch_language", say=("credit_plan",), then="menu"),
        **_closing(care="care"),
    },
)

IVR_BUSINESS = Menu(
    name="ivr_business",
    start="identify",
    states={
        "identify": State(
            say=("greeting_business",),
            do="identify_caller",
            on={"known": "segment", "unknown": "unknown_caller"},
        ),
        **_identification(after="segment"),
        "segment": State(do="line_segment", on={"business": "welcome", "consumer": "not_business"}),
        "not_business": State(say=("not_business", "goodbye"), end="hangup"),
        "welcome": State(say=("credit",), then="menu"),
        "menu": State(
            say=("menu_business",),
            expect="key",
            keys={"1": "send_sms", "4": "complaint", "9": "care", "*": REPEAT, "0": "language"},
        ),
        "language": State(do="switch_language", say=("credit",), then="menu"),
        **_closing(care="business_care"),
    },
)

USSD = Menu(
    name="ussd",
    start="identify",
    states={
        "identify": State(do="identify_caller", on={"known": "root", "unknown": "not_customer"}),
        "not_customer": State(say=("ussd_not_customer",), end="hangup"),
        "root": State(
            say=("ussd_root",),
            expect="key",
            keys={"1": "credit", "2": "details", "3": "offer", "4": "options", "5": "send_sms"},
            invalid=("ussd_invalid",),
            no_input=("ussd_invalid",),
        ),
        "credit": State(say=("ussd_credit",), end="hangup"),
        "details": State(say=("ussd_details",), end="hangup"),
        "offer": State(say=("ussd_offer",), end="hangup"),
        "options": State(say=("ussd_options",), end="hangup"),
        "send_sms": State(do="send_details", say=("ussd_sms_sent",), end="hangup"),
        "give_up": State(say=("ussd_too_many",), end="hangup"),
    },
)

MENUS: dict[str, Menu] = {m.name: m for m in (IVR, IVR_BUSINESS, USSD)}
