from datetime import date

import numpy as np
import pytest

from services.matching.adapters.memory import InMemoryReadModelStore
from services.matching.domain.eligibility import eligibility
from services.matching.domain.explanation import blockers_out, explain
from services.matching.domain.scoring import Weights
from services.matching.index import ExactIndex, FakeIndex
from shared.encoders import CachedEncoder, InMemoryEmbeddingCache
from tests.unit.matching.support import (
    HashingTestEncoder,
    assessed_credentials,
    credential,
    credential_view,
    matcher,
    profile,
    profile_view,
    published_profiles,
    published_vacancies,
    vacancy,
    vacancy_view,
)

TODAY = date(2026, 3, 1)


def codes(p, v, creds=()):
    return [b.code for b in eligibility(profile_view(p), vacancy_view(v),
                                        [credential_view(c) for c in creds], TODAY)]


def test_a_pair_that_meets_every_rule_has_no_blockers():
    assert codes(profile(), vacancy()) == []


def test_work_authorization_in_process_or_missing_or_expired_blocks_when_the_vacancy_needs_it():
    for auth in ([{"country": "PE", "category": "in_process"}], [],
                 [{"country": "PE", "category": "permit", "expires": "2025-01-01"}],
                 [{"country": "CO", "category": "permit"}]):
        assert codes(profile(work_authorization=auth), vacancy()) == ["work_authorization"]
    assert codes(profile(work_authorization=[]), vacancy(work_authorization_required=False)) == []


def test_a_licence_needs_a_recognised_assessment_for_the_vacancys_country_and_occupation():
    p = profile()
    licensed = vacancy(licence_required=True)
    assert codes(p, licensed) == ["licence_required"]
    assert codes(p, licensed, [credential(p["profile_id"])]) == []
    pending = credential(p["profile_id"], status="procedure_required", workflow_status="assessed",
                         occupations_now=[], occupations_later=["2221"])
    assert codes(p, licensed, [pending]) == ["licence_required"]
    assert codes(p, licensed, [credential(p["profile_id"], destination_country="CL")]) == ["licence_required"]


def test_a_required_language_below_its_cefr_level_blocks_and_native_counts_above_c2():
    haitian = profile(languages=[{"code": "ht", "level": "native"}, {"code": "es", "level": "A2"}])
    assert codes(haitian, vacancy()) == ["language"]
    assert codes(profile(), vacancy(languages=[{"code": "es", "min_level": "C2"}])) == []


def test_another_country_blocks_unless_the_person_would_move_there_or_the_job_is_remote():
    away = vacancy(country="CL", work_authorization_required=False)
    assert codes(profile(), away) == ["location"]
    assert codes(profile(willing_to_relocate=True), away) == []
    assert codes(profile(willing_to_relocate=True, relocation_countries=["AR"]), away) == ["location"]
    assert codes(profile(), {**away, "remote": True}) == []


def test_every_blocker_is_reported_not_just_the_first():
    p = profile(country="CO", work_authorization=[], languages=[{"code": "fr", "level": "C1"}])
    assert sorted(codes(p, vacancy(licence_required=True))) == [
        "language", "licence_required", "location", "work_authorization"]


def ranked_for(m, store, pid):
    return [(x.vacancy_id, x.eligible) for x in m.for_profile(store, pid)]


def test_held_and_closed_vacancies_never_appear_and_a_late_older_publish_cannot_reopen_them():
    m, store = matcher(), InMemoryReadModelStore()
    p = profile()
    m.apply_profiles(store, published_profiles([p]))
    held, closed, open_ = vacancy(), vacancy(), vacancy()
    m.apply_vacancies(store, published_vacancies([held, closed, open_]))
    m.change_vacancy_status(store, held["vacancy_id"], "held", "2026-03-01T11:00:00+00:00")
    m.change_vacancy_status(store, closed["vacancy_id"], "closed", "2026-03-01T11:00:00+00:00")
    m.apply_vacancies(store, published_vacancies([held]))  # replayed publish, older than the hold
    assert [v for v, _ in ranked_for(m, store, p["profile_id"])] == [open_["vacancy_id"]]
    assert m.for_vacancy(store, held["vacancy_id"]) is None


