"""Notices to people and employers who asked for them, each in the reader's language: e-mail through the Mailer
port, short messages (WhatsApp-ready) through the Messenger port.

A person is told only if they agreed to messages (the ``notifications`` consent the profiles service records):
of an introduction, and of new strong matches a job alert found. They are reached on WhatsApp when their phone
takes it (the channel people use), else by e-mail, else not at all. An employer's user is e-mailed when a person
is introduced to one of their vacancies, if they asked for it (the portal keeps that choice with their account);
the mail names no person: they sign in to see who.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from services.portal.alerts import Job
from services.portal.ports import Mail, Mailer, MailUnavailable, MessageUnavailable, Messenger, TextMessage

log = logging.getLogger("puente.portal.notices")

TEXT_LANGUAGES = ("es", "pt", "en", "fr")  # the catalogue's; Haitian Creole speakers are written to in French
WHATSAPP, EMAIL = "whatsapp", "email"


def text_language(code: str | None, default: str = "es") -> str:
    """Return the catalogue language a person is written to in (Haitian Creole: French)."""
    if code in TEXT_LANGUAGES:
        return code
    return "fr" if code == "ht" else default


def person_channel(profile: Mapping[str, Any]) -> tuple[str, str] | None:
    """Return how to reach a person: (``whatsapp``, phone) when their phone takes it, else (``email``, address),
    else None."""
    identity = profile.get("identity") or {}
    if identity.get("phone") and identity.get("whatsapp"):
        return WHATSAPP, identity["phone"]
    if identity.get("email"):
        return EMAIL, identity["email"]
    return None


def _stop_line(centre: str) -> str:
    return _("You get this message because you agreed to it. To stop these messages, tell %(centre)s.",
             centre=centre)


def introduction_notice(profile: Mapping[str, Any], employer: str, title: str, centre: str) -> tuple[str, str]:
    """Return (subject, text) telling a person they were introduced for a job, in their language."""
    with force_locale(text_language(profile.get("text_language"))):
        name = (profile.get("identity") or {}).get("given_names", "")
        return _("You were introduced to an employer"), "\n\n".join([
            _("Hello %(name)s,", name=name),
            _("%(centre)s gave your name and contact details to %(employer)s for the job “%(title)s”, as you "
              "agreed. They may call you soon.", centre=centre, employer=employer, title=title),
            _("If you have a question, ask %(centre)s.", centre=centre),
            _stop_line(centre)])


def _place(job: Job) -> str:
    return ", ".join(p for p in (job.city, job.country) if p)


def matches_notice(profile: Mapping[str, Any], jobs: Iterable[Job], centre: str) -> tuple[str, str]:
    """Return (subject, text) telling a person of new jobs that suit them, in their language."""
    with force_locale(text_language(profile.get("text_language"))):
        name = (profile.get("identity") or {}).get("given_names", "")
        lines = "\n".join(f"• {job.title} – {job.employer}, {_place(job)}" if job.employer
                          else f"• {job.title}, {_place(job)}" for job in jobs)
        return _("New jobs that suit you"), "\n\n".join([
            _("Hello %(name)s,", name=name),
            _("%(centre)s found new jobs that suit you:", centre=centre),
            lines,
            _("Ask %(centre)s to tell you more, or to introduce you to the employer.", centre=centre),
            _stop_line(centre)])


def employer_introduction_notice(title: str, link: str, settings_link: str, lang: str) -> tuple[str, str]:
    """Return (subject, text) telling an employer's user that a person was introduced to their vacancy."""
    with force_locale(text_language(lang)):
        return _("A candidate was introduced for “%(title)s”", title=title), "\n\n".join([
            _("Hello,"),
            _("A person agreed to be introduced to you for your vacancy “%(title)s”. Sign in to see their name and "
              "contact details:", title=title),
            link,
            _("You get this e-mail because you asked for it. To stop it, change your notifications on Puente:"),
            settings_link])


@dataclass
class Notifier:
    """Sends notices through the mail and message senders; a notice that cannot be sent is logged, never raised
    (the action that caused it stands)."""

    mailer: Mailer
    messenger: Messenger

    def tell_person(self, profile: Mapping[str, Any], subject: str, text: str) -> str | None:
        """Send a notice to a person who agreed to messages; return the channel used, or None."""
        if not ((profile.get("consents") or {}).get("notifications") or {}).get("given"):
            return None
        channel = person_channel(profile)
        if channel is None:
            return None
        kind, address = channel
        try:
            if kind == WHATSAPP:
                self.messenger.send(TextMessage(address, f"{subject}\n\n{text}"))
            else:
                self.mailer.send(Mail(address, subject, text))
        except (MailUnavailable, MessageUnavailable) as exc:
            log.error("a notice to a person was not sent (%s): %s", kind, exc)
            return None
        return kind

    def tell_employers(self, recipients: Iterable[tuple[str, str]], notice) -> int:
        """E-mail each (address, language) the notice ``notice(language)`` returns; return how many were sent."""
        sent = 0
        for address, lang in recipients:
            subject, text = notice(lang)
            try:
                self.mailer.send(Mail(address, subject, text))
            except MailUnavailable as exc:
                log.error("a notice to an employer was not sent: %s", exc)
                continue
            sent += 1
        return sent
