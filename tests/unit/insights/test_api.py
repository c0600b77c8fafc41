"""GET /api/v1/insights/vacancies: who may read the table, and what it shows (on the fake projection)."""

import pytest

from services.insights.adapters.memory import memory_uow_factory
from services.insights.app import SERVICE
from services.insights.usecases import InsightsService
from shared.published.vacancies import parse
from tests.unit.insights.support import new_id, published


@pytest.fixture
def client(container):
    service = InsightsService(memory_uow_factory())
    events = [published(new_id(), "5120", "CO") for _ in range(5)] + [published(new_id(), "2221", "PE")]
    service.record([parse(e.type, e.data) for e in events])
    return SERVICE.create_app(container, service).test_client()


@pytest.mark.parametrize("role", ["ministry", "admin", "counsellor"])
def test_ministries_admins_and_counsellors_read_the_table_with_small_cells_suppressed(client, bearer, role):
    response = client.get("/api/v1/insights/vacancies", headers=bearer(role))
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == {"threshold": 5, "cells": [
        {"occupation": "5120", "country": "CO", "open_vacancies": 5, "suppressed": False},
        {"occupation": "2221", "country": "PE", "open_vacancies": None, "suppressed": True}]}


def test_an_anonymous_caller_gets_401_problem_json(client):
    response = client.get("/api/v1/insights/vacancies")
    assert response.status_code == 401 and response.mimetype == "application/problem+json"


def test_an_employer_gets_403(client, bearer):
    response = client.get("/api/v1/insights/vacancies", headers=bearer("employer"))
    assert response.status_code == 403 and response.mimetype == "application/problem+json"
