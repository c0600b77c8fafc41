"""A Portuguese vacancy and a Haitian Creole / French profile meet in the matches API, through every service.

Embedded mode: the vacancies, profiles and matching services on one in-process bus, their relays and
consumers on threads, as ``puente up`` runs them. Nothing is written into matching directly: the vacancy is
posted by an employer through the vacancies API, the person is registered by a counsellor through the
profiles API, and matching learns both from their events.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from werkzeug.test import Client

from services.embedded import build_embedded
from shared.settings import load_settings

pytestmark = pytest.mark.e2e
EMPLOYER = "org-e2e-hidraulica-sp"
CENTRE = "centre-e2e-sao-paulo"


@pytest.fixture
def embedded(tmp_path):
    # The hashing encoder is fast and model-free; the codes carry the meeting.
    environ = {"PUENTE_MATCHING_ENCODER": "hashing", "PUENTE_MATCHING_LABEL_CACHE": str(tmp_path / "labels")}
    settings = load_settings(environ, bus="memory", secret_key="k" * 40)
    embedded = build_embedded(settings, tmp_path)
    embedded.start_background()
    yield embedded
    embedded.shutdown()


def bearer(embedded, role, org):
    return {"Authorization": "Bearer " + embedded.containers["portal"].issuer.issue(f"{role}-1", role, org)}


def post_vacancy(client, headers, **fields):
    body = {"language": "pt", "country": "BR", "city": "São Paulo", "pay": {"amount": 3200, "currency": "BRL",
            "period": "month"}, "hours_per_week": 44, "contract_type": "permanent",
            "benefits": {"social_security": True, "transport": True}, **fields}
    r = client.post("/api/v1/vacancies", json=body, headers=headers)
    assert r.status_code == 201, r.json
    assert r.json["status"] == "published", r.json
    return r.json["id"]


def test_a_portuguese_vacancy_and_a_creole_and_french_profile_meet_with_an_explanation(embedded):
    client = Client(embedded.wsgi)
    employer = bearer(embedded, "employer", EMPLOYER)
    r = client.post("/api/v1/employers", json={"name": "Hidráulica Paulista (teste)", "tax_id": "11.111.111/0001-11",
                                               "country": "BR", "sector": "construction",
                                               "contact_email": "vagas@hidraulica.example"}, headers=employer)
    assert r.status_code == 201, r.json
    # A plumber's job: Brazil's rules regulate electrical work (NR-10), so an electrician's job would be
    # listed as needing that licence; plumbing needs none, so the pair is eligible.
    plumber = post_vacancy(
        client, employer, title="Encanador predial", occupation="7126",
        description="Empresa de manutenção predial contrata encanador para instalações hidráulicas residenciais e "
                    "comerciais, troca de tubulações, bombas e caixas d'água. Carteira assinada.",
        languages=[{"code": "pt", "min_level": "A2"}])
    cook = post_vacancy(
        client, employer, title="Auxiliar de cozinha", occupation="9412",
        description="Restaurante contrata auxiliar de cozinha para preparo de alimentos, limpeza e organização "
                    "do estoque. Carteira assinada e refeição no local.")

    counsellor = bearer(embedded, "counsellor", CENTRE)
    r = client.post("/api/v1/profiles", headers=counsellor, json={
        "identity": {"given_names": "Test", "family_names": "Person"},
        "location": {"country": "BR", "city": "São Paulo", "willing_to_relocate": False},
        "languages": [{"code": "ht", "level": "native"}, {"code": "fr", "level": "C1"},
                      {"code": "pt", "level": "B1"}],
        "work_authorizations": [{"country": "BR", "status": "permit",
                                 "expires": (date.today() + timedelta(days=400)).isoformat()}],
        "experience": [{"title": "Plonbye nan batiman",
                        "description": "Mwen fè plonbri nan kay ak magazen, mwen enstale ponp dlo ak tiyo. "
                                       "Plombier du bâtiment : plomberie, pompes et réservoirs d'eau."}],
        "skills_text": "Plonbri, enstale ponp dlo; plomberie, installation de pompes et de réservoirs d'eau.",
        "text_language": "ht",
        "consents": {"matching": True, "introductions": True, "statistics": True}})
    assert r.status_code == 201, r.json
    person = r.json["id"]

    admin = bearer(embedded, "admin", "puente")
    deadline, items = time.monotonic() + 30, []
    while time.monotonic() < deadline:
        r = client.get(f"/api/v1/matches?profile={person}&lang=fr", headers=admin)
        items = r.json.get("items", []) if r.status_code == 200 else []
        known = client.get(f"/api/v1/matches?vacancy={cook}", headers=admin).status_code == 200
        if known and plumber in {i["vacancy_id"] for i in items}:
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"the match never appeared: last answer {r.status_code} {r.json}")

    top = items[0]
    assert top["vacancy_id"] == plumber and top["eligible"] is True and top["blockers"] == []
    # Matching holds the kitchen job, but for a plumber it is no match at all, so it is left out.
    assert cook not in {i["vacancy_id"] for i in items}
    explanation = top["explanation"]
    # The person named no code: matching inferred the trade from the Creole and French words.
    assert explanation["occupation"]["closest"] == "7126" and explanation["occupation"]["isco_distance"] == 0
    assert explanation["occupation"]["vacancy_label"].lower().startswith("plombier")
    assert "Correspondance" in explanation["sentence"] and "lombier" in explanation["sentence"]
