"""Authentication and roles: signed bearer tokens and hashed API keys; one helper every service uses.

Bearer tokens are HS256 JWTs carrying ``role`` and ``org``. API keys are for machine clients
(ministries' systems): ``puente_<key id>_<secret>``; only a SHA-256 of the secret is stored (the secret
is 256 random bits, so a slow password hash buys nothing), and the plain key is shown once.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import jwt
from sqlalchemy import Column, MetaData, String, Table, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from shared.db import UtcDateTime
from shared.i18n import N_

ROLES = ("employer", "counsellor", "ministry", "admin")
ISSUER = "puente"


class _Refusal(Exception):
    """A refusal whose text is a msgid of the shared catalogue, said in the reader's language by the HTTP layer."""

    def __init__(self, message: str, **params: str):
        self.message, self.params = message, params
        super().__init__(message % params if params else message)


class AuthError(_Refusal):
    """Raised for missing or invalid credentials (HTTP 401)."""


class Forbidden(_Refusal):
    """Raised when valid credentials lack the role or organisation needed (HTTP 403)."""


ROLE_NOT_ALLOWED = N_("The role %(role)s may not do this; it needs one of: %(roles)s.")
OTHER_ORG = N_("This belongs to another organisation.")
TOKEN_EXPIRED = N_("The token has expired.")
INVALID_TOKEN = N_("The token is not valid.")
KEY_MALFORMED = N_("The API key is malformed.")
KEY_INVALID = N_("The API key is not valid.")
CREDENTIALS_REQUIRED = N_("Credentials are required: send 'Authorization: Bearer <token>'.")
SCHEME_UNSUPPORTED = N_("Unsupported Authorization scheme; use Bearer.")


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user or a machine client, with one role in one organisation."""

    subject: str
    role: str
    org: str
    via: str = "token"

    def require(self, *roles: str, org: str | None = None) -> None:
        """Raise Forbidden unless this principal has one of ``roles`` (and belongs to ``org``, if given)."""
        if roles and self.role not in roles:
            raise Forbidden(ROLE_NOT_ALLOWED, role=self.role, roles=", ".join(roles))
        if org is not None and self.org != org and self.role != "admin":
            raise Forbidden(OTHER_ORG)


class TokenIssuer:
    """Issues and verifies signed bearer tokens."""

    def __init__(self, secret: str, ttl_s: int = 3600, issuer: str = ISSUER, clock=lambda: datetime.now(UTC)):
        if len(secret) < 32:
            raise ValueError("the signing secret must be at least 32 characters")
        self._secret, self.ttl_s, self.issuer, self._clock = secret, ttl_s, issuer, clock

    def issue(self, subject: str, role: str, org: str, ttl_s: int | None = None) -> str:
        """Return a token for ``subject`` acting as ``role`` in ``org``."""
        if role not in ROLES:
            raise ValueError(f"unknown role '{role}'; roles are {', '.join(ROLES)}")
        now = self._clock()
        claims = {"iss": self.issuer, "sub": subject, "role": role, "org": org, "iat": now,
                  "exp": now + timedelta(seconds=ttl_s or self.ttl_s), "jti": secrets.token_hex(8)}
        return jwt.encode(claims, self._secret, algorithm="HS256")

    def verify(self, token: str) -> Principal:
        """Return the principal of a valid token, or raise AuthError."""
        try:
            claims = jwt.decode(token, self._secret, algorithms=["HS256"], issuer=self.issuer,
                                options={"require": ["exp", "sub", "iss"]})
        except jwt.ExpiredSignatureError:
            raise AuthError(TOKEN_EXPIRED) from None
        except jwt.InvalidTokenError:
            # Never the decoder's own words: they describe the token's insides to whoever forged it.
            raise AuthError(INVALID_TOKEN) from None
        if claims.get("role") not in ROLES or not claims.get("org"):
            raise AuthError(INVALID_TOKEN)
        return Principal(claims["sub"], claims["role"], claims["org"])


# -- API keys ------------------------------------------------------------------------------------
auth_metadata = MetaData()
api_keys_table = Table(
    "api_keys", auth_metadata,
    Column("key_id", String(32), primary_key=True),
    Column("secret_hash", String(64), nullable=False),
    Column("role", String(20), nullable=False),
    Column("org", String(64), nullable=False),
    Column("label", String(200), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime(), nullable=True),
)


@dataclass(frozen=True)
class ApiKeyRecord:
    """A stored API key, without its secret."""

    key_id: str
    secret_hash: str
    role: str
    org: str
    label: str
    revoked: bool = False


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class InMemoryApiKeyStore:
    """API keys in a dictionary."""

    def __init__(self):
        self._keys: dict[str, ApiKeyRecord] = {}
        self._lock = threading.Lock()

    def add(self, record: ApiKeyRecord) -> None:
        """Store a key record."""
        with self._lock:
            self._keys[record.key_id] = record

    def get(self, key_id: str) -> ApiKeyRecord | None:
        """Return a key record by id."""
        return self._keys.get(key_id)

    def revoke(self, key_id: str) -> bool:
        """Revoke a key; return whether it existed."""
        with self._lock:
            rec = self._keys.get(key_id)
            if rec:
                self._keys[key_id] = ApiKeyRecord(**{**rec.__dict__, "revoked": True})
            return rec is not None


class SqlApiKeyStore:
    """API keys in the identity owner's database."""

    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions

    def add(self, record: ApiKeyRecord) -> None:
        """Store a key record."""
        with self.sessions() as s, s.begin():
            s.execute(insert(api_keys_table).values(
                key_id=record.key_id, secret_hash=record.secret_hash, role=record.role, org=record.org,
                label=record.label, created_at=datetime.now(UTC)))

    def get(self, key_id: str) -> ApiKeyRecord | None:
        """Return a key record by id."""
        with self.sessions() as s:
            row = s.execute(select(api_keys_table).where(api_keys_table.c.key_id == key_id)).mappings().first()
        if row is None:
            return None
        return ApiKeyRecord(row["key_id"], row["secret_hash"], row["role"], row["org"], row["label"],
                            row["revoked_at"] is not None)

    def revoke(self, key_id: str) -> bool:
        """Revoke a key; return whether it existed."""
        with self.sessions() as s, s.begin():
            res = s.execute(update(api_keys_table).where(api_keys_table.c.key_id == key_id)
                            .values(revoked_at=datetime.now(UTC)))
            return res.rowcount > 0


