"""The vacancies API as the portal's form uses it, on SQLite and the in-process bus."""

import pytest
from werkzeug.test import Client

from services.embedded import build_embedded
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
