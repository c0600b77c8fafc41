"""The profiles and credentials clients speak the services' contracts: paths, methods, bodies and headers."""

import pytest
from flask import Flask, jsonify, request

from services.portal.adapters.credentials import CredentialsClient
from services.portal.adapters.http import WsgiTransport
from services.portal.adapters.matching import MatchingClient
from services.portal.adapters.profiles import ProfilesClient
from services.portal.adapters.vacancies import VacanciesClient
from services.portal.ports import Reply, ServiceUnavailable


class Recorder:
    """A transport that remembers each call and answers ``reply``."""

    def __init__(self, reply: Reply | None = None):
        self.calls, self.reply = [], reply or Reply(200, {})

    def __call__(self, method, path, headers, params, body):
        self.calls.append((method, path, headers, params, body))
        return self.reply


@pytest.mark.parametrize("call, expected", [
    (lambda c: c.list_profiles("t", "es", {"q": "ana", "stale": "true"}, limit=20),
     ("GET", "/api/v1/profiles", {"q": "ana", "stale": "true", "limit": 20}, None)),
    (lambda c: c.suggest("t", "es", "soldadura", "es", "skill", 5),
     ("POST", "/api/v1/profiles/suggestions", {}, {"text": "soldadura", "lang": "es", "kind": "skill", "limit": 5})),
    (lambda c: c.create_placement("t", "es", "p1", "v1"),
     ("POST", "/api/v1/placements", {}, {"profile_id": "p1", "vacancy_id": "v1"})),
    (lambda c: c.list_placements("t", "es", profile_id="p1"),
     ("GET", "/api/v1/placements", {"profile_id": "p1", "limit": 50}, None)),
    (lambda c: c.introduce("t", "es", "p1", "v1", {"given": True, "language": "ht", "read_aloud": True}),
     ("POST", "/api/v1/introductions", {},
      {"profile_id": "p1", "vacancy_id": "v1", "consent": {"given": True, "language": "ht", "read_aloud": True}})),
    (lambda c: c.list_introductions("t", "es", "v1"), ("GET", "/api/v1/introductions", {"vacancy_id": "v1"}, None)),
    (lambda c: c.request_introduction("t", "es", "v1", "p9"),
     ("POST", "/api/v1/introduction-requests", {}, {"vacancy_id": "v1", "candidate": "p9"})),
    (lambda c: c.list_introduction_requests("t", "es"), ("GET", "/api/v1/introduction-requests", {}, None)),
    (lambda c: c.merge_profiles("t", "es", "p1", "p2"),
     ("POST", "/api/v1/profiles/p1/merge", {}, {"other_id": "p2"})),
])
def test_the_profiles_client_calls_the_workspace_contract(call, expected):
    transport = Recorder()
    call(ProfilesClient(transport))
    method, path, headers, params, body = transport.calls[0]
    assert (method, path, params, body) == expected
    assert headers["Authorization"] == "Bearer t" and headers["Accept-Language"] == "es"


def test_writes_that_replace_or_move_send_the_etag_they_read():
    transport = Recorder()
    ProfilesClient(transport).update_profile("t", "es", "p1", '"3"', {"identity": {}})
    ProfilesClient(transport).record_stage("t", "es", "pl1", '"2"', "interview", note="Tuesday", on="2026-03-01")
    CredentialsClient(transport).change_status("t", "es", "c1", '"4"', "recognised", "done")
    (m1, p1, h1, _, _), (m2, p2, h2, _, b2), (m3, p3, h3, _, b3) = transport.calls
    assert (m1, p1, h1["If-Match"]) == ("PUT", "/api/v1/profiles/p1", '"3"')
    assert (m2, p2, h2["If-Match"], b2) == ("POST", "/api/v1/placements/pl1/stages", '"2"',
                                            {"stage": "interview", "note": "Tuesday", "on": "2026-03-01"})
    assert (m3, p3, h3["If-Match"], b3) == ("POST", "/api/v1/credentials/c1/status", '"4"',
                                            {"status": "recognised", "note": "done"})


def test_the_credentials_client_declares_lists_and_assesses():
    transport = Recorder()
    client = CredentialsClient(transport)
    client.declare("t", "es", {"title": "Enfermería"})
    client.list_for_profile("t", "es", "p1")
    client.assess("t", "es", "c1", "PE")
    assert [(m, p, params, b) for m, p, _, params, b in transport.calls] == [
        ("POST", "/api/v1/credentials", {}, {"title": "Enfermería"}),
        ("GET", "/api/v1/credentials", {"profile_id": "p1", "limit": 20}, None),
        ("POST", "/api/v1/credentials/c1/assessments", {}, {"destination": "PE"})]


def test_matches_for_a_person_and_employers_and_minimum_wages_use_their_services_paths():
    transport = Recorder()
    MatchingClient(transport).for_profile("t", "pt", "p1", limit=10)
    VacanciesClient(transport).get_employer("t", "pt", "employer-x")
    VacanciesClient(transport).minimum_wage("t", "pt", "BR")
    assert [(m, p, params) for m, p, _, params, _ in transport.calls] == [
        ("GET", "/api/v1/matches", {"profile": "p1", "limit": 10, "lang": "pt"}),
        ("GET", "/api/v1/employers/employer-x", None), ("GET", "/api/v1/vacancies/minimum-wages/BR", None)]


@pytest.mark.parametrize("call", [
    lambda: ProfilesClient(Recorder(Reply(503, None))).list_introduction_requests("t", "es"),
    lambda: CredentialsClient(Recorder(Reply(500, None))).list_for_profile("t", "es", "p")])
def test_a_server_error_means_the_service_is_unavailable(call):
    with pytest.raises(ServiceUnavailable):
        call()


def test_a_refusal_is_returned_for_the_page_to_explain():
    reply = ProfilesClient(Recorder(Reply(409, {"title": "Conflict"}))).create_placement("t", "es", "p1", "v1")
    assert reply.status == 409


def test_the_in_process_transport_carries_the_location_of_an_existing_placement():
    app = Flask("fake-profiles")

    @app.post("/api/v1/placements")
    def _conflict():
        assert request.json == {"profile_id": "p1", "vacancy_id": "v1"}
        return jsonify(status=409, title="Conflict"), 409, {"Location": "/api/v1/placements/pl-7"}

    reply = ProfilesClient(WsgiTransport(app)).create_placement("t", "es", "p1", "v1")
    assert reply.status == 409 and reply.location == "/api/v1/placements/pl-7"
