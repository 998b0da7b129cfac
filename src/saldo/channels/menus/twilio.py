"""TwiML for one voice turn, and the X-Twilio-Signature check, both with the ``twilio`` package."""

from __future__ import annotations

from collections.abc import Mapping

from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

from saldo.channels.menus.service import VoiceReply
from saldo.channels.menus.speech import merged

LANGUAGE = {"it": "it-IT", "en": "en-GB"}
KEY_TIMEOUT_SECONDS = 6
DIGITS_TIMEOUT_SECONDS = 10
DIAL_TIMEOUT_SECONDS = 30


def twiml(reply: VoiceReply, *, action_url: str) -> str:
    """``<Say>`` each segment; then ``<Gather>`` the input (``<Redirect>`` when none came), or
    ``<Dial>`` the care number, or ``<Hangup>``."""
    response = VoiceResponse()
    if reply.expect is None:
        for lang, text in merged(reply.segments):
            response.say(text, language=LANGUAGE[lang])
        if reply.end == "transfer" and reply.transfer_number:
            response.dial(reply.transfer_number, timeout=DIAL_TIMEOUT_SECONDS)
        response.hangup()
        return str(response)
    digits = reply.expect == "digits"
    gather = response.gather(
        input="dtmf",
        num_digits=reply.max_digits,
        action=action_url,
        method="POST",
        timeout=DIGITS_TIMEOUT_SECONDS if digits else KEY_TIMEOUT_SECONDS,
        # "#" ends a number; in a menu it is a key like the others (an invalid choice)
        finish_on_key="#" if digits else "",
    )
    for lang, text in merged(reply.segments):
        gather.say(text, language=LANGUAGE[lang])
    # Reached only when the caller pressed nothing: the same step, without Digits.
    response.redirect(action_url, method="POST")
    return str(response)


def signature_valid(token: str, url: str, params: Mapping[str, str], signature: str | None) -> bool:
    """Twilio's scheme: HMAC-SHA1 of the URL and the sorted POST parameters, base64."""
    if not token or not signature:
        return False
    return bool(RequestValidator(token).validate(url, dict(params), signature))
