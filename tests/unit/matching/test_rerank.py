import random
from datetime import date

import numpy as np
import pytest

from services.matching.adapters.memory import InMemoryReadModelStore
from services.matching.api import SERVICE_KEY
from services.matching.app import SERVICE
from services.matching.domain.readmodels import Placement
from services.matching.index import ExactIndex, FakeIndex
from services.matching.rerank import (
    FEATURES,
    Example,
    FakeReranker,
    SklearnReranker,
    is_held_out,
    label_pairs,
    weighted_auc,
)
from services.matching.usecases import MatchingService
from shared.bus import InMemoryBus
from shared.consumer import SqlInbox
from shared.encoders import CachedEncoder, InMemoryEmbeddingCache
from shared.events import Event
from shared.service import build_container
from shared.settings import load_settings
from shared.taxonomy import load_taxonomy
from tests.unit.matching.support import (
    HashingTestEncoder,
    profile,
    published_profiles,
    published_vacancies,
    recorded_placements,
    sql_service,
    vacancy,
)

SKILLS = ["S1001", "S1002", "S1003", "S1004", "S1005", "S1006"]
# Texts in four families: a profile and a vacancy of one family read alike, so the semantic part (which the
# blend weighs most) varies between pairs regardless of the skills that decide the synthetic outcomes.
FAMILIES = [
    "Trabajo de noche en turnos largos con equipos grandes",
    "Atencion en domicilio de familias durante la semana",
    "Turnos de fin de semana en una sede del centro historico",
    "Contrato temporal con traslados frecuentes entre distritos",
]
PROTECTED = [{"nationality": "VE", "sex": "F", "age": 25, "disability": False, "ethnicity": "mestiza"},
             {"nationality": "HT", "sex": "M", "age": 58, "disability": True, "ethnicity": "afro"},
             {"nationality": "CO", "sex": "X", "age": 40, "disability": False, "ethnicity": "wayuu"}]


def uid(kind: int, i: int) -> str:
    return f"{kind:08x}-0000-4000-8000-{i:012x}"


def world(seed: int, *, signal: bool = True, profiles: int = 60, per_profile: int = 5, protected=None):
    """Return (profile events, vacancy events, placement events) where, with ``signal``, an interview or hire
    follows required-skill coverage (which the blend weighs 0.1 of 1.1) and otherwise is a coin toss."""
    rng = random.Random(seed)
    vacancies = [vacancy(vacancy_id=uid(2, i), required_skills=rng.sample(SKILLS, 3),
                         title=FAMILIES[i % 4], description=FAMILIES[i % 4]) for i in range(16)]
    people = []
    for i in range(profiles):
        text = {"experience": FAMILIES[rng.randrange(4)], "skills": ""}
        extra = (protected or PROTECTED)[i % 3]
        people.append(profile(profile_id=uid(1, i), skills=rng.sample(SKILLS, rng.randint(0, 6)), text=text,
                              **extra))
    placements = []
    for i, p in enumerate(people):
        for j, v in enumerate(rng.sample(vacancies, per_profile)):
            coverage = len(set(v["required_skills"]) & set(p["skills"])) / 3
            good = (coverage >= 2 / 3) != (rng.random() < 0.1) if signal else rng.random() < 0.4
            outcome = rng.choice(["interviewed", "hired"]) if good else "rejected"
            for k, what in enumerate(["applied", outcome]):
                placements.append({"placement_id": uid(3, (i * 100 + j) * 2 + k), "profile_id": p["profile_id"],
                                   "vacancy_id": v["vacancy_id"], "outcome": what,
                                   "recorded_at": f"2026-03-{1 + k:02d}T10:00:00+00:00"})
    return people, vacancies, placements


SKLEARN = SklearnReranker()  # holds only its policy, so tests may share it


def new_matcher(reranker=SKLEARN, **kw) -> MatchingService:
    encoder = HashingTestEncoder()
    return MatchingService(load_taxonomy(), CachedEncoder(encoder, InMemoryEmbeddingCache()), FakeIndex(), FakeIndex(),
                   bridge=None, today=lambda: date(2026, 3, 1), reranker=reranker, **kw)


def loaded(people, vacancies, placements, reranker=SKLEARN):
    m, store = new_matcher(reranker), InMemoryReadModelStore()
    m.apply_profiles(store, published_profiles(people))
    m.apply_vacancies(store, published_vacancies(vacancies))
    m.apply_placements(store, recorded_placements(placements))
    return m, store


