"""HTTP behaviour every service shares, checked through the embedded app (all services on one port)."""

import pytest
from werkzeug.test import Client

from services.embedded import build_embedded
from shared.settings import load_settings


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("embedded")
    embedded = build_embedded(load_settings({}, bus="memory", secret_key="k" * 40), data_dir)
    yield embedded
    embedded.shutdown()


@pytest.fixture
def client(embedded):
    return Client(embedded.wsgi)


def token(embedded, role, org="org-1"):
    return {"Authorization": "Bearer " + embedded.containers["portal"].issuer.issue("u1", role, org)}


@pytest.mark.parametrize("service", ["profiles", "vacancies", "credentials", "matching", "insights", "portal"])
def test_every_service_reports_health_and_readiness(client, service):
    assert client.get(f"/services/{service}/healthz").json == {"status": "ok", "service": service}
    ready = client.get(f"/services/{service}/readyz")
    assert ready.status_code == 200 and ready.json["checks"] == {"database": "ok", "bus": "ok"}


def test_readiness_fails_when_the_bus_is_unreachable(embedded, client):
    embedded.bus.fail_sends = True
    try:
        response = client.get("/services/matching/readyz")
    finally:
        embedded.bus.fail_sends = False
    assert response.status_code == 503 and response.json["checks"]["bus"].startswith("failing")


def test_missing_credentials_get_401_problem_json(client):
    response = client.get("/api/v1/auth/whoami")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json["title"] == "Unauthorized" and response.json["instance"] == "/api/v1/auth/whoami"


def test_the_wrong_role_gets_403(embedded, client):
    response = client.post("/api/v1/auth/api-keys", json={"role": "ministry", "org": "m", "label": "feed"},
                           headers=token(embedded, "employer"))
    assert response.status_code == 403 and response.mimetype == "application/problem+json"


def test_invalid_fields_are_named_with_a_pointer_and_reason(embedded, client):
    response = client.post("/api/v1/auth/api-keys", json={"role": "king", "label": ""},
                           headers=token(embedded, "admin"))
    assert response.status_code == 422
    pointers = {e["pointer"]: e["reason"] for e in response.json["errors"]}
    assert set(pointers) == {"/role", "/org", "/label"}
    assert "Missing" in pointers["/org"]


def test_a_machine_client_exchanges_its_api_key_for_a_token(embedded, client):
    created = client.post("/api/v1/auth/api-keys", json={"role": "ministry", "org": "mtpe", "label": "feed"},
                          headers=token(embedded, "admin"))
    assert created.status_code == 201
    api_key = created.json["api_key"]
    issued = client.post("/api/v1/auth/token", json={"api_key": api_key})
    assert issued.status_code == 200
    me = client.get("/api/v1/auth/whoami", headers={"Authorization": f"Bearer {issued.json['access_token']}"})
    assert me.json["role"] == "ministry" and me.json["org"] == "mtpe"
    assert client.post("/api/v1/auth/token", json={"api_key": api_key + "x"}).status_code == 401


def test_the_request_id_is_echoed_or_created(client):
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    assert len(client.get("/healthz", headers={"X-Request-ID": "bad id; DROP"}).headers["X-Request-ID"]) == 32


def test_unknown_paths_get_problem_json(client):
    response = client.get("/api/v1/nowhere")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_the_request_id_travels_into_logs_and_into_the_events_a_request_causes(embedded, caplog):
    import json
    import logging

    from shared.events import new_event
    from shared.logs import _ContextFilter
    from shared.service import base_app

    app, _ = base_app(embedded.containers["profiles"])
    seen = {}

    @app.post("/probe")
    def probe():
        seen["event"] = new_event("org.puente.test.noted.v1", "/services/profiles", "n1", {"note_id": 1, "body": "b"})
        logging.getLogger("probe").info("probing")
        return {}

    caplog.handler.addFilter(_ContextFilter("profiles"))
    with caplog.at_level(logging.INFO, logger="probe"):
        Client(app).post("/probe", headers={"X-Request-ID": "req-42"})
    assert seen["event"].correlationid == "req-42"
    assert json.loads(seen["event"].to_json())["correlationid"] == "req-42"
    assert [r.request_id for r in caplog.records if r.name == "probe"] == ["req-42"]


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("path", ["/nowhere", "/jobs/no-such-job", "/api/v1/vacancies/feed.jsonld/x",
                                  *(f"/services/{s}/api/v1/nowhere" for s in
                                    ("profiles", "vacancies", "credentials", "matching", "insights", "portal"))])
def test_a_browser_gets_a_404_as_a_page_in_its_language_from_every_service(client, path):
    response = client.get(path, headers={"Accept": BROWSER, "Accept-Language": "es-CO,es;q=0.9"})
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert '<html lang="es">' in html and "<h1>No encontrado</h1>" in html and "Error 404" in html
    assert "No hay nada en esta dirección" in html and '"status"' not in html
    assert "The requested URL was not found" not in html  # werkzeug's English text stays out of a Spanish page
    assert response.headers["Content-Language"] == "es"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff" and "Accept" in response.headers["Vary"]


def test_a_browser_gets_a_403_page_that_says_why_in_its_language(embedded, client):
    response = client.post("/api/v1/auth/api-keys", json={"role": "ministry", "org": "m", "label": "feed"},
                           headers={**token(embedded, "employer"), "Accept": BROWSER, "Accept-Language": "pt-BR"})
    html = response.get_data(as_text=True)
    assert response.status_code == 403 and response.mimetype == "text/html"
    assert '<html lang="pt">' in html and "<h1>Proibido</h1>" in html
    assert "O papel employer não pode fazer isto" in html and "Sua conta não pode abrir esta página." in html


def test_the_language_chosen_on_the_portal_beats_the_browsers_on_a_problem_page(client):
    client.set_cookie("puente_lang", "pt")
    try:
        response = client.get("/nowhere", headers={"Accept": BROWSER, "Accept-Language": "en"})
    finally:
        client.delete_cookie("puente_lang")
    assert '<html lang="pt">' in response.get_data(as_text=True)


def test_the_problem_page_escapes_what_the_request_put_in_it(client):
    response = client.get("/services/vacancies/api/v1/vacancies", query_string={"limit": "<b>x</b>"},
                          headers={"Accept": BROWSER})
    html = response.get_data(as_text=True)
    assert response.mimetype == "text/html" and response.status_code in (401, 422)
    assert "<b>x</b>" not in html


@pytest.mark.parametrize("accept", ["application/json", "application/problem+json", "*/*",
                                    "application/json, text/html", "text/html;q=0.5, application/json"])
def test_api_clients_keep_problem_json_whatever_else_they_accept(client, accept):
    response = client.get("/services/matching/api/v1/nowhere", headers={"Accept": accept})
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert response.json["title"] == "Not Found"


def test_a_401_title_and_reason_are_in_the_callers_language(client):
    response = client.get("/api/v1/auth/whoami", headers={"Accept-Language": "es"})
    assert response.status_code == 401 and response.json["title"] == "No autorizado"
    assert response.json["detail"].startswith("Se necesitan credenciales")
