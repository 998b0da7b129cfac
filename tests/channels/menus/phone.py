"""Twilio's side of a call, and a USSD gateway, as tests drive them.

Requests are signed with the ``twilio`` package's own ``RequestValidator`` (as Twilio signs
its webhooks) and the TwiML answers are parsed and their action URLs followed.
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import httpx
from twilio.request_validator import RequestValidator

TOKEN = "twilio-test-auth-token-0123456789"
ACCOUNT = "AC" + "0" * 32
_sids = itertools.count(1)


@dataclass
class TwiML:
    status: int
    xml: str
    says: list[tuple[str, str]] = field(default_factory=list)
    gather: dict[str, str] | None = None
    redirect: str | None = None
    dial: str | None = None
    hangup: bool = False

    @property
    def text(self) -> str:
        return " ".join(text for _lang, text in self.says)

    @classmethod
    def parse(cls, response: httpx.Response) -> TwiML:
        out = cls(response.status_code, response.text)
        if response.status_code != 200:
            return out
        assert response.headers["content-type"].startswith("application/xml")
        root = ET.fromstring(response.text)
        assert root.tag == "Response"
        for element in root:
            if element.tag == "Gather":
                out.gather = dict(element.attrib)
                out.says += [(s.attrib["language"], s.text or "") for s in element]
                assert all(s.tag == "Say" for s in element)
            elif element.tag == "Say":
                out.says.append((element.attrib["language"], element.text or ""))
            elif element.tag == "Redirect":
                out.redirect = element.text
            elif element.tag == "Dial":
                out.dial = element.text
            elif element.tag == "Hangup":
                out.hangup = True
            else:
                raise AssertionError(f"unexpected TwiML verb {element.tag}")
        return out


class TwilioPhone:
    """One call at a time, as Twilio would place it."""

    def __init__(self, http: httpx.Client, base_url: str, token: str = TOKEN) -> None:
        self.http = http
        self.base_url = base_url
        self.validator = RequestValidator(token)
        self.sid = ""
        self.params: dict[str, str] = {}
        self.last: TwiML | None = None

    def signed_post(
        self, url: str, params: dict[str, str], *, signature: str | None = "sign"
    ) -> httpx.Response:
        headers = {}
        if signature == "sign":
            headers["X-Twilio-Signature"] = self.validator.compute_signature(url, params)
        elif signature is not None:
            headers["X-Twilio-Signature"] = signature
        return self.http.post(url, data=params, headers=headers)

    def call(self, *, caller: str, to: str = "4242", sid: str | None = None) -> TwiML:
        self.sid = sid or f"CA{next(_sids):032x}"
        self.params = {
            "AccountSid": ACCOUNT,
            "ApiVersion": "2010-04-01",
            "CallSid": self.sid,
            "CallStatus": "ringing",
            "Direction": "inbound",
            "From": caller,
            "Caller": caller,
            "To": to,
            "Called": to,
            "CallerCountry": "IT",
            "ToCountry": "IT",
        }
        url = f"{self.base_url}/channels/ivr/twilio/voice"
        self.last = TwiML.parse(self.signed_post(url, self.params))
        return self.last

    def press(self, digits: str | None) -> TwiML:
        """Keys for the current Gather; ``None``: nothing pressed, Twilio follows the Redirect."""
        assert self.last is not None and self.last.gather is not None, "no Gather to answer"
        params = {**self.params, "CallStatus": "in-progress"}
        if digits is None:
            url = self.last.redirect
            assert url is not None
        else:
            url = self.last.gather["action"]
            params |= {"Digits": digits, "FinishedOnKey": ""}
        self.last = TwiML.parse(self.signed_post(url, params))
        return self.last

    def retry_last(self, url: str, params: dict[str, str]) -> TwiML:
        return TwiML.parse(self.signed_post(url, params))


class UssdPhone:
    """A USSD gateway: each request carries every input so far, joined by ``*``."""

    def __init__(self, http: httpx.Client, auth: tuple[str, str]) -> None:
        self.http = http
        self.auth = auth

    def post(
        self,
        *,
        session: str,
        number: str,
        text: str = "",
        code: str = "*133#",
        auth: tuple[str, str] | None = None,
    ) -> httpx.Response:
        data = {"sessionId": session, "serviceCode": code, "phoneNumber": number, "text": text}
        return self.http.post("/channels/ussd", data=data, auth=auth or self.auth)
