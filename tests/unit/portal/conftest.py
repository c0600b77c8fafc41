"""Fixtures for the portal's pages: the real app on a fresh SQLite file, the services it calls faked."""

from __future__ import annotations

import re

import pytest

from services.portal.accounts import Organisation
from services.portal.adapters.memory import FakeCredentials, FakeMatching, FakeProfiles, FakeVacancies, InMemoryMailer
from services.portal.app import SERVICE
from shared.bus import InMemoryBus
from shared.service import build_container
from shared.settings import load_settings

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


@pytest.fixture
def fake():
    return FakeVacancies()


@pytest.fixture
def matching():
    return FakeMatching()


@pytest.fixture
def mailer():
    return InMemoryMailer()


@pytest.fixture
def profiles():
    return FakeProfiles()


@pytest.fixture
def credentials():
    return FakeCredentials()


@pytest.fixture
def container(tmp_path, fake, matching, mailer, profiles, credentials):
    container = build_container(SERVICE, load_settings({}, bus="memory", secret_key="p" * 40), bus=InMemoryBus(),
                                data_dir=tmp_path)
    container.extras["vacancies_client"] = fake
    container.extras["matching_client"] = matching
    container.extras["mailer"] = mailer
    container.extras["profiles_client"] = profiles
    container.extras["credentials_client"] = credentials
    yield container
    container.engine.dispose()


@pytest.fixture
def app(container):
    return SERVICE.create_app(container)


@pytest.fixture
def visitor(app):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"  # the portal's own default is Spanish
    return client


def csrf(html: str) -> str:
    """Return the CSRF token of the first form on a page."""
    match = CSRF.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1) or match.group(2)


def submit(client, path: str, data: dict, headers=None, **kwargs):
    """Open a page, then send its form with ``data`` (as a person would), and return the answer."""
    page = client.get(path, headers=headers or {})
    return client.post(path, data={"csrf_token": csrf(page.get_data(as_text=True)), **data}, headers=headers or {},
                       **kwargs)


EMPLOYER = {"name": "Panadería La Esquina", "tax_id": "900123456-7", "country": "CO", "sector": "food",
            "contact_email": "Ana@LaEsquina.example", "password": "a long password"}

VACANCY = {"title": "Cocinero de línea", "description": "Preparar platos calientes en un restaurante.",
           "language": "es",
           "occupation": "", "required_skills": "", "nice_skills": "", "language_1-code": "es",
           "language_1-min_level": "B1", "language_2-code": "", "language_2-min_level": "", "country": "CO",
           "city": "Bogotá", "openings": "2", "pay-amount": "900000", "pay-currency": "COP", "pay-period": "month",
           "hours_per_week": "44", "shifts": "", "contract_type": "permanent", "start_date": "", "closing_date": "",
           "benefits-social_security": "y"}


LINK = re.compile(r"https?://[^/\s]+(/signup/confirm/[A-Za-z0-9_-]+)")


def confirmation_path(mailer, to: str) -> str:
    """Return the path of the confirmation link in the last mail sent to ``to``."""
    mail = [m for m in mailer.sent if m.to == to.strip().lower()][-1]
    match = LINK.search(mail.text)
    assert match, mail.text
    return match.group(1)


def sign_up(client, mailer, **changes):
    """Sign up an employer through the pages: send the form, follow the mailed link, confirm; return the answer."""
    data = {**EMPLOYER, **changes}
    sent = submit(client, "/signup/employer", data)
    assert sent.status_code == 302 and sent.location.endswith("/signup/sent"), sent.get_data(as_text=True)
    return submit(client, confirmation_path(mailer, data["contact_email"]), {})


@pytest.fixture
def employer(visitor, mailer):
    """Sign up an employer through the pages and return the signed-in client."""
    response = sign_up(visitor, mailer)
    assert response.status_code == 302, response.get_data(as_text=True)
    return visitor


COUNSELLOR_PASSWORD = "a counsellor's password"
CENTRE = Organisation("centre-cucuta", "Centro de orientación Cúcuta", "centre")
OTHER_CENTRE = Organisation("centre-lima", "Centro de orientación Lima", "centre")


def signed_in_as(app, email: str, role: str, org: Organisation, lang: str = "en"):
    """Create an account with ``role`` in ``org`` and return a client signed in with it."""
    app.extensions["puente.accounts"].ensure_user(email, COUNSELLOR_PASSWORD, role, org)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    response = submit(client, "/signin", {"email": email, "password": COUNSELLOR_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def counsellor(app):
    """A counsellor of the Cúcuta centre, signed in."""
    return signed_in_as(app, "orientacion@centro-cucuta.example", "counsellor", CENTRE)
