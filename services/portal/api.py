"""The portal's identity API: API keys for machine clients, short-lived tokens, and who am I."""

from flask import current_app, g
from flask_smorest import Blueprint

from services.portal.schemas import ApiKeyCreated, ApiKeyRequest, TokenRequest, TokenResponse, Whoami
from shared.auth import create_api_key, requires, verify_api_key
from shared.service import Container

auth = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Tokens and API keys")


def auth_container() -> Container:
    """Return the portal's container from the running app."""
    return current_app.extensions["puente.container"]


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
