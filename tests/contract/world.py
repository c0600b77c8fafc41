"""A small Puente with demo-like data, for the contract tests that call every operation: the authorisation matrix
and the fuzzer.

Every service runs embedded in this process (SQLite files, the in-process bus, relays and consumers on threads).
Two employers (one owning a published and a held vacancy), two orientation centres (one owning a profile, a
credential and a placement), a ministry whose API key was exchanged for a token, and an administrator.
"""

from __future__ import annotations

import base64
import json
import re
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
from werkzeug.test import Client

from services.embedded import Embedded, build_embedded
from services.portal.accounts import Organisation
from shared.auth import TokenIssuer
from shared.settings import load_settings

SECRET = "contract-tests-only-" + "s" * 24
PASSWORD = "a long password for tests"

# The roles of the matrix's columns, each with the organisation it acts for.
EMPLOYER, OTHER_EMPLOYER = "emp-andina", "emp-miraflores"
CENTRE, OTHER_CENTRE = "centre-lima", "centre-cucuta"
MINISTRY, PLATFORM = "mtpe-peru", "puente"
PRINCIPALS = {
    "employer": ("employer", EMPLOYER),
    "other_employer": ("employer", OTHER_EMPLOYER),
    "counsellor": ("counsellor", CENTRE),
    "other_centre": ("counsellor", OTHER_CENTRE),
    "ministry": ("ministry", MINISTRY),
    "admin": ("admin", PLATFORM),
}
FORGED = ("alg_none", "tampered", "foreign_key", "expired")
SESSION_COOKIE = "puente_session"

VACANCY = {"title": "Cocinero de línea", "language": "es", "country": "PE", "city": "Lima", "occupation": "5120",
           "description": "Preparar platos calientes en un restaurante; contrato con todos los beneficios de ley.",
           "openings": 2, "pay": {"amount": 1800, "currency": "PEN", "period": "month"}, "hours_per_week": 44,
           "contract_type": "permanent", "languages": [{"code": "es", "min_level": "B1"}],
           "benefits": {"social_security": True}}
HELD_VACANCY = {**VACANCY, "title": "Ayudante de cocina", "pay": {"amount": 300, "currency": "PEN", "period": "month"}}
PROFILE = {
    "identity": {"given_names": "Yenny", "family_names": "Salazar", "date_of_birth": "1991-08-30",
                 "phone": "987 654 321"},
    "location": {"country": "PE", "city": "Lima"},
    "languages": [{"code": "es", "level": "native"}],
    "work_authorizations": [{"country": "PE", "status": "permit", "permit_type": "PTP"}],
    "skills_text": "Cocina criolla", "skills": ["S3001"], "desired_occupations": ["5120"], "text_language": "es",
    "consents": {"matching": True, "introductions": True, "statistics": True},
}
CREDENTIAL = {"title": "Técnico en Cocina", "level": 5, "orientation": "vocational", "field": "1013", "country": "VE",
              "institution": "INCES", "year": 2015, "documents": ["original"]}
EMPLOYER_RECORD = {"name": "Constructora Andina", "tax_id": "20123456789", "country": "PE", "sector": "construction",
                   "contact_email": "rrhh@andina.example"}


@dataclass
class World:
    """The running Puente, the callers' credentials and the ids of what they own."""

    embedded: Embedded
    issuer: TokenIssuer
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    api_key: str = ""
    browsers: dict[str, Client] = field(default_factory=dict)

    @property
    def client(self) -> Client:
        """Return a client without cookies."""
        return Client(self.embedded.wsgi)

    def bearer(self, role: str) -> dict[str, str]:
        """Return the Authorization header of a matrix role (none for anonymous)."""
        if role == "anonymous":
            return {}
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def call(self, role: str, method: str, path: str, **kwargs):
        """Send one request as ``role`` and return the response."""
        headers = {**self.bearer(role), **kwargs.pop("headers", {})}
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def ok(self, role: str, method: str, path: str, **kwargs) -> dict:
        """Send a request that must succeed and return its JSON."""
        response = self.call(role, method, path, **kwargs)
        assert response.status_code < 300, (method, path, response.status_code, response.get_data(as_text=True))
        return response.json if response.is_json else {}

    def settle(self, timeout_s: float = 30.0) -> None:
        """Wait until every consumer has applied every event published so far."""
        deadline, quiet = time.monotonic() + timeout_s, 0
        while quiet < 3:
            assert time.monotonic() < deadline, "the consumers did not catch up"
            behind = any(self.embedded.backlog(s) for s in ("profiles", "credentials", "matching", "insights"))
            quiet = 0 if behind else quiet + 1
            time.sleep(0.05)

    # -- fresh things an operation changes or destroys, so each cell starts from the same state ---------------
    def new_vacancy(self, body: dict | None = None, role: str = "employer") -> str:
        """Post a vacancy as ``role`` and return its id."""
        return self.ok(role, "POST", "/api/v1/vacancies", json=body or VACANCY)["id"]

    def new_profile(self, given_names: str = "Ana María") -> str:
        """Register a person at the counsellor's centre and return the profile's id."""
        body = {**PROFILE, "identity": {**PROFILE["identity"], "given_names": given_names,
                                        "phone": None, "date_of_birth": None}}
        return self.ok("counsellor", "POST", "/api/v1/profiles", json=body)["id"]

    def new_credential(self) -> str:
        """Declare a credential for the centre's person and return its id."""
        return self.ok("counsellor", "POST", "/api/v1/credentials",
                       json={**CREDENTIAL, "profile_id": self.ids["profile"]})["id"]

    def new_placement(self) -> str:
        """Put a new person of the centre forward for the employer's vacancy and return the placement's id."""
        profile = self.new_profile("Rosa")
        return self.ok("counsellor", "POST", "/api/v1/placements",
                       json={"profile_id": profile, "vacancy_id": self.ids["vacancy"]})["id"]

    def browser(self, role: str) -> Client:
        """Return a browser signed in to the portal as ``role`` (anonymous: not signed in; forged: carrying the
        administrator's real session in a cookie signed with another key)."""
        if role not in self.browsers:
            client = Client(self.embedded.wsgi)
            if role == "forged":
                client.set_cookie(SESSION_COOKIE, forged_session(self.browser("admin")))
            elif role != "anonymous":
                page = client.get("/signin").get_data(as_text=True)
                response = client.post("/signin", data={"csrf_token": csrf_token(page), "email": email_of(role),
                                                        "password": PASSWORD})
                assert response.status_code == 302, response.get_data(as_text=True)[:500]
            self.browsers[role] = client
        return self.browsers[role]

    def page_csrf(self, role: str) -> str:
        """Return a CSRF token of ``role``'s browser session, as a form on a page holds it."""
        return csrf_token(self.browser(role).get("/signin").get_data(as_text=True))


