"""Vacancies under attack (issue 13): repeated external ids, blank titles, lost updates, hostile feeds."""

import json
import threading

import pytest
from sqlalchemy import func, select

from services.vacancies.adapters.sql import vacancies as vacancies_table
from services.vacancies.app import SERVICE
from shared.bus import InMemoryBus
from shared.service import build_container
from shared.settings import load_settings

DRAFT = {"title": "Albañil para obra en Bogotá", "description": "Levante de muros y pañetes; contrato indefinido "
         "con todas las prestaciones de ley.", "language": "es", "country": "CO", "city": "Bogotá",
         "occupation": "7112", "openings": 2, "pay": {"amount": 2_500_000, "currency": "COP", "period": "month"},
         "hours_per_week": 42, "contract_type": "permanent", "benefits": {"social_security": True}}


@pytest.fixture
def app(tmp_path):
    container = build_container(SERVICE, load_settings({}, bus="memory", secret_key="k" * 40), bus=InMemoryBus(),
                                data_dir=tmp_path)
    app = SERVICE.create_app(container)
    app.container = container
    yield app
    container.engine.dispose()


def auth(app, org="employer-test", **extra):
    token = app.container.issuer.issue("e1", "employer", org)
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en", **extra}


def count(app) -> int:
    with app.container.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(vacancies_table))


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


def test_a_created_vacancy_says_where_it_lives(app):
    created = app.test_client().post("/api/v1/vacancies", json=DRAFT, headers=auth(app))
    assert created.status_code == 201
    assert created.headers["Location"].endswith(f"/api/v1/vacancies/{created.json['id']}")


def test_a_repeated_external_id_is_a_409_pointing_at_the_vacancy_that_has_it(app):
    client = app.test_client()
    first = client.post("/api/v1/vacancies", json={**DRAFT, "external_id": "SENA-77"}, headers=auth(app))
    again = client.post("/api/v1/vacancies", json={**DRAFT, "external_id": "SENA-77", "openings": 5},
                        headers=auth(app))
    assert first.status_code == 201 and again.status_code == 409, again.json
    assert again.mimetype == "application/problem+json"
    assert again.headers["Location"] == first.headers["Location"]
    assert again.json["errors"][0]["pointer"] == "/external_id" and count(app) == 1


def test_parallel_creates_with_one_external_id_store_one_and_answer_409_to_the_rest(app):
    def send(_i):
        response = app.test_client().post("/api/v1/vacancies", json={**DRAFT, "external_id": "SENA-78"},
                                          headers=auth(app))
        return response.status_code, response.headers.get("Location")

    results = in_parallel(10, send)
    assert sorted(s for s, _ in results) == [201] + [409] * 9 and count(app) == 1
    assert len({location for _, location in results}) == 1


def test_parallel_bulk_uploads_of_one_feed_never_fail_a_row_on_a_uniqueness_conflict(app):
    feed = "\n".join(json.dumps({**DRAFT, "external_id": f"row-{i}"}) for i in range(5)).encode()

    def send(_i):
        return app.test_client().post("/api/v1/vacancies/bulk", data=feed, headers=auth(
            app, **{"Content-Type": "application/x-ndjson"}))

    results = in_parallel(4, send)
    assert [r.status_code for r in results] == [200] * 4, [r.get_data(as_text=True)[:300] for r in results]
    assert all(r.json["errors"] == 0 for r in results) and count(app) == 5


def test_parallel_changes_with_the_same_if_match_let_exactly_one_through(app):
    created = app.test_client().post("/api/v1/vacancies", json=DRAFT, headers=auth(app))
    url = f"/api/v1/vacancies/{created.json['id']}"

    def send(i):
        return app.test_client().patch(url, json={"openings": 3 + i}, headers=auth(app, **{"If-Match": '"1"'}))

    results = in_parallel(12, send)
    assert sorted(r.status_code for r in results) == [200] + [412] * 11
    assert {r.headers.get("ETag") for r in results if r.status_code == 412} == {'"2"'}


def test_fifty_parallel_creates_with_one_idempotency_key_post_the_vacancy_once(app):
    def send(_i):
        response = app.test_client().post("/api/v1/vacancies", json=DRAFT, headers=auth(
            app, **{"Idempotency-Key": "feed-2026-12-01-0001"}))
        return response.status_code, response.headers.get("Location")

    results = in_parallel(50, send)
    assert count(app) == 1 and {s for s, _ in results} <= {201, 409}
    assert len({location for status, location in results if status == 201}) == 1


@pytest.mark.parametrize("title", ["      ", "\u00a0\u00a0\u00a0\u00a0", "\t\t\t\t"])
def test_a_title_of_spaces_alone_is_refused(app, title):
    response = app.test_client().post("/api/v1/vacancies", json={**DRAFT, "title": title}, headers=auth(app))
    assert response.status_code == 422 and response.json["errors"][0]["pointer"] == "/title" and count(app) == 0