def rankings(m, store, people):
    return {p["profile_id"]: [(x.vacancy_id, x.score, x.eligible, x.model_version)
                              for x in m.for_profile(store, p["profile_id"])] for p in people}


def test_interviews_and_hires_are_good_outcomes_rejections_bad_and_the_rest_unlabelled():
    def rows(*outcomes, pair=("p", "v")):
        return [Placement(f"pl{i}", pair[0], pair[1], o, "2026-03-01T00:00:00+00:00") for i, o in enumerate(outcomes)]

    assert label_pairs(rows("applied", "hired")) == {("p", "v"): 1}
    assert label_pairs(rows("interviewed", "rejected")) == {("p", "v"): 1}  # judged a fit, then someone else won
    assert label_pairs(rows("rejected", "interviewed")) == {("p", "v"): 1}  # the order outcomes arrive in is moot
    assert label_pairs(rows("applied", "rejected")) == {("p", "v"): 0}
    assert label_pairs(rows("applied", "withdrawn")) == {}


def test_one_persons_outcomes_all_fall_on_the_same_side_of_the_held_out_split():
    ids = [uid(1, i) for i in range(2000)]
    assert [is_held_out(i, 0.3) for i in ids] == [is_held_out(i, 0.3) for i in ids]
    assert 0.25 < sum(is_held_out(i, 0.3) for i in ids) / len(ids) < 0.35


def test_a_protected_attribute_is_never_a_model_input():
    assert not {"nationality", "sex", "age", "disability", "ethnicity"} & set(FEATURES)


def test_hiring_that_follows_skill_coverage_beats_the_blend_on_held_out_outcomes_and_replaces_it():
    people, vacancies, placements = world(1)
    m, store = loaded(people, vacancies, placements)
    blend_only, blend_store = loaded(people, vacancies, placements, reranker=None)

    d = m.decision
    assert d.adopted and d.reason == "adopted", d.report()
    assert d.model_auc - d.blend_auc >= 0.02 and d.gain_low > 0
    assert d.coefficients["skills"] == max(d.coefficients.values())  # it learnt what the outcomes follow
    assert m.model_version == d.candidate_version and m.model_version.startswith("rerank-")

    learnt, blended = rankings(m, store, people), rankings(blend_only, blend_store, people)
    assert learnt != blended
    changed = sum([x[0] for x in learnt[p]] != [x[0] for x in blended[p]] for p in learnt)
    assert changed >= len(people) // 4
    for items in learnt.values():
        assert {x[3] for x in items} == {m.model_version}
        assert all(0.0 <= x[1] <= 1.0 for x in items)
        flags = [x[2] for x in items]
        assert flags == sorted(flags, reverse=True)  # every eligible item before every ineligible one
    # Only the scores changed: the same vacancies remain in each ranking.
    assert all(sorted(x[0] for x in learnt[p]) == sorted(x[0] for x in blended[p]) for p in learnt)


def test_outcomes_that_are_noise_keep_the_blend_and_its_version():
    people, vacancies, placements = world(2, signal=False)
    m, store = loaded(people, vacancies, placements)
    assert m.decision.candidate_version is not None  # enough outcomes to train and compare
    assert not m.decision.adopted and m.decision.reason == "no_better_than_blend", m.decision.report()
    assert m.model_version == m.blend_version
    ranked = m.for_profile(store, people[0]["profile_id"])
    assert ranked and {x.model_version for x in ranked} == {m.blend_version}


def test_too_few_outcomes_or_too_few_of_one_kind_train_nothing():
    people, vacancies, placements = world(3, profiles=20)  # 100 labelled pairs, under the 200 needed
    m, _ = loaded(people, vacancies, placements)
    assert m.decision.reason == "too_few_outcomes" and m.decision.candidate_version is None
    assert m.decision.outcomes == 100 and m.model_version == m.blend_version

    people, vacancies, placements = world(3)
    hired = [{**p, "outcome": "hired"} for p in placements]
    m, _ = loaded(people, vacancies, hired)
    assert m.decision.reason == "too_few_of_a_class" and m.model_version == m.blend_version