def test_a_blocked_job_in_the_persons_trade_ranks_above_an_eligible_one_in_another_trade_which_is_left_out():
    m, store = matcher(), InMemoryReadModelStore()
    p = profile()
    m.apply_profiles(store, published_profiles([p]))
    blocked = vacancy(licence_required=True)  # the person's own trade and text, but a licence is missing
    twin = vacancy()  # the same job with nothing missing: the same fit
    cook = vacancy(occupation="5120", title="Cocinero", description="Restaurante busca cocinero.", required_skills=[])
    m.apply_vacancies(store, published_vacancies([blocked, twin, cook]))
    ranked = m.for_profile(store, p["profile_id"])
    # The eligible job of the same fit first, then the one a licence would unlock; the cook's job is no match.
    assert [(x.vacancy_id, x.eligible) for x in ranked] == [(twin["vacancy_id"], True),
                                                          (blocked["vacancy_id"], False)]
    assert ranked[0].score == ranked[1].score
    everything = matcher(weights=Weights(plausible=0))
    everything.sync(store)  # the same read models, indexed afresh
    # Kept, the cook's job (eligible, another trade) still ranks after the job a licence would unlock.
    assert ranked_for(everything, store, p["profile_id"]) == [
        (twin["vacancy_id"], True), (blocked["vacancy_id"], False), (cook["vacancy_id"], True)]


def test_the_score_blend_is_a_weighted_mean_of_its_parts_in_zero_to_one():
    m, store = matcher(), InMemoryReadModelStore()
    p, v = profile(), vacancy()
    m.apply_profiles(store, published_profiles([p]))
    m.apply_vacancies(store, published_vacancies([v]))
    match = m.for_profile(store, p["profile_id"])[0]
    parts = {k: x for k, x in match.parts.items() if x is not None}
    w = Weights()
    expected = sum(getattr(w, k) * x for k, x in parts.items()) / sum(getattr(w, k) for k in parts)
    assert match.score == pytest.approx(expected, abs=1e-6)
    assert 0 <= match.score <= 1
    assert parts["occupation"] == 1.0 and parts["skills"] == 0.5 and parts["experience"] == 1.0


def test_occupation_credit_falls_with_isco_distance():
    m, store = matcher(weights=Weights(plausible=0)), InMemoryReadModelStore()
    p = profile()
    m.apply_profiles(store, published_profiles([p]))
    same, minor, other = vacancy(), vacancy(occupation="5322"), vacancy(occupation="9112")
    m.apply_vacancies(store, published_vacancies([same, minor, other]))
    credit = {x.vacancy_id: x.parts["occupation"] for x in m.for_profile(store, p["profile_id"])}
    assert credit[same["vacancy_id"]] > credit[minor["vacancy_id"]] > credit[other["vacancy_id"]] == 0.0


def test_a_credential_counts_as_training_for_the_occupations_it_opens_but_a_school_diploma_does_not():
    m, store = matcher(weights=Weights(plausible=0)), InMemoryReadModelStore()
    p = profile(occupations=[], text={"skills": "", "experience": "Llegó a Lima en 2022."})
    m.apply_profiles(store, published_profiles([p]))
    nursing, shop = vacancy(occupation="2221"), vacancy(occupation="5223", licence_required=False)
    m.apply_vacancies(store, published_vacancies([nursing, shop]))

    def credit():
        return {x.vacancy_id: x.parts["occupation"] for x in m.for_profile(store, p["profile_id"])}

    before = credit()
    assert before[nursing["vacancy_id"]] < 0.3
    # A nursing degree still awaiting recognition: trained for nursing, so the job gets occupation credit
    # (whether a licence is missing stays a blocker's business).
    m.apply_credentials(store, assessed_credentials([credential(
        p["profile_id"], status="procedure_required", workflow_status="assessed", occupations_now=[],
        occupations_later=["2221"])]))
    assert credit()[nursing["vacancy_id"]] == pytest.approx(0.9)
    # A general secondary diploma opens shop work but trains for no trade.
    m.apply_credentials(store, assessed_credentials([credential(p["profile_id"], field="0011", level=3,
                                                                occupations_now=["5223"])]))
    assert credit()[shop["vacancy_id"]] == before[shop["vacancy_id"]] < 0.3


def test_weights_come_from_a_mapping_and_unknown_or_negative_ones_are_refused():
    assert Weights.from_mapping({"semantic": 2}).semantic == 2.0
    with pytest.raises(ValueError):
        Weights.from_mapping({"nationality": 1})
    with pytest.raises(ValueError):
        Weights.from_mapping({"location": -1})


