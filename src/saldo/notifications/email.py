"""E-mail over SMTP: one connection per batch, STARTTLS whenever the server offers it, login
when a user is set. The outbox delivery loop calls it after commit; a failure leaves the
message to be retried with backoff, and a message is never sent twice (its outbox id makes
its Message-ID, so even a relay that saw a half-finished attempt can tell)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from saldo.config import SmtpSettings
from saldo.notifications.models import OutboxMessage


class SmtpTransport:
    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def _tls(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.settings.ca_file or None)

    def _message(self, message: OutboxMessage) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.settings.from_
        mail["To"] = message.recipient
        mail["Subject"] = message.subject or ""
        mail["Date"] = formatdate(localtime=False)
        domain = self.settings.from_.rpartition("@")[2].strip("> ") or "saldo.invalid"
        mail["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain=domain)
        mail.set_content(message.body)
        return mail

    def send_email(self, message: OutboxMessage) -> str:
        """Send one message; returns its Message-ID. Raises on any failure (retried later)."""
        s = self.settings
        mail = self._message(message)
        with smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds) as smtp:
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls(context=self._tls())
                smtp.ehlo()
            if s.user:
                smtp.login(s.user, s.password.get_secret_value())
            smtp.send_message(mail)
        return str(mail["Message-ID"])


def smtp_transport(settings: SmtpSettings) -> SmtpTransport | None:
    """The SMTP transport, or None when no host is set (e-mails stay in the outbox)."""
    return SmtpTransport(settings) if settings.host else None