def test_the_same_outcomes_replayed_in_any_order_yield_the_same_model_version_and_scores():
    people, vacancies, placements = world(1)
    first, store = loaded(people, vacancies, placements)
    shuffled = placements + placements[:50]
    random.Random(9).shuffle(shuffled)
    again, again_store = loaded(list(reversed(people)), list(reversed(vacancies)), shuffled)
    assert again.model_version == first.model_version
    assert rankings(again, again_store, people) == rankings(first, store, people)

    # A rebuild: the matcher forgets its model with the store and learns the same one from the replay.
    again.reset()
    assert again.model_version == again.blend_version
    replay = InMemoryReadModelStore()
    again.apply_profiles(replay, published_profiles(people))
    again.apply_vacancies(replay, published_vacancies(vacancies))
    again.apply_placements(replay, recorded_placements(placements), retrain=False)
    assert again.model_version == again.blend_version
    again.sync(replay)
    assert again.model_version == first.model_version


def test_a_restarted_matcher_learns_the_same_model_from_the_stored_outcomes():
    people, vacancies, placements = world(1)
    first, store = loaded(people, vacancies, placements)
    restarted = new_matcher()
    restarted.sync(store)
    assert restarted.model_version == first.model_version


def test_another_process_picks_up_new_outcomes_at_its_next_refresh():
    people, vacancies, placements = world(1)
    consumer, store = loaded(people, vacancies, placements[:40])
    now = [0.0]
    api = new_matcher(clock=lambda: now[0], model_refresh_s=60)
    api.sync(store)
    assert api.model_version == api.blend_version
    consumer.apply_placements(store, recorded_placements(placements[40:]))
    now[0] = 30.0
    api.sync(store)
    assert api.model_version == api.blend_version  # not yet due
    now[0] = 61.0
    api.sync(store)
    assert api.model_version == consumer.model_version != consumer.blend_version


def test_swapping_protected_attributes_between_people_changes_neither_the_model_nor_any_score():
    a = world(1)
    b = world(1, protected=[PROTECTED[2], PROTECTED[0], PROTECTED[1]])
    assert a[0] != b[0]  # the events differ only in those attributes
    ma, sa = loaded(*a)
    mb, sb = loaded(*b)
    assert ma.decision.adopted and ma.model_version == mb.model_version
    assert rankings(ma, sa, a[0]) == rankings(mb, sb, b[0])
    assert [x.score for x in ma.for_vacancy(sa, uid(2, 0))] == [x.score for x in mb.for_vacancy(sb, uid(2, 0))]


def test_filled_and_closed_vacancies_still_teach_the_model():
    people, vacancies, placements = world(1)
    m, store = loaded(people, vacancies, placements)
    version = m.model_version
    for v in vacancies[:8]:
        m.change_vacancy_status(store, v["vacancy_id"], "closed", "2026-03-10T00:00:00+00:00")
    before = len(m.embedder.inner.calls)
    m.refresh_model(store)
    assert len(m.embedder.inner.calls) == before  # their vectors came from the cache, not the encoder
    assert m.decision.outcomes == 300 and m.model_version == version


def test_an_adopted_models_scores_are_ranked_by_the_same_usefulness_rule_as_the_blends():
    """The model's score replaces the blend's; a blocked item still ranks by its score times ``blocked``."""
    fake = FakeReranker("semantic", min_outcomes=1)
    m, store = new_matcher(fake), InMemoryReadModelStore()
    p = profile(text={"experience": FAMILIES[0], "skills": ""})
    alike_but_blocked = vacancy(title=FAMILIES[0], description=FAMILIES[0], licence_required=True)
    unlike = vacancy(title=FAMILIES[1], description=FAMILIES[1])
    m.apply_profiles(store, published_profiles([p]))
    m.apply_vacancies(store, published_vacancies([alike_but_blocked, unlike]))
    m.apply_placements(store, recorded_placements([{"placement_id": uid(3, 1), "profile_id": p["profile_id"],
                                "vacancy_id": unlike["vacancy_id"], "outcome": "hired",
                                "recorded_at": "2026-03-02T00:00:00+00:00"}]))
    assert len(fake.calls) == 1 and [e.label for e in fake.calls[0]] == [1]
    ranked = m.for_profile(store, p["profile_id"])
    assert {x.model_version for x in ranked} == {"rerank-fake"}
    assert all(x.score == pytest.approx(x.parts["semantic"], abs=1e-6) for x in ranked)
    # The blocked job's text is the profile's: its model score beats the other's even after the penalty.
    assert [(x.vacancy_id, x.eligible) for x in ranked] == [(alike_but_blocked["vacancy_id"], False),
                                                          (unlike["vacancy_id"], True)]
    assert ranked[0].score * m.weights.blocked > ranked[1].score


