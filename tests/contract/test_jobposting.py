"""Every published vacancy's public page carries a schema.org JobPosting with the fields boards require."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from services.registry import load_service
from services.vacancies.domain.jobposting import REQUIRED
from shared.bus import InMemoryBus
from shared.service import build_container
from shared.settings import load_settings

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture
def client(tmp_path: Path):
    settings = dataclasses.replace(load_settings({}, bus="memory"), database_url=f"sqlite:///{tmp_path}/v.db",
                                   secret_key="contract-tests-only-" + "s" * 20)
    service = load_service("vacancies")
    container = build_container(service, settings, bus=InMemoryBus(), data_dir=tmp_path)
    token = container.issuer.issue("u", "employer", "employer-hotel-miraflores")
    yield service.create_app(container).test_client(), {"Authorization": f"Bearer {token}"}
    container.engine.dispose()


def posting(page_html: str) -> dict:
    """Return the JobPosting JSON-LD of a page, parsed as plain JSON."""
    [raw] = SCRIPT.findall(page_html)
    return json.loads(raw)


def missing_fields(doc: dict) -> list[str]:
    """Return the required JobPosting fields a document lacks."""
    missing = [f for f in REQUIRED if f not in doc]
    if "jobLocation" not in doc and not (doc.get("jobLocationType") == "TELECOMMUTE"
                                         and "applicantLocationRequirements" in doc):
        missing.append("jobLocation")
    return missing


def post(client, headers, **extra):
    body = {"title": "Recepcionista nocturno", "language": "es", "country": "PE", "city": "Lima",
            "description": "Hotel en Barranco busca recepcionista para el turno noche, con planilla y EsSalud.",
            "pay": {"amount": 1600, "currency": "PEN", "period": "month"}, "hours_per_week": 48,
            "contract_type": "permanent", "occupation": "4224", "closing_date": "2099-12-31", **extra}
    response = client.post("/api/v1/vacancies", json=body, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def test_a_published_vacancy_page_has_every_required_jobposting_field(client):
    http, headers = client
    vacancy = post(http, headers)
    page = http.get(f"/jobs/{vacancy['id']}")
    assert page.status_code == 200 and page.mimetype == "text/html"
    doc = posting(page.get_data(as_text=True))
    assert doc["@type"] == "JobPosting" and missing_fields(doc) == []
    assert doc["identifier"]["value"] == vacancy["id"] and doc["baseSalary"]["value"]["unitText"] == "MONTH"
    assert doc["validThrough"].startswith("2099-12-31")


def test_a_remote_vacancy_names_where_applicants_must_live(client):
    http, headers = client
    doc = posting(http.get(f"/jobs/{post(http, headers, remote=True)['id']}").get_data(as_text=True))
    assert doc["jobLocationType"] == "TELECOMMUTE" and doc["applicantLocationRequirements"]["name"] == "PE"
    assert missing_fields(doc) == []


def test_the_check_fails_when_a_required_field_is_missing(client):
    http, headers = client
    doc = posting(http.get(f"/jobs/{post(http, headers)['id']}").get_data(as_text=True))
    for field in REQUIRED:
        assert field in missing_fields({k: v for k, v in doc.items() if k != field})


def test_a_held_vacancy_has_no_public_page_and_is_not_in_the_feed(client):
    http, headers = client
    held = post(http, headers, pay={"amount": 500, "currency": "PEN", "period": "month"})
    assert held["status"] == "held" and http.get(f"/jobs/{held['id']}").status_code == 404
    published = post(http, headers)
    feed = json.loads(http.get("/api/v1/vacancies/feed.jsonld").get_data(as_text=True))
    assert [d["identifier"]["value"] for d in feed["@graph"]] == [published["id"]]
    assert all(missing_fields(d) == [] for d in feed["@graph"])


def test_a_description_cannot_break_out_of_the_json_ld_script(client):
    http, headers = client
    vacancy = post(http, headers, description="Recepción nocturna </script><script>alert(1)</script> con planilla.")
    html = http.get(f"/jobs/{vacancy['id']}").get_data(as_text=True)
    assert "<script>alert" not in html and "</script>" in posting(html)["description"]


def test_an_exported_jobposting_imports_back_to_the_same_vacancy_fields(client):
    from services.vacancies.domain.jobposting import from_jobposting

    http, headers = client
    vacancy = post(http, headers)
    fields, errors = from_jobposting(posting(http.get(f"/jobs/{vacancy['id']}").get_data(as_text=True)))
    assert errors == []
    for key in ("title", "description", "country", "city", "pay", "hours_per_week", "occupation", "closing_date"):
        assert fields[key] == vacancy[key], key
