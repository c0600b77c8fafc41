"""The portal's HTTP app: identity for people and machine clients."""

from flask import Flask, g
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from shared.auth import ROLES, create_api_key, requires, verify_api_key
from shared.service import Container, base_app

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


def create_app(container: Container) -> Flask:
    """Create the portal app from its adapters."""
    app, api = base_app(container)
    api.register_blueprint(auth)
    return app
