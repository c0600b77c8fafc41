"""The re-ranker on the real parts: outcomes on the placements topic train it live, and a rebuild, in place or
on a fresh database, learns the same model from the replayed topics."""

from __future__ import annotations

import pytest

from services.matching.app import rebuild
from shared.events import new_event
from tests.integration.test_matching_events import admin, publish, ranking, send, wait_for, world  # noqa: F401
from tests.unit.matching.test_rerank import world as outcomes_world

pytestmark = pytest.mark.integration


def model(client, container):
    r = client.get("/api/v1/matching/model", headers=admin(container))
    assert r.status_code == 200, r.json
    return r.json


def test_outcomes_from_the_topic_train_the_reranker_live_and_a_rebuild_learns_the_same_model(world):  # noqa: F811
    container, client = world()
    people, vacancies, placements = outcomes_world(1, protected=[{}, {}, {}])
    send(container, "profiles", [new_event("org.puente.profile.published.v1", "/services/test", p["profile_id"], p)
                                 for p in people])
    send(container, "vacancies", [new_event("org.puente.vacancy.published.v1", "/services/test", v["vacancy_id"],
                                            v) for v in vacancies])
    for v in vacancies[:4]:  # filled: out of the index, still teaching the model
        publish(container, "vacancies", "vacancy.closed", {"vacancy_id": v["vacancy_id"], "reason": "filled",
                                                           "closed_at": "2026-03-10T00:00:00+00:00"}, "vacancy_id")
    send(container, "placements", [new_event("org.puente.placement.recorded.v1", "/services/test",
                                              p["placement_id"], p) for p in placements])

    live = wait_for(lambda: (m := model(client, container))["training"] and
                    m["training"]["outcomes"] == 300 and m, timeout_s=90)
    assert live["state"] == "adopted", live
    someone = people[0]["profile_id"]
    live_ranking = ranking(container, client, someone)
    assert live_ranking

    rebuild(container, poll_timeout_s=0.5)
    assert model(client, container)["model_version"] == live["model_version"]
    assert ranking(container, client, someone) == live_ranking

    fresh, fresh_client = world(start_consumer=False)
    rebuild(fresh, poll_timeout_s=0.5)
    assert model(fresh_client, fresh)["model_version"] == live["model_version"]
    assert ranking(fresh, fresh_client, someone) == live_ranking
