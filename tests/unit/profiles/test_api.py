"""The profiles REST API on a SQLite file: status codes, ETags, localised problems, redaction, warnings."""

import pytest
from sqlalchemy import func, select, text

from services.profiles.adapters.sql import profile_keys_table, profiles_table
from services.profiles.adapters.taxonomy import TaxonomyCodeBook
from services.profiles.app import SERVICE, build_service
from shared.bus import InMemoryBus
from shared.service import build_container
from shared.settings import load_settings
from tests.unit.profiles.factories import NORMALIZER

BODY = {
    "identity": {"given_names": "Yenny", "family_names": "Salazar", "date_of_birth": "1991-08-30",
                 "phone": "987 654 321", "documents": [{"type": "passport", "number": "AB123456", "country": "VE"}]},
    "location": {"country": "PE", "city": "Lima"},
    "languages": [{"code": "es", "level": "native"}],
    "work_authorizations": [{"country": "PE", "status": "in_process", "permit_type": "PTP", "details": "cita 3/5"}],
    "skills_text": "Cocina criolla; llamar al 987654321", "skills": ["S3001"], "desired_occupations": ["5120"],
    "situation_notes": "Llegó hace dos meses", "text_language": "es",
    "consents": {"matching": True, "introductions": False, "statistics": True},
}


@pytest.fixture
def app(tmp_path):
    container = build_container(SERVICE, load_settings({}, bus="memory", secret_key="k" * 40), bus=InMemoryBus(),
                                data_dir=tmp_path)
    app = SERVICE.create_app(container, profiles=build_service(container, codes=TaxonomyCodeBook(),
                                                                normalizer=NORMALIZER))
    app.container = container
    yield app
    container.engine.dispose()


def auth(app, role="counsellor", org="centre-lima", lang="es"):
    return {"Authorization": "Bearer " + app.container.issuer.issue("u-" + org, role, org), "Accept-Language": lang}


def count(app, table):
    with app.container.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table))


def outbox_types(app):
    with app.container.engine.connect() as conn:
        return [r[0] for r in conn.execute(text("SELECT event_type FROM outbox ORDER BY id"))]


def test_a_counsellor_creates_reads_and_updates_a_profile_with_etags(app):
    client = app.test_client()
    created = client.post("/api/v1/profiles", json=BODY, headers=auth(app))
    assert created.status_code == 201, created.json
    pid = created.json["id"]
    assert created.headers["ETag"] == '"1"' and created.headers["Location"].endswith(pid)
    assert created.json["identity"]["phone"] == "+51987654321" and created.json["warnings"] == []
    read = client.get(f"/api/v1/profiles/{pid}", headers=auth(app))
    assert read.json["situation_notes"] == "Llegó hace dos meses" and read.json["redacted"] is False
    assert client.put(f"/api/v1/profiles/{pid}", json=BODY, headers=auth(app)).status_code == 428
    stale = client.put(f"/api/v1/profiles/{pid}", json=BODY, headers={**auth(app), "If-Match": '"9"'})
    assert stale.status_code == 412 and stale.headers["ETag"] == '"1"'
    ok = client.put(f"/api/v1/profiles/{pid}", json={**BODY, "availability": "later"},
                    headers={**auth(app), "If-Match": '"1"'})
    assert ok.status_code == 200 and ok.headers["ETag"] == '"2"' and ok.json["availability"] == "later"
    assert outbox_types(app) == ["org.puente.profile.published.v1"] * 2


def test_every_invalid_field_is_reported_in_the_readers_language_and_nothing_is_stored(app):
    client = app.test_client()
    body = {**BODY, "identity": {**BODY["identity"], "given_names": ""}, "availability": "someday",
            "consents": {"matching": True}}
    response = client.post("/api/v1/profiles", json=body, headers=auth(app, lang="pt-BR,pt;q=0.9"))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    errors = {e["pointer"]: e["reason"] for e in response.json["errors"]}
    assert errors["/identity/given_names"] == "O comprimento deve estar entre 1 e 120."
    assert errors["/consents/introductions"] == "Este campo é obrigatório."
    assert errors["/availability"].startswith("Deve ser um de:")
    assert response.headers["Content-Language"] == "pt"
    rules = client.post("/api/v1/profiles", json={**BODY, "skills": ["S9999"], "desired_occupations": ["9999"]},
                        headers=auth(app, lang="es"))
    assert rules.json["errors"] == [
        {"pointer": "/skills/0", "reason": "'S9999' no es una habilidad de la taxonomía."},
        {"pointer": "/desired_occupations/0", "reason": "'9999' no es un grupo primario de la CIUO-08."}]
    assert rules.json["title"] == "Datos no válidos"
    assert rules.json["detail"] == "Uno o más datos no son válidos; vea errors."
    assert rules.headers["Content-Language"] == "es"
    assert count(app, profiles_table) == 0 and outbox_types(app) == []


def test_an_if_match_naming_no_version_is_answered_as_before_404_for_no_profile_else_412_with_the_etag(app):
    client = app.test_client()
    pid = client.post("/api/v1/profiles", json=BODY, headers=auth(app)).json["id"]
    garbage = {**auth(app), "If-Match": '"abc"'}
    assert client.put("/api/v1/profiles/no-such-id", json=BODY, headers=garbage).status_code == 404
    stale = client.put(f"/api/v1/profiles/{pid}", json=BODY, headers=garbage)
    assert stale.status_code == 412 and stale.headers["ETag"] == '"1"'
    assert stale.json["detail"] == "El perfil cambió desde que lo leyó; vuelva a leerlo."
    missing = client.put(f"/api/v1/profiles/{pid}", json=BODY, headers=auth(app, lang="en"))
    assert missing.status_code == 428 and missing.json["title"] == "Precondition Required"