@pytest.mark.parametrize("lang", ["es", "pt", "en", "fr"])
def test_explanations_and_blockers_read_in_each_language(lang):
    m, store = matcher(weights=Weights(plausible=0)), InMemoryReadModelStore()  # keeps the job abroad
    p = profile(languages=[{"code": "es", "level": "A2"}], work_authorization=[])
    v = vacancy(licence_required=True, country="CL")
    m.apply_profiles(store, published_profiles([p]))
    m.apply_vacancies(store, published_vacancies([v]))
    match = m.for_profile(store, p["profile_id"])[0]
    out = blockers_out(match, lang)
    assert {b["code"] for b in out} == {"work_authorization", "licence_required", "language", "location"}
    assert all(b["message"] and b["next_step"] for b in out)
    expl = explain(match, vacancy_view(v), m.taxonomy, lang)
    label = m.taxonomy.label("5321", lang)
    assert expl["occupation"]["vacancy_label"] == label and label in expl["sentence"]
    assert expl["credential_status"] == "none"
    assert [s["code"] for s in expl["missing_skills"]] == ["S1003"]
    others = {blockers_out(match, o)[0]["message"] for o in ("es", "pt", "en", "fr")}
    assert len(others) == 4  # really translated, not one text four times


def test_the_settings_know_exactly_the_blends_weights():
    from shared.settings import MATCHING_WEIGHTS

    assert set(MATCHING_WEIGHTS) == set(Weights.__dataclass_fields__)


def test_unchanged_texts_are_never_encoded_twice():
    encoder = HashingTestEncoder()
    embedder = CachedEncoder(encoder, InMemoryEmbeddingCache())
    embedder.encode(["uno", "dos", "uno"])
    embedder.encode(["dos", "tres"])
    assert encoder.calls == [["uno", "dos"], ["tres"]]


def test_a_republished_unchanged_vacancy_is_not_encoded_again():
    encoder = HashingTestEncoder()
    m, store = matcher(encoder), InMemoryReadModelStore()
    v = vacancy()
    m.apply_vacancies(store, published_vacancies([v]))
    before = m.embedder.encoded
    m.apply_vacancies(store, published_vacancies([{**v, "published_at": "2026-03-02T00:00:00+00:00"}]))
    assert m.embedder.encoded == before


def test_the_exact_index_agrees_with_the_fake_after_updates_and_removals():
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(50, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = [f"v{i:02d}" for i in range(50)]
    exact, fake = ExactIndex(16, capacity=4), FakeIndex()
    for index in (exact, fake):
        index.upsert(ids, vectors)
        index.remove(ids[10:20])
        index.upsert(ids[:5], vectors[45:50])
    query = vectors[3]
    assert [i for i, _ in exact.search(query, 10)] == [i for i, _ in fake.search(query, 10)]
    assert len(exact) == len(fake) == 40
    assert exact.similarity(query, ["v15", "v30"]).keys() == {"v30"}


def test_new_strong_eligible_matches_are_suggested_once():
    m, store = matcher(), InMemoryReadModelStore()
    m.strong = 0.5
    p, v = profile(), vacancy()
    m.apply_profiles(store, published_profiles([p]))
    m.apply_vacancies(store, published_vacancies([v]))
    first = m.suggestions(store, vacancies=[v["vacancy_id"]])
    assert [(s.profile_id, s.vacancy_id, s.eligible) for s in first] == [(p["profile_id"], v["vacancy_id"], True)]
    assert m.suggestions(store, profiles=[p["profile_id"]]) == []


def test_rescoring_a_pair_under_its_own_weights_gives_its_score_back_and_other_weights_move_only_the_blend():
    from services.matching.domain.scoring import rescore

    m, store = matcher(), InMemoryReadModelStore()
    p, v = profile(), vacancy()
    m.apply_profiles(store, published_profiles([p]))
    m.apply_vacancies(store, published_vacancies([v]))
    [(match, cosine)] = m.profile_pairs(store, p["profile_id"])
    assert rescore(match, cosine, m.weights) == match
    stricter = rescore(match, cosine, Weights(semantic_floor=0.9))
    assert stricter.parts["semantic"] < match.parts["semantic"] and stricter.score < match.score
    assert stricter.blockers == match.blockers and stricter.parts["occupation"] == match.parts["occupation"]