def test_the_sklearn_reranker_is_deterministic_on_the_same_rows():
    rng = np.random.default_rng(5)
    examples = []
    for i in range(400):
        parts = {"semantic": float(rng.random()), "occupation": 1.0, "skills": float(rng.random()),
                 "experience": None, "language": 1.0, "location": 0.8}
        examples.append(Example(uid(1, i // 4), uid(2, i), parts, 0.7 * parts["semantic"] + 0.1 * parts["skills"],
                                int(parts["skills"] > 0.5)))
    one, two = SklearnReranker().train(examples, "blend-x"), SklearnReranker().train(examples[::-1], "blend-x")
    assert one.adopted and one.report() == two.report()
    assert SklearnReranker().train(examples, "blend-y").candidate_version != one.candidate_version
    parts = [e.parts for e in examples[:20]]
    assert np.array_equal(one.model.score(parts), two.model.score(parts))


def test_the_bootstrap_auc_agrees_with_scikit_learns_on_weighted_pairs_with_ties():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 200)
    scores = np.round(rng.random(200), 1)  # many ties
    weights = rng.integers(0, 4, 200)
    assert weighted_auc(y, scores, weights) == pytest.approx(roc_auc_score(y, scores, sample_weight=weights))


@pytest.fixture
def service(tmp_path):
    settings = load_settings({}, bus="memory", secret_key="k" * 40,
                             database_url=f"sqlite:///{tmp_path / 'matching.db'}")
    container = build_container(SERVICE, settings, bus=InMemoryBus(), data_dir=tmp_path)
    encoder = HashingTestEncoder()
    container.extras[SERVICE_KEY] = sql_service(container, encoder, ExactIndex(encoder.dim), ExactIndex(encoder.dim),
                                                today=lambda: date(2026, 3, 1), reranker=SklearnReranker())
    handlers = SERVICE.handlers(container)

    def deliver(type_, key, items):
        with SqlInbox(container.sessions, "matching").transaction() as tx:
            events = tx.claim([Event(type=f"org.puente.{type_}.v1", source="/services/test", subject=d[key],
                                     data=d) for d in items])
            if events:
                handlers[events[0].type](events, tx)

    return container, deliver, SERVICE.create_app(container).test_client()


def test_admins_see_which_model_ranks_and_how_it_compared_with_the_blend_on_held_out_outcomes(service):
    container, deliver, client = service
    admin = {"Authorization": f"Bearer {container.issuer.issue('u1', 'admin', 'puente')}"}
    counsellor = {"Authorization": f"Bearer {container.issuer.issue('u2', 'counsellor', 'centre-lima')}"}
    people, vacancies, placements = world(1, protected=[{}, {}, {}])
    deliver("profile.published", "profile_id", people)
    deliver("vacancy.published", "vacancy_id", vacancies)
    before = client.get("/api/v1/matching/model", headers=admin)
    assert before.status_code == 200, before.json
    assert before.json["state"] == "not_trained" and before.json["model_version"].startswith("blend-1")

    deliver("vacancy.closed", "vacancy_id", [{"vacancy_id": v["vacancy_id"], "reason": "filled",
                                              "closed_at": "2026-03-10T00:00:00+00:00"} for v in vacancies[:4]])
    for start in range(0, len(placements), 200):  # several batches, as a consumer would get them
        deliver("placement.recorded", "placement_id", placements[start:start + 200])
    r = client.get("/api/v1/matching/model", headers=admin)
    assert r.status_code == 200, r.json
    body = r.json
    assert body["state"] == "adopted" and body["model_version"] == body["training"]["candidate_version"]
    assert body["training"]["model_auc"] - body["training"]["blend_auc"] >= body["policy"]["margin"]
    assert set(body["training"]["coefficients"]) == set(FEATURES)
    in_memory, _ = loaded(*world(1))  # the same outcomes through the in-memory store learn the same model
    assert body["model_version"] == in_memory.model_version

    ranked = client.get(f"/api/v1/matches?profile={people[0]['profile_id']}", headers=counsellor)
    assert ranked.status_code == 200, ranked.json
    assert ranked.json["model_version"] == body["model_version"]
    assert {i["explanation"]["model_version"] for i in ranked.json["items"]} == {body["model_version"]}
    assert client.get("/api/v1/matching/model", headers=counsellor).status_code == 403