def test_an_employer_name_of_spaces_alone_is_refused(app):
    body = {"name": "   ", "tax_id": "900123456-7", "country": "CO", "sector": "construction",
            "contact_email": "rrhh@obra.example"}
    response = app.test_client().post("/api/v1/employers", json=body, headers=auth(app))
    assert response.status_code == 422 and response.json["errors"][0]["pointer"] == "/name"


def test_registering_the_same_employer_twice_is_a_409_pointing_at_it(app):
    body = {"name": "Obras Andinas", "tax_id": "900123456-7", "country": "CO", "sector": "construction",
            "contact_email": "rrhh@obra.example"}
    client = app.test_client()
    assert client.post("/api/v1/employers", json=body, headers=auth(app)).status_code == 201
    again = client.post("/api/v1/employers", json=body, headers=auth(app))
    assert again.status_code == 409 and again.headers["Location"].endswith("/api/v1/employers/employer-test")


@pytest.mark.parametrize("currency", ["XYZ", "VEF"])
def test_an_unknown_currency_is_refused(app, currency):
    body = {**DRAFT, "pay": {**DRAFT["pay"], "currency": currency}}
    response = app.test_client().post("/api/v1/vacancies", json=body, headers=auth(app))
    assert response.status_code == 422 and response.json["errors"][0]["pointer"] == "/pay/currency"


def test_a_feed_row_nested_too_deeply_or_holding_a_nul_is_reported_as_that_rows_error(app):
    rows = [json.dumps(DRAFT), "[" * 5000 + "]" * 5000, json.dumps({**DRAFT, "title": "Albañil\u0000"})]
    response = app.test_client().post("/api/v1/vacancies/bulk", data="\n".join(rows).encode(),
                                      headers=auth(app, **{"Content-Type": "application/x-ndjson"}))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert [r["outcome"] for r in response.json["rows"]] == ["created", "error", "error"]
    assert response.json["rows"][2]["errors"][0]["pointer"] == "/title"


def test_a_csv_feed_with_a_control_character_is_refused_row_by_row(app):
    csv_body = ("title,description,language,country,occupation,pay_amount,pay_currency,pay_period,"
                "hours_per_week,contract_type\n"
                "Albañil\x00,Levante de muros y pañetes con todas las prestaciones.,es,CO,7112,2500000,COP,month,"
                "42,permanent\n").encode()
    response = app.test_client().post("/api/v1/vacancies/bulk", data=csv_body,
                                      headers=auth(app, **{"Content-Type": "text/csv"}))
    assert response.status_code == 200 and response.json["rows"][0]["outcome"] == "error"
    assert response.json["rows"][0]["errors"][0]["pointer"] == "/title" and count(app) == 0


def test_a_feed_that_is_not_utf8_is_reported_not_a_500(app):
    response = app.test_client().post("/api/v1/vacancies/bulk", data=b"title,description\n\xff\xfe,x\n",
                                      headers=auth(app, **{"Content-Type": "text/csv"}))
    assert response.status_code == 200 and response.json["errors"] == 1 and count(app) == 0



def test_changing_an_external_id_to_one_already_taken_is_a_409_pointing_at_the_vacancy_that_has_it(app):
    client = app.test_client()
    first = client.post("/api/v1/vacancies", json={**DRAFT, "external_id": "SENA-1"}, headers=auth(app))
    second = client.post("/api/v1/vacancies", json={**DRAFT, "external_id": "SENA-2"}, headers=auth(app))
    changed = client.patch(second.headers["Location"], json={"external_id": "SENA-1"},
                           headers=auth(app, **{"If-Match": '"1"'}))
    assert changed.status_code == 409 and changed.json["errors"][0]["pointer"] == "/external_id"
    assert changed.headers["Location"] == first.headers["Location"]


def test_a_csv_feed_the_csv_reader_refuses_is_reported_on_that_row_not_a_500():
    from services.vacancies import feed

    # The fuzzer's find: bytes with a lone carriage return inside an unquoted field made the reader raise.
    raw = b"\xc3\xb7\x15m\xf1\x87\xb5\x81\xc2\xa5\xf3\xa3\xbe\x98\r{\x19\xc2\x85\xf1\xb4\xb3\xa3\xc2\x87"
    assert [number for number, _, _ in feed.parse(raw, "text/csv")] == [1]
    # A field beyond the reader's limit is a csv.Error: it ends the reading, told on the row it stopped at.
    body = ("título,país\r\nsoldador,BR\r\n" + "x" * 200_000 + ",BR\r\n").encode()
    rows = list(feed.parse(body, "text/csv"))
    assert rows[0][1] == {"título": "soldador", "país": "BR"}
    assert rows[-1][0] == 2 and rows[-1][1] is None and rows[-1][2].startswith("not CSV")
