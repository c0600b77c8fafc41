"""Sending mail: the SMTP adapter against a small SMTP server on loopback, the log sender, and which one runs."""

from __future__ import annotations

import email
import email.policy
import logging
import socketserver

import pytest

from services.portal.adapters.mail import LogMailer, SmtpMailer
from services.portal.app import mailer
from services.portal.ports import Mail, MailUnavailable
from shared.service import StartupError
from shared.settings import load_settings

MAIL = Mail("ana@laesquina.example", "Confirme su registro en Puente",
            "Hola,\n\nSiga este enlace:\n\nhttp://127.0.0.1/signup/confirm/abc\n\nGracias, Puente")


def test_the_smtp_mailer_hands_a_utf8_plain_text_mail_to_the_server(smtp_server):
    port = smtp_server.server_address[1]
    SmtpMailer(f"smtp://127.0.0.1:{port}", "Puente <no-reply@puente.example>").send(MAIL)
    (raw,) = smtp_server.received
    sent = email.message_from_bytes(raw, policy=email.policy.default)
    assert sent["To"] == "ana@laesquina.example" and sent["From"] == "Puente <no-reply@puente.example>"
    assert sent["Subject"] == "Confirme su registro en Puente" and sent["Message-ID"].endswith("@puente.example>")
    assert sent.get_content_type() == "text/plain" and sent.get_content_charset() == "utf-8"
    assert "http://127.0.0.1/signup/confirm/abc" in sent.get_content()


def test_the_smtp_mailer_never_sends_a_password_over_a_connection_without_tls(smtp_server):
    port = smtp_server.server_address[1]
    with pytest.raises(MailUnavailable, match="STARTTLS"):
        SmtpMailer(f"smtp://puente:secret@127.0.0.1:{port}", "no-reply@puente.example").send(MAIL)
    assert smtp_server.received == [] and "AUTH" not in smtp_server.verbs


def test_an_unreachable_mail_server_is_a_mail_unavailable_error():
    with socketserver.TCPServer(("127.0.0.1", 0), socketserver.BaseRequestHandler) as closed:
        port = closed.server_address[1]
    with pytest.raises(MailUnavailable, match=f"127.0.0.1:{port}"):
        SmtpMailer(f"smtp://127.0.0.1:{port}", "no-reply@puente.example", timeout_s=2).send(MAIL)


def test_the_log_mailer_writes_the_whole_mail_with_its_link(caplog):
    with caplog.at_level(logging.WARNING, logger="puente.portal.mail"):
        LogMailer().send(MAIL)
    assert "http://127.0.0.1/signup/confirm/abc" in caplog.text and "ana@laesquina.example" in caplog.text


class _Container:
    def __init__(self, **settings):
        self.settings, self.extras = load_settings({}, bus="memory", **settings), {}


def test_the_portal_sends_through_smtp_when_configured_and_logs_otherwise_but_not_in_production():
    assert isinstance(mailer(_Container(smtp_url="smtp://mail.example:587")), SmtpMailer)
    assert isinstance(mailer(_Container()), LogMailer)
    with pytest.raises(StartupError) as refused:
        mailer(_Container(env="production", secret_key="s" * 40, database_url="sqlite:///x.db"))
    assert refused.value.setting == "PUENTE_SMTP_URL"
