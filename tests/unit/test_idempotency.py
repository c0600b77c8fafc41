"""Idempotency-Key on creates, as one shared building block: replay, refusal of a reused key, races, expiry."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from flask import g
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, update

from shared.auth import Authenticator, TokenIssuer, requires
from shared.db import make_engine, session_factory, sqlite_url
from shared.errors import Invalid
from shared.http import create_service_app
from shared.idempotency import SqlIdempotencyStore, idempotency_table, idempotent

things_metadata = MetaData()
things = Table("things", things_metadata, Column("id", Integer, primary_key=True, autoincrement=True),
               Column("name", String(50), nullable=False), Column("owner", String(50), nullable=False))


class ThingIn(Schema):
    name = fields.String(required=True)


class ThingOut(Schema):
    id = fields.Integer()
    name = fields.String()


@pytest.fixture
def app(tmp_path):
    engine = make_engine(sqlite_url(tmp_path / "things.db"))
    things_metadata.create_all(engine)
    idempotency_table.metadata.create_all(engine, tables=[idempotency_table])
    sessions = session_factory(engine)
    issuer = TokenIssuer("s" * 40)
    app, api = create_service_app("things", authenticator=Authenticator(issuer))
    app.extensions["puente.idempotency"] = SqlIdempotencyStore(sessions)
    blp = Blueprint("things", __name__, url_prefix="/api/v1/things")

    @blp.post("")
    @idempotent
    @blp.arguments(ThingIn)
    @blp.response(201, ThingOut)
    @requires("counsellor")
    def create(body):
        if body["name"] == "refuse":
            raise Invalid("refused", "Refused.", pointer="/name")
        with sessions() as s, s.begin():
            new_id = s.execute(insert(things).values(name=body["name"], owner=g.principal.org)).inserted_primary_key[0]
        return {"id": new_id, "name": body["name"]}, 201, {"Location": f"/api/v1/things/{new_id}"}

    api.register_blueprint(blp)
    app.engine, app.issuer = engine, issuer
    yield app
    engine.dispose()


def headers(app, key=None, org="centre-lima", subject="c-1"):
    out = {"Authorization": "Bearer " + app.issuer.issue(subject, "counsellor", org)}
    return {**out, "Idempotency-Key": key} if key is not None else out


def rows(app) -> int:
    with app.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(things))


def test_a_repeated_create_with_the_same_key_and_body_replays_the_first_response(app):
    client = app.test_client()
    first = client.post("/api/v1/things", json={"name": "a"}, headers=headers(app, "k-1"))
    again = client.post("/api/v1/things", json={"name": "a"}, headers=headers(app, "k-1"))
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert rows(app) == 1


def test_the_same_body_with_its_keys_in_another_order_is_the_same_request(app):
    client = app.test_client()
    client.post("/api/v1/things", data='{"name": "a"}', headers={**headers(app, "k-1"),
                                                                   "Content-Type": "application/json"})
    again = client.post("/api/v1/things", data='{ "name":"a" }', headers={**headers(app, "k-1"),
                                                                           "Content-Type": "application/json"})
    assert again.status_code == 201 and rows(app) == 1


def test_the_same_key_with_another_body_is_refused_with_422_naming_the_header(app):
    client = app.test_client()
    client.post("/api/v1/things", json={"name": "a"}, headers=headers(app, "k-1"))
    other = client.post("/api/v1/things", json={"name": "b"}, headers=headers(app, "k-1"))
    assert other.status_code == 422 and other.mimetype == "application/problem+json"
    assert "Idempotency-Key" in other.json["detail"] and rows(app) == 1


def test_without_a_key_every_create_creates(app):
    client = app.test_client()
    for _ in range(3):
        assert client.post("/api/v1/things", json={"name": "a"}, headers=headers(app)).status_code == 201
    assert rows(app) == 3


def test_a_refused_request_keeps_nothing_so_the_corrected_retry_goes_through(app):
    client = app.test_client()
    assert client.post("/api/v1/things", json={"name": "refuse"}, headers=headers(app, "k-1")).status_code == 422
    assert client.post("/api/v1/things", json={"name": "b"}, headers=headers(app, "k-1")).status_code == 201
    assert rows(app) == 1


def test_keys_belong_to_their_caller(app):
    client = app.test_client()
    client.post("/api/v1/things", json={"name": "a"}, headers=headers(app, "k-1"))
    other = client.post("/api/v1/things", json={"name": "a"}, headers=headers(app, "k-1", org="centre-quito"))
    assert other.status_code == 201 and "Idempotent-Replayed" not in other.headers and rows(app) == 2


def test_a_malformed_key_is_refused_with_400_naming_the_header(app):
    response = app.test_client().post("/api/v1/things", json={"name": "a"}, headers=headers(app, "x" * 300))
    assert response.status_code == 400 and "Idempotency-Key" in response.json["detail"] and rows(app) == 0


def test_fifty_parallel_identical_creates_with_one_key_create_one_row(app):
    results, barrier = [], threading.Barrier(50)

    def send():
        client = app.test_client()
        barrier.wait()
        response = client.post("/api/v1/things", json={"name": "a"}, headers=headers(app, "k-race"))
        results.append((response.status_code, response.headers.get("Location")))

    threads = [threading.Thread(target=send) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert rows(app) == 1
    assert {status for status, _ in results} <= {201, 409}
    assert len({location for status, location in results if status == 201}) == 1


def test_a_key_is_forgotten_after_a_day(app):
    client = app.test_client()
    client.post("/api/v1/things", json={"name": "a"}, headers=headers(app, "k-1"))
    with app.engine.begin() as conn:
        conn.execute(update(idempotency_table).values(created_at=datetime.now(UTC) - timedelta(days=2)))
    again = client.post("/api/v1/things", json={"name": "a"}, headers=headers(app, "k-1"))
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers and rows(app) == 2


def test_the_openapi_document_names_the_idempotency_key_header(app):
    spec = app.test_client().get("/api/v1/openapi.json").json
    parameters = spec["paths"]["/api/v1/things"]["post"]["parameters"]
    assert {"in": "header", "name": "Idempotency-Key"}.items() <= parameters[0].items()
