"""Mail senders: SMTP (Python's smtplib) for real installations, the log for the embedded default."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import unquote, urlsplit

from services.portal.ports import Mail, MailUnavailable

log = logging.getLogger("puente.portal.mail")


def message(mail: Mail, sender: str) -> EmailMessage:
    """Return ``mail`` as a UTF-8 plain-text e-mail from ``sender``."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, mail.to, mail.subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    msg.set_content(mail.text)
    return msg


class SmtpMailer:
    """Sends each mail through an SMTP server named by a URL: ``smtp://user:password@host:587`` (STARTTLS) or
    ``smtps://…:465`` (TLS from the start). Credentials are never sent over a connection that is not encrypted."""

    def __init__(self, url: str, sender: str, timeout_s: float = 10.0):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("the SMTP URL must look like smtp://user:password@host:587 or smtps://host:465")
        self.tls = parts.scheme == "smtps"
        self.host, self.port = parts.hostname, parts.port or (465 if self.tls else 587)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender, self.timeout_s = sender, timeout_s
        self.context = ssl.create_default_context()

    def _connect(self) -> smtplib.SMTP:
        if self.tls:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout_s, context=self.context)
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout_s)
        smtp.ehlo()
        if smtp.has_extn("starttls"):
            smtp.starttls(context=self.context)
            smtp.ehlo()
        elif self.username:
            smtp.quit()
            raise MailUnavailable(f"{self.host} offers no STARTTLS; refusing to send the password in clear")
        return smtp

    def send(self, mail: Mail) -> None:
        """Hand the mail to the server, or raise MailUnavailable."""
        try:
            with self._connect() as smtp:
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message(mail, self.sender))
        except (smtplib.SMTPException, OSError) as exc:
            raise MailUnavailable(f"{self.host}:{self.port}: {type(exc).__name__}: {exc}") from None


class LogMailer:
    """Writes each mail to the log instead of sending it: the embedded default, where no mail server is set up."""

    def send(self, mail: Mail) -> None:
        """Log the whole mail (its links included) so a person running Puente locally can follow them."""
        log.warning("mail not sent (no PUENTE_SMTP_URL); to %s, subject %r:\n%s", mail.to, mail.subject, mail.text)
