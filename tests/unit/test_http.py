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
# -- the edge refuses what would break a service further in (issue 13) --------------------------------------------
DEEP = "[" * 10000 + "]" * 10000
JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize("path", ["/api/v1/profiles", "/api/v1/vacancies", "/api/v1/credentials",
                                  "/api/v1/auth/token", "/signin", "/signup/employer"])
def test_json_nested_ten_thousand_deep_is_refused_early_on_every_api_and_the_portal(embedded, client, path):
    role = "employer" if "vacancies" in path else "counsellor"
    response = client.post(path, data=DEEP, headers={**token(embedded, role), **JSON})
    # The APIs say the body nests too deeply; the pages take only their forms' own encoding.
    assert response.status_code == (400 if path.startswith("/api/") else 415), response.get_data(as_text=True)[:300]


def test_json_nested_deeper_than_the_limit_but_parseable_is_refused_with_400(embedded, client):
    body = '{"a": ' * 100 + "1" + "}" * 100
    response = client.post("/api/v1/profiles", data=body, headers={**token(embedded, "counsellor"), **JSON})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert "nested" in response.json["detail"]


def test_a_nul_byte_in_a_json_string_is_refused_with_422_naming_the_field(embedded, client):
    body = {"identity": {"given_names": "Ana\u0000", "family_names": "Rojas"}, "location": {"country": "PE"},
            "consents": {"matching": True, "introductions": False, "statistics": False}}
    response = client.post("/api/v1/profiles", json=body, headers={**token(embedded, "counsellor", "centre-lima"),
                                                                     "Accept-Language": "es"})
    assert response.status_code == 422, response.json
    assert {"pointer": "/identity/given_names",
            "reason": "Quite los caracteres de control (como NUL o escape) de este texto."} in response.json["errors"]


def test_a_control_character_in_a_query_parameter_is_refused_with_422_naming_it(embedded, client):
    response = client.get("/api/v1/profiles?city=Li%00ma", headers=token(embedded, "counsellor", "centre-lima"))
    assert response.status_code == 422 and response.json["errors"][0]["pointer"] == "/city"


def test_a_control_character_in_a_path_parameter_finds_nothing_and_never_reaches_the_view():
    app, reached = _probe_app(), []

    @app.get("/api/v1/things/<thing_id>")
    def thing(thing_id):
        reached.append(thing_id)  # on PostgreSQL a NUL here would fail the lookup with a 500
        return {"id": thing_id}

    assert Client(app).get("/api/v1/things/ab%00cd").status_code == 404 and reached == []
    assert Client(app).get("/api/v1/things/abcd").status_code == 200 and reached == ["abcd"]


def test_a_lone_surrogate_in_a_json_string_is_refused_with_422(embedded, client):
    body = '{"api_key": "puente_\\ud800_x"}'
    response = client.post("/api/v1/auth/token", data=body, headers=JSON)
    assert response.status_code == 422 and response.json["errors"][0]["pointer"] == "/api_key"


def test_a_form_encoded_post_to_a_json_api_gets_415(embedded, client):
    response = client.post("/api/v1/profiles", data="identity=x", headers={
        **token(embedded, "counsellor"), "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 415 and response.mimetype == "application/problem+json"
    assert "application/json" in response.json["detail"]


def test_a_malformed_token_is_told_invalid_token_and_nothing_of_the_decoder(client):
    for bad in ("abc.def", "a.b.c", "not-a-token"):
        response = client.get("/api/v1/auth/whoami", headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 401 and response.json["detail"] == "The token is not valid."


def _probe_app(config=None):
    from shared.auth import Authenticator, TokenIssuer
    from shared.http import create_service_app

    app, _ = create_service_app("probe", authenticator=Authenticator(TokenIssuer("s" * 40)), config=config)
    return app


def test_hsts_is_sent_over_tls_and_behind_a_configured_proxy_that_says_https():
    behind_proxy = Client(_probe_app({"PUENTE_PROXY_HOPS": 1}))
    forwarded = behind_proxy.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert forwarded.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Strict-Transport-Security" not in behind_proxy.get("/healthz").headers
    direct = Client(_probe_app())
    assert "Strict-Transport-Security" in direct.get("/healthz", base_url="https://localhost").headers
    # Without a configured proxy a client cannot claim TLS by sending the header itself.
    assert "Strict-Transport-Security" not in direct.get("/healthz", headers={"X-Forwarded-Proto": "https"}).headers


def test_an_unhandled_database_error_is_logged_without_its_bound_parameters(caplog):
    import logging

    from sqlalchemy.exc import DataError

    app = _probe_app()

    @app.post("/boom")
    def boom():
        raise DataError("INSERT INTO profiles (phone, birth_date, document) VALUES (?, ?, ?)",
                        ("+51987654321", "1991-08-30", '{"given_names": "Yenny"}'),
                        ValueError("A string literal cannot contain NUL (0x00) characters: +51987654321"))

    with caplog.at_level(logging.ERROR):
        response = Client(app).post("/boom")
    assert response.status_code == 500 and "traceback" not in response.get_data(as_text=True).lower()
    logged = caplog.text + "".join(str(getattr(r, "stack", "")) for r in caplog.records)
    assert "DataError" in logged and "INSERT" in logged
    for secret in ("+51987654321", "1991-08-30", "Yenny"):
        assert secret not in logged


def test_the_json_log_formatter_never_writes_an_exception_message_that_may_hold_data():
    import io
    import json
    import logging

    from sqlalchemy.exc import IntegrityError

    from shared.logs import configure_logging

    stream = io.StringIO()
    root = logging.getLogger()
    saved = list(root.handlers), root.level
    try:
        configure_logging("probe", stream=stream)
        try:
            raise IntegrityError("UPDATE profiles SET phone=? WHERE id=?", ("+51987654321", "p1"),
                                 Exception("Key (phone)=(+51987654321) already exists."))
        except IntegrityError:
            logging.getLogger("probe").exception("write failed")
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert "IntegrityError" in line["exc_info"] and "UPDATE" in line["exc_info"]
    assert "+51987654321" not in stream.getvalue()


def test_every_engine_hides_bound_parameters_from_its_error_messages(tmp_path):
    from shared.db import make_engine, sqlite_url

    engine = make_engine(sqlite_url(tmp_path / "x.db"))
    try:
        assert engine.hide_parameters is True
    finally:
        engine.dispose()


def test_a_uniqueness_conflict_nobody_foresaw_is_409_not_500():
    from sqlalchemy.exc import IntegrityError

    app = _probe_app()

    @app.post("/twice")
    def twice():
        import sqlite3

        raise IntegrityError("INSERT INTO t (k) VALUES (?)", ("a",),
                             sqlite3.IntegrityError("UNIQUE constraint failed: t.k"))

    response = Client(app).post("/twice")
    assert response.status_code == 409 and response.mimetype == "application/problem+json"


def test_an_undeclared_method_gets_405_with_the_methods_the_resource_allows(client):
    response = client.open("/services/credentials/api/v1/credentials", method="TRACE")
    assert response.status_code == 405 and response.mimetype == "application/problem+json"
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