def create_api_key(store, role: str, org: str, label: str) -> str:
    """Create a key for a machine client and return it in plain text; this is the only time it is shown."""
    if role not in ROLES:
        raise ValueError(f"unknown role '{role}'; roles are {', '.join(ROLES)}")
    key_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    store.add(ApiKeyRecord(key_id, _hash(secret), role, org, label))
    return f"puente_{key_id}_{secret}"


def verify_api_key(store, plain: str) -> Principal:
    """Return the principal of a valid, unrevoked key, or raise AuthError."""
    prefix, _, rest = plain.partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != "puente" or not key_id or not secret:
        raise AuthError(KEY_MALFORMED)
    record = store.get(key_id)
    if record is None or record.revoked or not hmac.compare_digest(record.secret_hash, _hash(secret)):
        raise AuthError(KEY_INVALID)
    return Principal(f"apikey:{key_id}", record.role, record.org, via="api_key")


@dataclass
class Authenticator:
    """Turns an HTTP Authorization header into a Principal, for every service alike."""

    issuer: TokenIssuer
    api_keys: object | None = None  # an API-key store, where this service owns one
    public_paths: Iterable[str] = field(default_factory=tuple)

    def authenticate(self, authorization: str | None, api_key: str | None = None) -> Principal:
        """Return the caller's principal, or raise AuthError."""
        if api_key and self.api_keys is not None:
            return verify_api_key(self.api_keys, api_key)
        if not authorization:
            raise AuthError(CREDENTIALS_REQUIRED)
        scheme, _, credentials = authorization.partition(" ")
        if scheme.lower() == "bearer" and credentials:
            return self.issuer.verify(credentials.strip())
        if scheme.lower() == "apikey" and credentials and self.api_keys is not None:
            return verify_api_key(self.api_keys, credentials.strip())
        raise AuthError(SCHEME_UNSUPPORTED)


def current_principal() -> Principal:
    """Return the caller of the Flask request in progress (authenticated once per request), or raise AuthError."""
    from flask import current_app, g, request

    if g.get("principal") is None:
        authenticator: Authenticator = current_app.extensions["puente.auth"]
        g.principal = authenticator.authenticate(request.headers.get("Authorization"),
                                                 request.headers.get("X-API-Key"))
    return g.principal


def requires(*roles: str) -> Callable:
    """Decorate a Flask view so only callers with one of ``roles`` reach it; the principal is ``g.principal``."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            current_principal().require(*roles)
            return view(*args, **kwargs)

        wrapper._puente_roles = roles  # read by the OpenAPI security documentation
        return wrapper

    return decorator
