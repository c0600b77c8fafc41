"""Counting a vacancy's candidates through the matching port: pages, the states it can be in, and the wire."""

import jwt
import pytest

from services.portal.adapters.http import WsgiTransport
from services.portal.adapters.matching import MatchingClient
from services.portal.adapters.memory import FakeMatching
from services.portal.candidates import COUNTED, NOT_RANKED, UNAVAILABLE, MatchCount, count_all, count_candidates
from services.portal.ports import Reply, ServiceUnavailable

VACANCY = "0b6f3c8e-54a1-4d52-9d0e-6f2b1c3a4d5e"
OTHER = "7d1e2f3a-4b5c-4d6e-8f90-a1b2c3d4e5f6"


def token(org="employer-a", role="employer") -> str:
    return jwt.encode({"sub": "user-1", "role": role, "org": org}, "k" * 40, algorithm="HS256")


def test_only_eligible_candidates_are_counted():
    matching = FakeMatching()
    matching.rank(VACANCY, "employer-a", eligible=3, ineligible=4)
    assert count_candidates(matching, token(), "es", VACANCY) == MatchCount(COUNTED, 3)
    # a counsellor's token sees everyone, and still only the eligible are counted
    assert count_candidates(matching, token("centre-1", "counsellor"), "es", VACANCY) == MatchCount(COUNTED, 3)


def test_the_count_follows_every_page_of_the_api():
    matching = FakeMatching()
    matching.rank(VACANCY, "employer-a", eligible=250)
    assert count_candidates(matching, token(), "es", VACANCY) == MatchCount(COUNTED, 250)
    assert [cursor is None for _, _, cursor in matching.calls] == [True, False, False]


def test_counting_stops_after_the_last_allowed_page_and_says_there_are_more():
    matching = FakeMatching()
    matching.rank(VACANCY, "employer-a", eligible=12)
    assert count_candidates(matching, token(), "es", VACANCY, page_size=5, max_pages=2) == MatchCount(COUNTED, 10, True)
    assert count_candidates(matching, token(), "es", VACANCY, page_size=5, max_pages=3) == MatchCount(COUNTED, 12)


def test_a_vacancy_matching_does_not_know_yet_is_not_ranked():
    assert count_candidates(FakeMatching(), token(), "es", VACANCY) == MatchCount(NOT_RANKED)


@pytest.mark.parametrize("answer", [Reply(403, {"title": "Forbidden"}), Reply(400, {"errors": []}),
                                    Reply(200, None), Reply(200, {"items": "nope"}), Reply(401, {})])
def test_refusals_and_odd_answers_leave_the_count_unavailable(answer):
    class Odd:
        def candidates(self, *args, **kwargs):
            return answer

    assert count_candidates(Odd(), token(), "es", VACANCY) == MatchCount(UNAVAILABLE)


def test_an_employer_cannot_count_another_employers_candidates():
    matching = FakeMatching()
    matching.rank(VACANCY, "employer-b", eligible=2)
    assert count_candidates(matching, token("employer-a"), "es", VACANCY).state == UNAVAILABLE


def test_once_matching_is_down_the_other_vacancies_of_the_page_are_not_asked():
    matching = FakeMatching(unavailable=True)
    counts = count_all(matching, token(), "es", [VACANCY, OTHER])
    assert counts == {VACANCY: MatchCount(UNAVAILABLE), OTHER: MatchCount(UNAVAILABLE)}
    assert len(matching.calls) == 1


def test_count_all_counts_each_vacancy():
    matching = FakeMatching()
    matching.rank(VACANCY, "employer-a", eligible=1)
    assert count_all(matching, token(), "pt", [VACANCY, OTHER]) == {VACANCY: MatchCount(COUNTED, 1),
                                                                    OTHER: MatchCount(NOT_RANKED)}


def test_the_client_asks_for_the_vacancys_eligible_matches_with_the_callers_token_and_language():
    seen = []

    def transport(method, path, headers, params, body):
        seen.append((method, path, headers, params, body))
        return Reply(200, {"items": [], "next_cursor": None, "model_version": "m"})

    MatchingClient(transport).candidates("tok", "pt", VACANCY, limit=100, cursor="MTAw")
    (method, path, headers, params, body), = seen
    assert (method, path, body) == ("GET", "/api/v1/matches", None)
    assert params == {"vacancy": VACANCY, "eligible": "true", "limit": 100, "cursor": "MTAw"}
    assert headers["Authorization"] == "Bearer tok" and headers["Accept-Language"] == "pt"


def test_a_server_error_from_matching_means_unavailable():
    with pytest.raises(ServiceUnavailable):
        MatchingClient(lambda *args: Reply(503, None)).candidates("tok", "es", VACANCY)


@pytest.fixture
def matching_app(tmp_path):
    from services.matching.app import SERVICE
    from shared.bus import InMemoryBus
    from shared.service import build_container
    from shared.settings import load_settings

    # model-free: nothing here is ranked by meaning
    settings = load_settings({"PUENTE_MATCHING_ENCODER": "hashing"}, bus="memory", secret_key="m" * 40)
    container = build_container(SERVICE, settings, bus=InMemoryBus(), data_dir=tmp_path)
    yield container, SERVICE.create_app(container)
    container.engine.dispose()


def test_the_real_matching_app_answers_the_clients_question(matching_app):
    container, app = matching_app
    client = MatchingClient(WsgiTransport(app))
    bearer = container.issuer.issue("user-1", "employer", "employer-a", 60)
    assert count_candidates(client, bearer, "es", VACANCY) == MatchCount(NOT_RANKED)
    assert client.candidates(bearer, "es", VACANCY).body["status"] == 404
    assert client.candidates("not a token", "es", VACANCY).status == 401


def test_a_count_made_while_matching_is_still_preparing_says_so_and_keeps_what_it_counted():
    port = FakeMatching(preparing=True)
    port.rank("v1", "employer-a", eligible=3)
    assert count_candidates(port, token("employer-a"), "es", "v1", page_size=2) == MatchCount("preparing", 3)
