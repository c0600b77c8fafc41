"""The portal's HTTP app: identity for people and machine clients, and the server-rendered pages."""

import hashlib
import hmac
import secrets
from pathlib import Path

from flask import Flask, g, request
from flask_babel import Babel
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from werkzeug.security import check_password_hash, generate_password_hash

from services.portal.accounts import Accounts
from services.portal.matching_client import MatchingClient, MatchingPort
from services.portal.stores import SqlAccountStore, SqlFailureStore
from services.portal.throttle import SignInThrottle
from services.portal.vacancies_client import (
    HttpTransport,
    ServiceUnavailable,
    VacanciesClient,
    VacanciesPort,
    WsgiTransport,
)
from services.portal.web import select_locale, web
from shared.auth import ROLES, create_api_key, requires, verify_api_key
from shared.i18n import TRANSLATIONS_DIR
from shared.service import Container, ServiceDefinition, base_app

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

HERE = Path(__file__).resolve().parent
auth = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Tokens and API keys")


class TokenRequest(Schema):
    api_key = fields.String(required=True, validate=validate.Length(min=10, max=200),
                            metadata={"description": "A machine client's API key"})


class TokenResponse(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True)


class Whoami(Schema):
    subject = fields.String(required=True)
    role = fields.String(required=True)
    org = fields.String(required=True)
    via = fields.String(required=True)


class ApiKeyRequest(Schema):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    org = fields.String(required=True, validate=validate.Length(min=1, max=64))
    label = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ApiKeyCreated(Schema):
    api_key = fields.String(required=True, metadata={"description": "Shown once; store it now"})
    role = fields.String(required=True)
    org = fields.String(required=True)
    label = fields.String(required=True)


@auth.post("/token")
@auth.arguments(TokenRequest)
@auth.response(200, TokenResponse)
def token(body):
    """Exchange a machine client's API key for a short-lived bearer token."""
    container: Container = auth_container()
    store = container.authenticator.api_keys
    principal = verify_api_key(store, body["api_key"])  # AuthError -> 401 problem+json
    ttl = container.settings.token_ttl_s
    return {"access_token": container.issuer.issue(principal.subject, principal.role, principal.org, ttl),
            "token_type": "Bearer", "expires_in": ttl}


@auth.get("/whoami")
@auth.response(200, Whoami)
@auth.doc(security=[{"bearerAuth": []}])
@requires()
def whoami():
    """Return who the credentials belong to."""
    return g.principal.__dict__


@auth.post("/api-keys")
@auth.arguments(ApiKeyRequest)
@auth.response(201, ApiKeyCreated)
@auth.doc(security=[{"bearerAuth": []}])
@requires("admin")
def new_api_key(body):
    """Create an API key for a machine client (admins only); the key is shown only in this response."""
    key = create_api_key(auth_container().authenticator.api_keys, body["role"], body["org"], body["label"])
    return {**body, "api_key": key}


def auth_container() -> Container:
    """Return the portal's container from the running app."""
    from flask import current_app

    return current_app.extensions["puente.container"]


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
    app.extensions["puente.accounts"] = Accounts(store, generate_password_hash, check_password_hash,
                                                 throttle=SignInThrottle(SqlFailureStore(container.sessions)))
    app.extensions["puente.vacancies"] = vacancies_client(container)
    app.extensions["puente.matching"] = matching_client(container)
    Babel(app, locale_selector=select_locale, default_translation_directories=str(TRANSLATIONS_DIR))
    app.register_blueprint(web)

    @app.after_request
    def _page_headers(response):
        if request.blueprint == "web" and response.mimetype == "text/html":
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
