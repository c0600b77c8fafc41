"""Profiles under attack (issue 13): lost updates, repeated creates, hidden characters, impossible amounts."""

import threading

import pytest
from sqlalchemy import func, select

from services.profiles.adapters.sql import profiles_table
from services.profiles.adapters.taxonomy import TaxonomyCodeBook
from services.profiles.app import SERVICE, build_service
from shared.bus import InMemoryBus
from shared.idempotency import idempotency_table
from shared.service import build_container
from shared.settings import load_settings
from tests.unit.profiles.factories import NORMALIZER
from tests.unit.profiles.test_api import BODY


@pytest.fixture
def app(tmp_path):
    container = build_container(SERVICE, load_settings({}, bus="memory", secret_key="k" * 40), bus=InMemoryBus(),
                                data_dir=tmp_path)
    app = SERVICE.create_app(container, profiles=build_service(container, codes=TaxonomyCodeBook(),
                                                                normalizer=NORMALIZER))
    app.container = container
    yield app
    container.engine.dispose()


def auth(app, org="centre-lima", lang="en", **extra):
    token = app.container.issuer.issue("u-" + org, "counsellor", org)
    return {"Authorization": f"Bearer {token}", "Accept-Language": lang, **extra}


def count(app, table=profiles_table) -> int:
    with app.container.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table))


def in_parallel(n, send):
    results, barrier = [], threading.Barrier(n)

    def run(i):
        barrier.wait()
        results.append(send(i))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_parallel_updates_with_the_same_if_match_let_exactly_one_through(app):
    created = app.test_client().post("/api/v1/profiles", json=BODY, headers=auth(app))
    url = f"/api/v1/profiles/{created.json['id']}"

    def send(i):
        body = {**BODY, "skills_text": f"Cocina, versión {i}"}
        response = app.test_client().put(url, json=body, headers=auth(app, **{"If-Match": '"1"'}))
        return response.status_code, response.headers.get("ETag")

    results = in_parallel(20, send)
    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [412] * 19, statuses
    assert {etag for status, etag in results if status == 412} == {'"2"'}
    read = app.test_client().get(url, headers=auth(app))
    assert read.headers["ETag"] == '"2"'


def test_fifty_parallel_creates_with_one_idempotency_key_register_the_person_once(app):
    def send(_i):
        response = app.test_client().post("/api/v1/profiles", json=BODY, headers=auth(app, **{
            "Idempotency-Key": "import-2026-03-10-row-7"}))
        return response.status_code, response.headers.get("Location")

    results = in_parallel(50, send)
    assert count(app) == 1
    assert {status for status, _ in results} <= {201, 409}
    assert len({location for status, location in results if status == 201}) == 1


def test_erasing_a_person_also_erases_the_stored_reply_to_their_creation(app):
    client = app.test_client()
    created = client.post("/api/v1/profiles", json=BODY, headers=auth(app, **{"Idempotency-Key": "k-1"}))
    assert count(app, idempotency_table) == 1
    assert client.delete(f"/api/v1/profiles/{created.json['id']}", headers=auth(app)).status_code == 204
    assert count(app, idempotency_table) == 0


@pytest.mark.parametrize(("pointer", "identity"), [
    ("/identity/given_names", {"given_names": "   "}),
    ("/identity/family_names", {"family_names": "\u00a0\t"}),
    ("/identity/given_names", {"given_names": "Yen\u202eny"}),
    ("/identity/family_names", {"family_names": "Sala\u200bzar"}),
    ("/identity/documents/0/number", {"documents": [{"type": "passport", "number": "AB\u2066123456",
                                                     "country": "VE"}]}),
    ("/identity/documents/0/number", {"documents": [{"type": "passport", "number": "  ", "country": "VE"}]}),
])
def test_blank_names_and_hidden_characters_in_names_and_document_numbers_are_refused(app, pointer, identity):
    body = {**BODY, "identity": {**BODY["identity"], **identity}}
    response = app.test_client().post("/api/v1/profiles", json=body, headers=auth(app))
    assert response.status_code == 422 and pointer in {e["pointer"] for e in response.json["errors"]}
    assert count(app) == 0


def test_names_are_stored_without_surrounding_spaces(app):
    body = {**BODY, "identity": {**BODY["identity"], "given_names": "  Yenny  "}}
    created = app.test_client().post("/api/v1/profiles", json=body, headers=auth(app))
    assert created.status_code == 201 and created.json["identity"]["given_names"] == "Yenny"


@pytest.mark.parametrize(("pointer", "pay"), [
    ("/pay_expectation/amount", {"amount": 1e308, "currency": "PEN", "period": "month"}),
    ("/pay_expectation/currency", {"amount": 1500, "currency": "XYZ", "period": "month"}),
])
def test_an_impossible_amount_or_an_unknown_currency_is_refused(app, pointer, pay):
    response = app.test_client().post("/api/v1/profiles", json={**BODY, "pay_expectation": pay},
                                      headers=auth(app))
    assert response.status_code == 422 and [e["pointer"] for e in response.json["errors"]] == [pointer]
