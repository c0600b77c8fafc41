"""The shared building blocks every service uses: errors, translation, cursors, ETags, UTC columns, fold."""

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select

from shared.auth import Authenticator, TokenIssuer
from shared.db import UtcDateTime, make_engine
from shared.errors import Invalid, NotFound, PreconditionFailed
from shared.events import new_event
from shared.http import create_service_app, etag, if_match_version
from shared.i18n import translate, translate_field_reason
from shared.pagination import decode_cursor, encode_cursor, next_page
from shared.text import fold
from shared.uow import InMemoryUnitOfWork


@pytest.fixture
def client():
    app, _api = create_service_app("blocks", authenticator=Authenticator(TokenIssuer("k" * 40, 60)))

    @app.get("/refuse")
    def refuse():
        raise Invalid("too_low", "Must be greater than %(min)s.", pointer="/pay/amount", min=1750905)

    @app.get("/missing")
    def missing():
        raise NotFound("no_profile", "Not Found")

    @app.put("/versioned")
    def versioned():
        return {"version": if_match_version()}

    @app.get("/stale")
    def stale():
        raise PreconditionFailed("stale", "Precondition Failed", current_etag=etag(4))

    return app.test_client()


def test_a_refusal_names_the_field_and_reads_in_the_callers_language_with_its_number_format(client):
    response = client.get("/refuse", headers={"Accept-Language": "es-CO,es;q=0.9"})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["title"] == "Datos no válidos"
    assert body["errors"] == [{"pointer": "/pay/amount", "reason": "Debe ser mayor que 1.750.905."}]


def test_the_lang_query_parameter_wins_over_accept_language(client):
    body = client.get("/refuse?lang=pt", headers={"Accept-Language": "en"}).get_json()
    assert body["errors"][0]["reason"] == "Deve ser maior que 1.750.905."


def test_an_error_without_a_field_is_told_in_detail(client):
    body = client.get("/missing", headers={"Accept-Language": "fr"}).get_json()
    assert body["status"] == 404 and body["title"] == "Introuvable" and body["detail"] == "Introuvable"
    assert "errors" not in body


@pytest.mark.parametrize("header", ['"7"', 'W/"7"', "7"])
def test_if_match_accepts_strong_weak_and_bare_versions(client, header):
    assert client.put("/versioned", headers={"If-Match": header}).get_json() == {"version": 7}


def test_if_match_missing_is_428_and_unparseable_is_412(client):
    assert client.put("/versioned").status_code == 428
    assert client.put("/versioned", headers={"If-Match": '"abc"'}).status_code == 412
    assert client.put("/versioned", headers={"If-Match": '"1", "2"'}).status_code == 412


def test_a_stale_write_is_told_the_current_etag(client):
    response = client.get("/stale")
    assert response.status_code == 412 and response.headers["ETag"] == '"4"'


def test_marshmallow_messages_are_translated_with_their_values():
    assert translate_field_reason("Missing data for required field.", "pt") == "Este campo é obrigatório."
    assert translate_field_reason("Must be one of: a, b.", "es") == "Debe ser uno de: a, b."
    assert translate_field_reason("Length must be between 1 and 5.", "fr") == (
        "La longueur doit être comprise entre 1 et 5.")
    assert translate_field_reason("Something only we say.", "es") == "Something only we say."


def test_numbers_in_messages_take_the_readers_format():
    assert translate("Must be greater than %(min)s.", "en", min=1750905.5) == "Must be greater than 1,750,905.5."
    assert translate("Must be greater than %(min)s.", "es", min=1750905.5) == "Debe ser mayor que 1.750.905,5."


def test_a_cursor_round_trips_and_a_tampered_one_names_the_parameter():
    token = encode_cursor("2026-12-07T01:00:00+00:00", "p-1")
    assert decode_cursor(token, 2) == ("2026-12-07T01:00:00+00:00", "p-1")
    for bad in ("not-base64!", encode_cursor("only-one"), encode_cursor({"a": 1}, "x")):
        with pytest.raises(Invalid) as refused:
            decode_cursor(bad, 2)
        assert refused.value.pointer == "/cursor" and refused.value.code == "bad_cursor"


def test_next_page_gives_a_cursor_only_when_a_row_beyond_the_limit_exists():
    rows = [("a", 1), ("b", 2), ("c", 3)]
    page = next_page(rows, 2, key=lambda r: r)
    assert page.items == rows[:2] and decode_cursor(page.next_cursor, 2) == ("b", 2)
    assert next_page(rows[:2], 2, key=lambda r: r).next_cursor is None


def test_utc_column_reads_back_aware_utc_from_sqlite():
    engine = make_engine("sqlite://")
    table = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("at", UtcDateTime()))
    table.metadata.create_all(engine)
    bogota = datetime(2026, 12, 7, 9, 30, tzinfo=timezone(timedelta(hours=-5)))
    with engine.begin() as conn:
        conn.execute(insert(table).values(id=1, at=bogota))
        stored = conn.execute(select(table.c.at)).scalar_one()
    assert stored == datetime(2026, 12, 7, 14, 30, tzinfo=UTC) and stored.tzinfo == UTC


def test_fold_meets_accents_case_and_spacing_and_optionally_punctuation():
    assert fold("  Albañil   CÉDULA ") == "albanil cedula"
    assert fold("V-12.345", punctuation=False) == "v 12 345"
    assert fold(None) == ""


def test_staged_events_are_published_only_when_the_work_commits():
    uow = InMemoryUnitOfWork()
    event = new_event("org.puente.test.v1", "/test", "s-1", {})
    with pytest.raises(RuntimeError), uow:
        uow.stage(event)
        raise RuntimeError("rolled back")
    assert uow.published == []
    with uow:
        uow.stage(event)
        uow.stage_tombstone("s-1")
    assert uow.published == [event] and uow.tombstones == ["s-1"] and uow.commits == 1


def test_a_served_app_answers_at_once_while_its_warm_up_runs_in_the_background():
    from flask import Flask

    from shared.service import ServiceDefinition, served_app

    release, warmed = threading.Event(), []

    def warm_up(app):
        release.wait(10)  # longer than a request may wait
        warmed.append(app)

    definition = ServiceDefinition(name="slow", create_app=lambda _container: Flask("slow"), warm_up=warm_up)
    app = served_app(definition, container=None)
    assert warmed == []  # returned before the warm-up ended
    release.set()
    warm_thread = next(t for t in threading.enumerate() if t.name == "slow-warm-up")
    warm_thread.join(5)
    assert warmed == [app] and warm_thread.daemon
