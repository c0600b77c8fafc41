from datetime import UTC, datetime, timedelta

import pytest

from shared.auth import (
    AuthError,
    Forbidden,
    InMemoryApiKeyStore,
    Principal,
    TokenIssuer,
    create_api_key,
    verify_api_key,
)

SECRET = "s" * 40


def test_a_token_carries_role_and_organisation():
    issuer = TokenIssuer(SECRET)
    principal = issuer.verify(issuer.issue("ana", "counsellor", "centre-cucuta"))
    assert principal == Principal("ana", "counsellor", "centre-cucuta", "token")


def test_expired_tampered_or_foreign_tokens_are_refused():
    past = TokenIssuer(SECRET, clock=lambda: datetime.now(UTC) - timedelta(hours=3))
    with pytest.raises(AuthError, match="expired"):
        TokenIssuer(SECRET).verify(past.issue("ana", "employer", "o1"))
    token = TokenIssuer(SECRET).issue("ana", "employer", "o1")
    with pytest.raises(AuthError):
        TokenIssuer(SECRET).verify(token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    with pytest.raises(AuthError):
        TokenIssuer("t" * 40).verify(token)


def test_a_short_signing_secret_is_refused():
    with pytest.raises(ValueError):
        TokenIssuer("short")


def test_roles_and_organisations_are_enforced():
    employer = Principal("e", "employer", "org-1")
    employer.require("employer", org="org-1")
    with pytest.raises(Forbidden):
        employer.require("counsellor")
    with pytest.raises(Forbidden):
        employer.require("employer", org="org-2")
    Principal("a", "admin", "puente").require("admin", org="org-2")  # admins cross organisations


def test_api_keys_are_stored_hashed_shown_once_and_revocable():
    store = InMemoryApiKeyStore()
    key = create_api_key(store, "ministry", "mtpe-pe", "job board feed")
    key_id = key.split("_")[1]
    assert key.split("_", 2)[2] not in store.get(key_id).secret_hash
    assert verify_api_key(store, key).role == "ministry"
    with pytest.raises(AuthError):
        verify_api_key(store, key[:-1] + ("x" if key[-1] != "x" else "y"))
    store.revoke(key_id)
    with pytest.raises(AuthError):
        verify_api_key(store, key)
