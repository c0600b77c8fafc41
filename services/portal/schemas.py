"""Request and response schemas of the portal's identity API (tokens and API keys)."""

from marshmallow import Schema, fields, validate

from shared.auth import ROLES


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
