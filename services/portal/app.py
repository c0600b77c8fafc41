"""The portal's composition root: identity for people and machine clients, and the server-rendered pages."""

import hashlib
import hmac
import secrets
from pathlib import Path

from flask import Flask, request
from flask_babel import Babel
from werkzeug.security import check_password_hash, generate_password_hash

from services.portal.accounts import Accounts
from services.portal.adapters.credentials import CredentialsClient
from services.portal.adapters.http import HttpTransport, WsgiTransport
from services.portal.adapters.mail import LogMailer, SmtpMailer
from services.portal.adapters.matching import MatchingClient
from services.portal.adapters.messaging import LogMessenger
from services.portal.adapters.profiles import ProfilesClient
from services.portal.adapters.sql import SqlAccountStore, SqlFailureStore, SqlNoticeSettingsStore, SqlSavedSearchStore
from services.portal.adapters.vacancies import VacanciesClient
from services.portal.alerts import AlertRunner
from services.portal.api import auth
from services.portal.notifications import Notifier
from services.portal.ports import (
    CredentialsPort,
    Mailer,
    MatchingPort,
    Messenger,
    ProfilesPort,
    ServiceUnavailable,
    VacanciesPort,
)
from services.portal.throttle import SignInThrottle, SignUpThrottle
from services.portal.web import select_locale, web
from services.portal.workspace.employer import candidates_pages
from services.portal.workspace.intake import intake
from services.portal.workspace.lists import lists, tell_person_of_matches
from services.portal.workspace.people import workspace
from shared.i18n import TRANSLATIONS_DIR
from shared.service import Container, ServiceDefinition, StartupError, base_app

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class _LocalTransport:
    """Reaches another service's app in the embedded mode, which is wired in after the portal's app is built."""

    def __init__(self, container: Container, name: str):
        self.container, self.name, self._inner = container, name, None

    def __call__(self, *args):
        if self._inner is None:
            app = self.container.extras.get("local_apps", {}).get(self.name)
            if app is None:
                raise ServiceUnavailable(f"PUENTE_SERVICE_URLS names no {self.name} service")
            self._inner = WsgiTransport(app)
        return self._inner(*args)


def vacancies_client(container: Container) -> VacanciesPort:
    """Return the vacancies client: a fake a test put in, HTTP to the configured URL, or the app in this process."""
    if "vacancies_client" in container.extras:
        return container.extras["vacancies_client"]
    url = container.settings.service_url("vacancies")
    return VacanciesClient(HttpTransport(url) if url else _LocalTransport(container, "vacancies"))


def matching_client(container: Container) -> MatchingPort:
    """Return the matching client: a fake a test put in, HTTP to the configured URL, or the app in this process."""
    if "matching_client" in container.extras:
        return container.extras["matching_client"]
    url = container.settings.service_url("matching")
    # A short timeout: the counts only decorate the list, which must not wait long for them.
    return MatchingClient(HttpTransport(url, timeout_s=3.0) if url else _LocalTransport(container, "matching"))


def mailer(container: Container) -> Mailer:
    """Return the mail sender: a fake a test put in, SMTP when PUENTE_SMTP_URL is set, else the log (not in
    production, where sign-ups could not be confirmed)."""
    if "mailer" in container.extras:
        return container.extras["mailer"]
    settings = container.settings
    if settings.smtp_url:
        return SmtpMailer(settings.smtp_url, settings.mail_from)
    if settings.env == "production":
        raise StartupError("PUENTE_SMTP_URL", "is required for the portal in production: sign-ups are confirmed "
                                              "by e-mail")
    return LogMailer()


def messenger(container: Container) -> Messenger:
    """Return the message sender: a fake a test put in, else the log (Puente has no WhatsApp provider yet; in
    production the log gets no person's text)."""
    if "messenger" in container.extras:
        return container.extras["messenger"]
    return LogMessenger(show_text=container.settings.env != "production")


def profiles_client(container: Container) -> ProfilesPort:
    """Return the profiles client: a fake a test put in, HTTP to the configured URL, or the app in this process."""
    if "profiles_client" in container.extras:
        return container.extras["profiles_client"]
    url = container.settings.service_url("profiles")
    return ProfilesClient(HttpTransport(url) if url else _LocalTransport(container, "profiles"))


def credentials_client(container: Container) -> CredentialsPort:
    """Return the credentials client: a fake a test put in, HTTP to the configured URL, or the app in this process."""
    if "credentials_client" in container.extras:
        return container.extras["credentials_client"]
    url = container.settings.service_url("credentials")
    return CredentialsClient(HttpTransport(url) if url else _LocalTransport(container, "credentials"))


PAGE_BLUEPRINTS = ("web", "workspace", "intake", "candidates", "lists")


def cookie_key(container: Container, store: SqlAccountStore) -> str:
    """Return the key that signs the portal's cookies: derived from the secret key, else kept in the database."""
    if container.settings.secret_key:
        return hmac.new(container.settings.secret_key.encode(), b"puente-portal-cookies", hashlib.sha256).hexdigest()
    return store.signing_key(lambda: secrets.token_urlsafe(48))


def create_app(container: Container) -> Flask:
    """Create the portal app from its adapters."""
    app, api = base_app(container)
    api.register_blueprint(auth)
    store = SqlAccountStore(container.sessions)
    app.config.update(
        SECRET_KEY=cookie_key(container, store),
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=container.settings.env == "production",
        SESSION_COOKIE_NAME="puente_session",
    )
    attempts = SqlFailureStore(container.sessions)
    app.extensions["puente.accounts"] = Accounts(store, generate_password_hash, check_password_hash,
                                                 throttle=SignInThrottle(attempts),
                                                 signup_throttle=SignUpThrottle(attempts))
    app.extensions["puente.mailer"] = mailer(container)
    app.extensions["puente.vacancies"] = vacancies_client(container)
    app.extensions["puente.matching"] = matching_client(container)
    app.extensions["puente.profiles"] = profiles_client(container)
    app.extensions["puente.credentials"] = credentials_client(container)
    app.extensions["puente.notifier"] = Notifier(app.extensions["puente.mailer"], messenger(container))
    app.extensions["puente.searches"] = container.extras.get("saved_searches") or SqlSavedSearchStore(
        container.sessions)
    app.extensions["puente.notice_settings"] = SqlNoticeSettingsStore(container.sessions)
    app.extensions["puente.alerts"] = AlertRunner(
        app.extensions["puente.searches"], store.user, container.issuer.issue, app.extensions["puente.matching"],
        app.extensions["puente.vacancies"], app.extensions["puente.profiles"],
        lambda profile, jobs, org: tell_person_of_matches(app, profile, jobs, org))
    Babel(app, locale_selector=select_locale, default_translation_directories=str(TRANSLATIONS_DIR))
    app.register_blueprint(web)
    app.register_blueprint(workspace)
    app.register_blueprint(intake)
    app.register_blueprint(candidates_pages)
    app.register_blueprint(lists)

    @app.after_request
    def _page_headers(response):
        if request.blueprint in PAGE_BLUEPRINTS and response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app


def _demo(container: Container) -> int:
    """Load the demo data (imported late: the demo builds on this composition root)."""
    from services.portal.demo import load_demo

    return load_demo(container)


SERVICE = ServiceDefinition(name="portal", create_app=create_app, owns_api_keys=True, paths=("/api/v1/auth",),
                            demo=_demo, migrations=MIGRATIONS)