def test_a_tampered_cursor_is_refused_naming_the_cursor(app):
    response = app.test_client().get("/api/v1/profiles?cursor=not-a-cursor", headers=auth(app))
    assert response.status_code == 422 and response.json["errors"][0]["pointer"] == "/cursor"
    assert response.headers["Content-Language"] == "es"


def test_other_centres_get_404_admins_get_no_sensitive_fields_and_employers_get_403(app):
    client = app.test_client()
    pid = client.post("/api/v1/profiles", json=BODY, headers=auth(app)).json["id"]
    assert client.get(f"/api/v1/profiles/{pid}", headers=auth(app, org="centre-cucuta")).status_code == 404
    admin = client.get(f"/api/v1/profiles/{pid}", headers=auth(app, role="admin", org="puente")).json
    assert admin["redacted"] is True and admin["situation_notes"] is None
    assert admin["work_authorizations"][0]["permit_type"] is None
    assert client.get(f"/api/v1/profiles/{pid}", headers=auth(app, role="employer", org="e1")).status_code == 403


def test_a_duplicate_comes_back_as_a_warning_with_a_merge_offer_and_merging_works(app):
    client = app.test_client()
    first = client.post("/api/v1/profiles", json=BODY, headers=auth(app)).json["id"]
    elsewhere = client.post("/api/v1/profiles", json=BODY, headers=auth(app, org="centre-cucuta")).json
    assert elsewhere["warnings"][0]["scope"] == "other_centre" and "profile_id" not in elsewhere["warnings"][0]
    assert first not in str(elsewhere["warnings"])
    second = client.post("/api/v1/profiles", json=BODY, headers=auth(app)).json
    (warning,) = second["warnings"][:1]
    assert warning["scope"] == "this_centre" and warning["profile_id"] == first and "document" in warning["reasons"]
    merged = client.post(warning["merge"], json={"other_id": first}, headers=auth(app))
    assert merged.status_code == 200 and merged.json["version"] == 2
    assert client.get(f"/api/v1/profiles/{first}", headers=auth(app)).status_code == 404


def test_erasure_deletes_the_rows_and_writes_withdrawal_and_tombstone(app):
    client = app.test_client()
    pid = client.post("/api/v1/profiles", json=BODY, headers=auth(app)).json["id"]
    assert client.delete(f"/api/v1/profiles/{pid}", headers=auth(app)).status_code == 204
    assert count(app, profiles_table) == 0 and count(app, profile_keys_table) == 0
    # The profile.published still waiting in the outbox went with the person: it never leaves.
    assert outbox_types(app) == ["org.puente.profile.withdrawn.v1", "tombstone"]
    assert client.delete(f"/api/v1/profiles/{pid}", headers=auth(app)).status_code == 404


def test_the_list_pages_with_a_cursor_and_a_link_header(app):
    client = app.test_client()
    for i in range(3):
        body = {**BODY, "identity": {**BODY["identity"], "given_names": f"Persona{i}", "documents": [],
                                     "date_of_birth": f"199{i}-01-01"}}
        client.post("/api/v1/profiles", json=body, headers=auth(app))
    first = client.get("/api/v1/profiles?limit=2&skill=S3001", headers=auth(app))
    assert len(first.json["items"]) == 2 and 'rel="next"' in first.headers["Link"]
    second = client.get(f"/api/v1/profiles?limit=2&skill=S3001&cursor={first.json['next_cursor']}",
                        headers=auth(app))
    assert [i["given_names"] for i in first.json["items"] + second.json["items"]] == ["Persona0", "Persona1",
                                                                                     "Persona2"]
    assert second.json["next_cursor"] is None and "situation_notes" not in second.json["items"][0]
    assert client.get("/api/v1/profiles?limit=1000", headers=auth(app)).status_code == 422
    assert client.get("/api/v1/profiles", headers=auth(app, org="centre-cucuta")).json["items"] == []


def test_suggestions_come_from_the_normaliser(app):
    response = app.test_client().post("/api/v1/profiles/suggestions", json={"text": "ayudante de cocina"},
                                      headers=auth(app))
    assert response.status_code == 200 and response.json["items"][0]["code"] == "S3001"


def test_the_consent_to_notifications_is_optional_in_the_api_and_read_back_once_given(app):
    client = app.test_client()
    created = client.post("/api/v1/profiles", json=BODY, headers=auth(app))
    pid = created.json["id"]
    assert "notifications" not in created.json["consents"]
    body = {**BODY, "consents": {**BODY["consents"], "notifications": True}}
    ok = client.put(f"/api/v1/profiles/{pid}", json=body, headers={**auth(app), "If-Match": '"1"'})
    assert ok.status_code == 200 and ok.json["consents"]["notifications"]["given"] is True
    kept = client.put(f"/api/v1/profiles/{pid}", json=BODY, headers={**auth(app), "If-Match": '"2"'})
    assert kept.json["consents"]["notifications"]["given"] is True
    refused = client.put(f"/api/v1/profiles/{pid}", json={**BODY, "consents": {**BODY["consents"],
                                                                                "notifications": "maybe"}},
                         headers={**auth(app), "If-Match": '"3"'})
    assert refused.status_code == 422 and refused.json["errors"][0]["pointer"] == "/consents/notifications"


def test_a_served_worker_builds_the_taxonomy_normaliser_before_the_first_suggestion(app):
    built = []

    class Normalizer:
        def warm(self):
            built.append(True)

    app.extensions["puente.profiles"].normalizer = Normalizer()
    SERVICE.warm_up(app)
    assert built == [True]
    app.extensions["puente.profiles"].normalizer = NORMALIZER  # a fake with nothing to build is left alone
    SERVICE.warm_up(app)