def csrf_token(html: str) -> str:
    """Return the CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def forged_session(admin: Client) -> str:
    """Return the administrator's session cookie, what it holds unchanged, signed with a key not the portal's."""
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface

    value = admin.get_cookie(SESSION_COOKIE).value
    compressed = value.startswith(".")
    data = value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    held = json.loads(zlib.decompress(raw) if compressed else raw)
    forger = Flask("forger")
    forger.secret_key = "not-the-portal-key-" + "x" * 24
    return SecureCookieSessionInterface().get_signing_serializer(forger).dumps(held)


def email_of(role: str) -> str:
    """Return the portal account of a matrix role."""
    return f"{role.replace('_', '-')}@contract.example"


def forged_tokens(world: World) -> dict[str, str]:
    """Return tokens that must never pass: unsigned, altered, signed with another key, expired (all claim admin)."""
    now = datetime.now(UTC)
    claims = {"iss": "puente", "sub": "mallory", "role": "admin", "org": PLATFORM, "iat": now,
              "exp": now + timedelta(hours=1)}
    real = world.issuer.issue("mallory", "employer", OTHER_EMPLOYER)
    header, _payload, signature = real.split(".")
    altered = jwt.encode(claims, "x" * 40, algorithm="HS256").split(".")[1]
    return {
        "alg_none": jwt.encode(claims, None, algorithm="none"),
        "tampered": f"{header}.{altered}.{signature}",
        "foreign_key": TokenIssuer("another-installation-" + "k" * 24).issue("mallory", "admin", PLATFORM),
        "expired": TokenIssuer(SECRET, clock=lambda: now - timedelta(days=1)).issue("mallory", "admin", PLATFORM),
    }


def build_world(data_dir: Path) -> World:
    """Start an embedded Puente in ``data_dir`` and fill it with the data the contract tests call on."""
    settings = load_settings({"PUENTE_MATCHING_ENCODER": "hashing"}, bus="memory", secret_key=SECRET)
    embedded = build_embedded(settings, data_dir)
    embedded.start_background()
    portal = embedded.containers["portal"]
    world = World(embedded, portal.issuer)
    for role, (kind, org) in PRINCIPALS.items():
        if kind != "ministry":
            world.tokens[role] = world.issuer.issue(f"user-{role}", kind, org)
    world.tokens.update(forged_tokens(world))

    # The ministry's system: an admin makes its API key, which it exchanges for a token.
    world.api_key = world.ok("admin", "POST", "/api/v1/auth/api-keys",
                             json={"role": "ministry", "org": MINISTRY, "label": "job bank feed"})["api_key"]
    world.tokens["ministry"] = world.ok("anonymous", "POST", "/api/v1/auth/token",
                                        json={"api_key": world.api_key})["access_token"]

    # People's portal accounts, one per role.
    accounts = portal.extras.get("accounts") or _accounts(embedded)
    for role, (kind, org) in PRINCIPALS.items():
        accounts.ensure_user(email_of(role), PASSWORD, kind, Organisation(org, org.replace("-", " ").title(),
                                                                          "centre" if kind == "counsellor" else kind))

    world.ok("employer", "POST", "/api/v1/employers", json=EMPLOYER_RECORD)
    world.ids["vacancy"] = world.new_vacancy()
    world.ids["held_vacancy"] = world.new_vacancy(HELD_VACANCY)
    world.ids["ministry_vacancy"] = world.new_vacancy(role="ministry")
    world.ids["profile"] = world.ok("counsellor", "POST", "/api/v1/profiles", json=PROFILE)["id"]
    world.settle()
    world.ids["credential"] = world.new_credential()
    world.ids["placement"] = world.ok("counsellor", "POST", "/api/v1/placements", json={
        "profile_id": world.ids["profile"], "vacancy_id": world.ids["vacancy"]})["id"]
    world.ids["introduced"] = world.new_profile("Marta")
    world.ok("counsellor", "POST", "/api/v1/introductions", json={
        "profile_id": world.ids["introduced"], "vacancy_id": world.ids["vacancy"],
        "consent": {"given": True, "language": "es", "read_aloud": True}})
    world.ids["request"] = world.ok("employer", "POST", "/api/v1/introduction-requests", json={
        "vacancy_id": world.ids["vacancy"], "candidate": world.ids["profile"]})["id"]
    world.settle()
    return world


def _accounts(embedded: Embedded):
    from werkzeug.security import check_password_hash, generate_password_hash

    from services.portal.accounts import Accounts
    from services.portal.adapters.sql import SqlAccountStore

    return Accounts(SqlAccountStore(embedded.containers["portal"].sessions), generate_password_hash,
                    check_password_hash)
