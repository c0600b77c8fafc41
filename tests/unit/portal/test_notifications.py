"""Notices of an introduction: to the person who agreed to messages (WhatsApp, else e-mail, in their language) and
to the employer's users who asked (e-mail in their language, naming nobody); through the pages, on fakes, and
once through a real SMTP server on loopback."""

import email
import email.policy
import logging

import pytest

from services.portal.accounts import Organisation
from services.portal.adapters.mail import SmtpMailer
from services.portal.adapters.memory import InMemoryMessenger
from services.portal.adapters.messaging import LogMessenger
from services.portal.app import messenger as messenger_of
from services.portal.ports import MailUnavailable, TextMessage
from shared.settings import load_settings
from tests.unit.portal.conftest import csrf, signed_in_as, submit
from tests.unit.portal.workspace_helpers import EMPLOYER_ID, add_person, add_vacancy, text

EMPLOYER_ORG = Organisation(EMPLOYER_ID, "Constructora Andina", "employer")
NOTIFY = {"matching": True, "introductions": True, "statistics": False, "notifications": True}
EMPLOYER_EMAIL = "rrhh@constructora-andina.example"


@pytest.fixture
def messenger(container):
    container.extras["messenger"] = InMemoryMessenger()
    return container.extras["messenger"]


@pytest.fixture
def app(container, messenger):
    from services.portal.app import SERVICE

    return SERVICE.create_app(container)


def introduce(client, pid, vid, language="es"):
    return submit(client, f"/workspace/people/{pid}/introduce/{vid}",
                  {"language": language, "answer": "yes", "read_aloud": "y"})


def person(profiles, *, lang="es", whatsapp=True, mail=None, consents=NOTIFY):
    pid = add_person(profiles, "Yolanda", "Castillo", consents=consents, text_language=lang)
    identity = profiles.profiles[pid]["identity"]
    identity["whatsapp"], identity["email"] = whatsapp, mail
    return pid


# -- the person -------------------------------------------------------------------------------------------
def test_an_introduced_person_who_agreed_is_told_on_whatsapp_in_their_language(counsellor, profiles, fake,
                                                                               messenger, mailer):
    pid = person(profiles, lang="pt")
    vid = add_vacancy(fake, profiles, "Pedreiro de obra")
    done = introduce(counsellor, pid, vid)
    assert done.status_code == 302
    assert "The person was sent a WhatsApp message about it." in text(counsellor.get(done.location))
    (message,) = messenger.sent
    assert message.to == "+57 300 123 4567" and mailer.sent == []
    assert "Olá Yolanda," in message.text and "Constructora Andina" in message.text
    assert "“Pedreiro de obra”" in message.text and "Centro de orientación Cúcuta" in message.text


def test_a_person_without_whatsapp_is_emailed_and_a_haitian_creole_speaker_reads_french(counsellor, profiles, fake,
                                                                                       messenger, mailer):
    pid = person(profiles, lang="ht", whatsapp=False, mail="yolanda@correo.example")
    vid = add_vacancy(fake, profiles)
    page = text(counsellor.get(introduce(counsellor, pid, vid).location))
    assert "The person was sent an email about it." in page
    (mail,) = mailer.sent
    assert mail.to == "yolanda@correo.example" and messenger.sent == []
    assert mail.subject == "Vous avez été présenté(e) à un employeur" and "Bonjour Yolanda," in mail.text


def test_a_person_who_did_not_agree_to_messages_is_told_nothing(counsellor, profiles, fake, messenger, mailer):
    pid = person(profiles, mail="yolanda@correo.example",
                 consents={"matching": True, "introductions": True, "statistics": True})
    vid = add_vacancy(fake, profiles)
    page = text(counsellor.get(introduce(counsellor, pid, vid).location))
    assert messenger.sent == [] and mailer.sent == [] and "was sent" not in page
    withdrawn = person(profiles, consents={**NOTIFY, "notifications": False})
    introduce(counsellor, withdrawn, add_vacancy(fake, profiles, "Otra"))
    assert messenger.sent == []


def test_when_no_message_can_be_sent_the_introduction_stands_and_the_counsellor_is_told(
        app, counsellor, profiles, fake, messenger):
    class Down:
        def send(self, _message):
            raise MailUnavailable("mail.example:587: connection refused")

    app.extensions["puente.notifier"].mailer = Down()
    pid = person(profiles, whatsapp=False, mail="yolanda@correo.example")
    vid = add_vacancy(fake, profiles)
    page = text(counsellor.get(introduce(counsellor, pid, vid).location))
    assert "is introduced" in page and "none could be sent: tell them yourself" in page
    assert [i["profile_id"] for i in profiles.introductions] == [pid]


def test_the_person_can_agree_to_messages_at_the_first_step_of_the_registration(counsellor, profiles):
    pid = add_person(profiles)  # registered before the question existed: no answer recorded
    assert "messages: not asked yet" in " ".join(text(counsellor.get(f"/workspace/people/{pid}")).split())
    path = f"/workspace/people/{pid}/intake/identity"
    page = text(counsellor.get(path))
    assert "Do you agree that we send you a message, by WhatsApp or email" in page
    assert 'name="consent_notifications" type="radio" value="yes" checked' not in page
    assert 'value="no" checked' not in page.split('id="consent_notifications"')[1].split("</fieldset>")[0]
    answers = {"person_language": "es", "consent_read": "y", "consent_matching": "yes",
               "consent_introductions": "yes", "consent_statistics": "yes", "given_names": "María Fernanda",
               "family_names": "Rangel Ochoa", "country": "CO", "city": "Cúcuta", "phone": "+57 300 123 4567",
               "whatsapp": "y", "action": "later"}
    unanswered = submit(counsellor, path, answers)
    assert unanswered.status_code == 422 and "notifications" not in profiles.profiles[pid]["consents"]
    saved = submit(counsellor, path, {**answers, "consent_notifications": "yes"})
    assert saved.status_code == 302 and profiles.profiles[pid]["consents"]["notifications"]["given"] is True
    assert "messages: yes" in " ".join(text(counsellor.get(f"/workspace/people/{pid}")).split())


