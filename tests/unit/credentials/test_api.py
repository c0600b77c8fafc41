"""The REST API on in-memory fakes: counsellors of the owning centre only, problem+json, ETags, cursors."""

import dataclasses

import pytest

from services.credentials.adapters.memory import InMemoryUnitOfWork
from services.credentials.app import SERVICE
from shared.bus import InMemoryBus
from shared.published.credentials import CredentialAssessed
from shared.service import build_container
from shared.settings import load_settings

PROFILE = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
OTHER_PROFILE = "7a2b3c4d-5e6f-4a7b-9c8d-0e1f2a3b4c5d"
NURSE = {"profile_id": PROFILE, "title": "Licenciada en Enfermería", "level": 6, "orientation": "general",
         "field": "0913", "country": "VE", "institution": "UCV", "year": 2011, "documents": ["original", "apostilled"]}


@pytest.fixture
def env(tmp_path):
    container = build_container(SERVICE, load_settings({}, bus="memory", secret_key="k" * 40), bus=InMemoryBus(),
                                data_dir=tmp_path)
    # The people these tests declare for, as the profiles topic announced them (credentials acts only on them).
    uow = InMemoryUnitOfWork(centres={PROFILE: "centre-lima", OTHER_PROFILE: "centre-lima"})
    app = SERVICE.create_app(container, uow=uow)
    yield app.test_client(), container, uow
    container.engine.dispose()


def auth(container, org="centre-lima", role="counsellor", lang="en"):
    return {"Authorization": "Bearer " + container.issuer.issue("c-1", role, org), "Accept-Language": lang}


def declared(client, container, **overrides):
    response = client.post("/api/v1/credentials", json={**NURSE, **overrides}, headers=auth(container))
    assert response.status_code == 201, response.json
    return response.json


def test_a_counsellor_declares_and_assesses_a_credential_and_an_event_is_written(env):
    client, container, uow = env
    credential = declared(client, container)
    response = client.post(f"/api/v1/credentials/{credential['id']}/assessments", json={"destination": "PE"},
                           headers=auth(container, lang="es"))
    assert response.status_code == 200 and response.headers["ETag"] == '"2"'
    a = response.json["assessment"]
    assert a["status"] == "procedure_required" and a["authority"] == "SUNEDU"
    assert a["guidance"].startswith("Orientación") and a["sources"][0]["date"]
    assert a["occupations_later"][0] == {"code": "2221", "label": "Profesionales de enfermería"}
    assert set(a["next_steps"][0]["texts"]) == {"es", "pt", "en", "fr"}
    assert [e.type for e in uow.published] == [CredentialAssessed.TYPE]
    data = uow.published[0].data
    assert data["profile_id"] == PROFILE and "title" not in data and "institution" not in data
    container.registry.validate(uow.published[0])


def test_invalid_fields_are_named_in_the_callers_language(env):
    client, container, _ = env
    response = client.post("/api/v1/credentials", json={**NURSE, "level": 11, "country": "Venezuela",
                                                         "documents": ["photo"]}, headers=auth(container, lang="pt"))
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    reasons = {e["pointer"]: e["reason"] for e in response.json["errors"]}
    assert set(reasons) == {"/level", "/country", "/documents/0"}
    assert reasons["/level"] == "Deve estar entre 0 e 8." and response.json["title"] == "Dados inválidos"


def test_a_counsellor_of_another_centre_is_told_nothing_of_it(env):
    client, container, _ = env
    credential = declared(client, container)
    response = client.get(f"/api/v1/credentials/{credential['id']}", headers=auth(container, org="centre-santiago"))
    assert response.status_code == 404
    assert client.get(f"/api/v1/credentials/{credential['id']}",
                      headers=auth(container, role="employer")).status_code == 403


def test_a_status_change_needs_the_current_etag(env):
    client, container, uow = env
    credential = declared(client, container)
    url = f"/api/v1/credentials/{credential['id']}"
    client.post(url + "/assessments", json={"destination": "PE"}, headers=auth(container))
    body = {"status": "procedure_started", "note": "expediente en SUNEDU"}
    assert client.post(url + "/status", json=body, headers=auth(container)).status_code == 428
    assert client.post(url + "/status", json=body, headers={**auth(container), "If-Match": '"1"'}).status_code == 412
    moved = client.post(url + "/status", json=body, headers={**auth(container), "If-Match": '"2"'})
    assert moved.status_code == 200 and moved.json["workflow_status"] == "procedure_started"
    assert moved.json["history"][-1]["by"] == "c-1" and moved.json["history"][-1]["to_status"] == "procedure_started"
    assert [e.data["workflow_status"] for e in uow.published] == ["assessed", "procedure_started"]


def test_a_move_the_workflow_does_not_allow_is_a_conflict_with_a_pointer(env):
    client, container, uow = env
    credential = declared(client, container)
    response = client.post(f"/api/v1/credentials/{credential['id']}/status", json={"status": "recognised"},
                           headers={**auth(container, lang="es"), "If-Match": '"1"'})
    assert response.status_code == 409
    assert response.json["errors"] == [{"pointer": "/status", "reason": "Primero hay que evaluar la credencial."}]
    assert uow.published == []  # nothing partial is stored


def test_a_declaration_with_an_interview_date_is_stored_and_read_back(env):
    client, container, _ = env
    evidence = {"interview_completed": True, "interview_date": "2026-10-02", "partial_documents": ["transcript"]}
    credential = declared(client, container, documents=["none"], evidence=evidence)
    assert credential["evidence"]["interview_date"] == "2026-10-02"
    read = client.get(f"/api/v1/credentials/{credential['id']}", headers=auth(container))
    assert read.status_code == 200 and read.json["evidence"] == {**evidence, "qualifications_passport": False,
                                                                 "notes": ""}


def test_a_persons_credentials_are_listed_page_by_page(env):
    client, container, _ = env
    ids = [declared(client, container, title=f"Título {i}")["id"] for i in range(5)]
    declared(client, container, profile_id=OTHER_PROFILE)
    seen, url = [], f"/api/v1/credentials?profile_id={PROFILE}&limit=2"
    while url:
        page = client.get(url, headers=auth(container))
        assert page.status_code == 200
        seen += [c["id"] for c in page.json["items"]]
        url = page.json["next_cursor"] and page.headers["Link"].split(">")[0].lstrip("<")
    assert sorted(seen) == sorted(ids) and len(seen) == 5
    other_centre = client.get(f"/api/v1/credentials?profile_id={PROFILE}", headers=auth(container, org="centre-x"))
    assert other_centre.json["items"] == []


def test_a_garbled_cursor_is_reported_on_the_cursor(env):
    client, container, _ = env
    response = client.get(f"/api/v1/credentials?profile_id={PROFILE}&cursor=%%%", headers=auth(container))
    assert response.status_code == 422 and response.json["errors"][0]["pointer"] == "/cursor"


def test_the_demo_data_refers_to_the_shared_demo_profiles_and_centres():
    from services.credentials.demo import CREDENTIALS
    from shared import demo

    profiles = {getattr(demo, n) for n in dir(demo) if n.startswith("PROFILE_")}
    centres = {getattr(demo, n) for n in dir(demo) if n.startswith("CENTRE_")}
    assert {c[0] for c in CREDENTIALS} <= profiles and {c[1] for c in CREDENTIALS} <= centres
    assert dataclasses.is_dataclass(CREDENTIALS[2][3]["evidence"])
