"""The vacancies API as the portal's form uses it, on SQLite and the in-process bus."""

import re

import pytest
from werkzeug.test import Client

from services.embedded import build_embedded
from shared.i18n import translate
from shared.settings import load_settings

DRAFT = {"title": "Albañil para obra en Bogotá", "description": "Levante de muros y pañetes; contrato indefinido "
         "con todas las prestaciones de ley.", "language": "es", "country": "CO", "city": "Bogotá",
         "openings": 2, "pay": {"amount": 1_000_000, "currency": "COP", "period": "month"}, "hours_per_week": 42,
         "contract_type": "permanent", "benefits": {"social_security": True}}


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    embedded = build_embedded(load_settings({}, bus="memory", secret_key="k" * 40), tmp_path_factory.mktemp("v"))
    yield embedded
    embedded.shutdown()


@pytest.fixture
def employer(embedded):
    token = embedded.containers["vacancies"].issuer.issue("e1", "employer", "employer-test")
    return {"Authorization": f"Bearer {token}", "Accept-Language": "es"}


def test_checking_a_draft_shows_pay_against_the_minimum_wage_without_storing_it(embedded, employer):
    client = Client(embedded.wsgi)
    checked = client.post("/api/v1/vacancies/check", json=DRAFT, headers=employer)
    assert checked.status_code == 200, checked.get_data(as_text=True)
    pay = checked.json["pay_check"]
    assert pay["currency"] == "COP" and pay["ratio"] < 1 and len(pay["effective_date"]) == 10
    assert checked.json["status"] == "held"
    assert any(f["field"] == "/pay/amount" for f in checked.json["findings"])
    assert client.get("/api/v1/vacancies?employer=employer-test", headers=employer).json["items"] == []


def test_the_minimum_wage_of_a_country_is_public(embedded):
    response = Client(embedded.wsgi).get("/api/v1/vacancies/minimum-wages/PE")
    assert response.status_code == 200
    assert response.json["currency"] == "PEN" and response.json["max_weekly_hours"] == 48


def test_unknown_codes_are_refused_field_by_field_in_the_callers_language(embedded, employer):
    body = {**DRAFT, "occupation": "9999", "required_skills": ["S9999"]}
    refused = Client(embedded.wsgi).post("/api/v1/vacancies", json=body, headers=employer)
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert refused.json["title"] == translate("Unprocessable Entity", "es")
    assert refused.json["detail"] == translate("One or more fields are invalid; see errors.", "es")
    assert refused.json["errors"] == [{"pointer": "/occupation", "reason": "No es un grupo primario de la CIUO-08."},
                                      {"pointer": "/required_skills/0", "reason": "Código de habilidad desconocido."}]


def test_a_change_needs_if_match_and_a_stale_one_is_told_the_current_etag(embedded, employer):
    client = Client(embedded.wsgi)
    body = {**DRAFT, "pay": {"amount": 2_500_000, "currency": "COP", "period": "month"}}
    created = client.post("/api/v1/vacancies", json=body, headers=employer)
    assert created.status_code == 201 and created.headers["ETag"] == '"1"'
    url = f"/api/v1/vacancies/{created.json['id']}"
    assert client.patch(url, json={"openings": 3}, headers=employer).status_code == 428
    assert client.patch(url, json={"openings": 3}, headers={**employer, "If-Match": "soon"}).status_code == 412
    stale = client.patch(url, json={"openings": 3}, headers={**employer, "If-Match": '"9"'})
    assert stale.status_code == 412 and stale.headers["ETag"] == '"1"'
    changed = client.patch(url, json={"openings": 3}, headers={**employer, "If-Match": '"1"'})
    assert changed.status_code == 200 and changed.headers["ETag"] == '"2"' and changed.json["openings"] == 3


def test_findings_read_in_the_callers_language_with_its_number_format(embedded, employer):
    client = Client(embedded.wsgi)
    spanish = client.post("/api/v1/vacancies/check", json=DRAFT, headers=employer).json["findings"]
    [pay] = [f["message"] for f in spanish if f["field"] == "/pay/amount"]
    grouped = r"\d{1,3}(\.\d{3})+"  # Spanish groups thousands with a full stop
    assert re.search(rf"^El pago equivale a 1\.000\.000 COP al mes, por debajo del mínimo legal de {grouped} COP", pay)
    french = client.post("/api/v1/vacancies/check?lang=fr", json=DRAFT, headers=employer).json["findings"]
    assert [f["message"] for f in french if f["field"] == "/pay/amount"][0].startswith(
        "La rémunération équivaut à 1\u202f000\u202f000 COP")  # French groups with a narrow no-break space


def test_a_cursor_that_was_not_given_out_is_refused_naming_the_parameter(embedded, employer):
    refused = Client(embedded.wsgi).get("/api/v1/vacancies?cursor=not-a-cursor", headers=employer)
    assert refused.status_code == 422 and refused.json["errors"][0]["pointer"] == "/cursor"


def test_an_employer_gets_a_404_for_another_employers_record_and_never_its_tax_id_or_email(embedded, employer):
    client = Client(embedded.wsgi)
    record = {"name": "Constructora Test", "tax_id": "900111222-3", "country": "CO", "sector": "construction",
              "contact_email": "obras@constructora-test.example"}
    assert client.post("/api/v1/employers", json=record, headers=employer).status_code in (201, 409)
    own = client.get("/api/v1/employers/employer-test", headers=employer)
    assert own.status_code == 200 and own.json["tax_id"] == "900111222-3"
    other = embedded.containers["vacancies"].issuer.issue("e2", "employer", "employer-rival")
    refused = client.get("/api/v1/employers/employer-test", headers={"Authorization": f"Bearer {other}"})
    assert refused.status_code == 404 and refused.mimetype == "application/problem+json"
    assert "900111222-3" not in refused.get_data(as_text=True)
    assert "obras@constructora-test.example" not in refused.get_data(as_text=True)


def test_a_counsellor_reads_a_vacancys_employer_by_name_without_its_record(embedded, employer):
    client = Client(embedded.wsgi)
    record = {"name": "Constructora Test", "tax_id": "900111222-3", "country": "CO", "sector": "construction",
              "contact_email": "obras@constructora-test.example"}
    assert client.post("/api/v1/employers", json=record, headers=employer).status_code in (201, 409)
    created = client.post("/api/v1/vacancies", json={**DRAFT, "pay": {**DRAFT["pay"], "amount": 2_000_000}},
                          headers=employer)
    assert created.status_code == 201 and created.json["employer_name"] == "Constructora Test"
    token = embedded.containers["vacancies"].issuer.issue("c1", "counsellor", "centre-test")
    counsellor = {"Authorization": f"Bearer {token}"}
    read = client.get(f"/api/v1/vacancies/{created.json['id']}", headers=counsellor)
    assert read.status_code == 200 and read.json["employer_name"] == "Constructora Test"
    listed = client.get("/api/v1/vacancies?employer=employer-test", headers=counsellor)
    assert {v["employer_name"] for v in listed.json["items"]} == {"Constructora Test"}
    assert client.get("/api/v1/employers/employer-test", headers=counsellor).status_code == 404
    assert "900111222-3" not in read.get_data(as_text=True)