# -- the employer -----------------------------------------------------------------------------------------
def employer_asks(app, language="pt", introductions=True):
    employer = signed_in_as(app, EMPLOYER_EMAIL, "employer", EMPLOYER_ORG)
    page = text(employer.get("/employer/notifications"))
    assert "E-mails about introductions" in page
    data = {"csrf_token": csrf(page), "language": language, **({"introductions": "y"} if introductions else {})}
    saved = employer.post("/employer/notifications", data=data)
    assert saved.status_code == 302
    return employer


def test_the_employer_who_asked_is_emailed_in_their_language_and_the_mail_names_nobody(
        app, counsellor, profiles, fake, mailer):
    employer = employer_asks(app, "pt")
    assert "We will e-mail you at" in text(employer.get("/employer/notifications"))
    pid = person(profiles)
    vid = add_vacancy(fake, profiles, "Albañil de obra")
    introduce(counsellor, pid, vid)
    (mail,) = [m for m in mailer.sent if m.to == EMPLOYER_EMAIL]
    assert mail.subject == "Um candidato foi apresentado para “Albañil de obra”"
    assert f"http://localhost/employer/vacancies/{vid}/candidates" in mail.text
    assert "http://localhost/employer/notifications" in mail.text
    for secret in ("Yolanda", "Castillo", "+57 300 123 4567", "VE-1234567", pid):
        assert secret not in mail.text and secret not in mail.subject


def test_an_employer_who_did_not_ask_or_stopped_is_not_emailed(app, counsellor, profiles, fake, mailer):
    employer_asks(app, "es", introductions=False)
    signed_in_as(app, "otra@constructora-andina.example", "employer", EMPLOYER_ORG)  # never chose
    signed_in_as(app, "rrhh@otra.example", "employer", Organisation("employer-otra", "Otra", "employer"))
    pid = person(profiles)
    introduce(counsellor, pid, add_vacancy(fake, profiles))
    assert mailer.sent == []


def test_the_notifications_page_is_for_employers(app, counsellor, visitor):
    assert counsellor.get("/employer/notifications").status_code == 403
    assert visitor.get("/employer/notifications").status_code == 302
    employer = signed_in_as(app, EMPLOYER_EMAIL, "employer", EMPLOYER_ORG)
    page = text(employer.get("/employer/notifications"))
    refused = employer.post("/employer/notifications", data={"csrf_token": csrf(page), "language": "de"})
    assert refused.status_code == 422 and "Not a valid choice" in text(refused)


# -- the real mail server ---------------------------------------------------------------------------------
def test_the_introduction_email_reaches_a_real_smtp_server_on_loopback(app, counsellor, profiles, fake,
                                                                       smtp_server):  # noqa: F811
    port = smtp_server.server_address[1]
    sender = "Puente <no-reply@puente.example>"
    app.extensions["puente.notifier"].mailer = SmtpMailer(f"smtp://127.0.0.1:{port}", sender)
    pid = person(profiles, lang="es", whatsapp=False, mail="yolanda@correo.example")
    vid = add_vacancy(fake, profiles, "Albañil de obra")
    introduce(counsellor, pid, vid)
    (raw,) = smtp_server.received
    sent = email.message_from_bytes(raw, policy=email.policy.default)
    assert sent["To"] == "yolanda@correo.example" and sent["Subject"] == "Usted fue presentado/a a un empleador"
    assert sent.get_content_charset() == "utf-8"
    body = sent.get_content()
    assert "Hola Yolanda:" in body and "«Albañil de obra»" in body and "Constructora Andina" in body


# -- the message channel ----------------------------------------------------------------------------------
def test_the_log_messenger_shows_the_text_in_development_and_only_a_masked_number_in_production(caplog):
    message = TextMessage("+57 300 123 4567", "Hola Yolanda, hay un trabajo para usted.")
    with caplog.at_level(logging.WARNING, logger="puente.portal.messages"):
        LogMessenger(show_text=True).send(message)
    assert "Hola Yolanda" in caplog.text and "…567" in caplog.text and "300 123" not in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="puente.portal.messages"):
        LogMessenger(show_text=False).send(message)
    assert "Yolanda" not in caplog.text and "…567" in caplog.text and "300 123" not in caplog.text


class _Container:
    def __init__(self, **settings):
        self.settings, self.extras = load_settings({}, bus="memory", **settings), {}


def test_the_portal_uses_the_log_messenger_unless_one_is_put_in_and_hides_texts_in_production():
    assert messenger_of(_Container()).show_text is True
    production = _Container(env="production", secret_key="s" * 40, database_url="sqlite:///x.db")
    assert messenger_of(production).show_text is False
    fake = _Container()
    fake.extras["messenger"] = InMemoryMessenger()
    assert messenger_of(fake) is fake.extras["messenger"]
