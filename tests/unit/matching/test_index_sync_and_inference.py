from services.matching.adapters.memory import InMemoryReadModelStore
from services.matching.domain.concepts import ConceptBridge
from services.matching.index import ExactIndex, FakeIndex
from services.matching.usecases import MatchingService
from shared.encoders import CachedEncoder, InMemoryEmbeddingCache
from shared.taxonomy import load_taxonomy
from shared.taxonomy.normalize import ConceptMatch
from tests.unit.matching.support import (
    HashingTestEncoder,
    matcher,
    profile,
    profile_view,
    published_profiles,
    published_vacancies,
    vacancy,
)


def api_side(writer: MatchingService) -> MatchingService:
    """Return a second matcher over the same store, as an API process beside the consumer would hold."""
    encoder = HashingTestEncoder()
    return MatchingService(writer.taxonomy, CachedEncoder(encoder, InMemoryEmbeddingCache()), ExactIndex(encoder.dim),
                           ExactIndex(encoder.dim), bridge=writer.bridge)


class CountingIndex(FakeIndex):
    def __init__(self):
        super().__init__()
        self.upserted: list[str] = []
        self.cleared = 0

    def upsert(self, ids, vectors):
        self.upserted.extend(ids)
        super().upsert(ids, vectors)

    def clear(self):
        self.cleared += 1
        super().clear()


def test_a_reader_loads_everything_once_then_only_the_rows_changed_since():
    writer, store = matcher(), InMemoryReadModelStore()
    p = profile()
    jobs = [vacancy(title=f"Enfermera {i}") for i in range(3)]
    writer.apply_profiles(store, published_profiles([p]))
    writer.apply_vacancies(store, published_vacancies(jobs))
    reader = api_side(writer)
    reader.vacancy_index = CountingIndex()
    reader.sync(store)
    assert sorted(reader.vacancy_index.upserted) == sorted(j["vacancy_id"] for j in jobs)

    late = vacancy(title="Enfermera de noche")
    writer.apply_vacancies(store, published_vacancies([late]))
    writer.change_vacancy_status(store, jobs[0]["vacancy_id"], "closed", "2026-03-02T00:00:00+00:00")
    reader.vacancy_index.upserted.clear()
    reader.sync(store)
    assert reader.vacancy_index.upserted == [late["vacancy_id"]]
    assert reader.vacancy_index.cleared == 1  # the first load only
    assert set(reader.vacancy_index.vectors) == {late["vacancy_id"], jobs[1]["vacancy_id"], jobs[2]["vacancy_id"]}
    reader.sync(store)
    assert reader.vacancy_index.upserted == [late["vacancy_id"]]  # nothing new: nothing read


def test_a_rebuild_mark_makes_a_reader_reload_its_index_whole():
    writer, store = matcher(), InMemoryReadModelStore()
    job = vacancy()
    writer.apply_vacancies(store, published_vacancies([job]))
    reader = api_side(writer)
    reader.vacancy_index = CountingIndex()
    reader.sync(store)
    store.state["vacancies"].clear()
    store.state["vectors"].clear()
    store.reset()
    reader.sync(store)
    assert reader.vacancy_index.cleared == 2 and len(reader.vacancy_index) == 0


def test_a_withdrawn_profile_leaves_the_readers_profile_index():
    writer, store = matcher(), InMemoryReadModelStore()
    p = profile()
    writer.apply_profiles(store, published_profiles([p]))
    reader = api_side(writer)
    reader.sync(store)
    assert len(reader.profile_index) == 1
    writer.withdraw_profile(store, p["profile_id"])
    reader.sync(store)
    assert len(reader.profile_index) == 0


class FakeNormalizer:
    """Answers from a table: text -> occupations; records the language it was asked in."""

    def __init__(self, table):
        self.table, self.asked = table, []

    def normalize(self, text, lang=None, kind=None, limit=5):
        self.asked.append((text, lang))
        return [ConceptMatch(code, "occupation", code, score, "synonym")
                for code, score in self.table.get(text, [])][:limit]

    def extract_skills(self, text, lang=None, limit=20):
        return [ConceptMatch("S1001", "skill", "x", 0.9, "synonym"), ConceptMatch("S1002", "skill", "y", 0.3,
                                                                                    "embedding")]


def test_the_bridge_asks_the_normaliser_in_the_texts_language_and_keeps_only_close_embedding_skills():
    normalizer = FakeNormalizer({"Mwen se enfimyè": [("2221", 0.9), ("3221", 0.6)]})
    bridge = ConceptBridge(load_taxonomy(), normalizer_factory=lambda: normalizer)
    assert bridge.occupations(["Mwen se enfimyè"], ["ht"]) == [{"2221": 0.9, "3221": 0.6}]
    assert normalizer.asked == [("Mwen se enfimyè", "ht")]
    assert bridge.skills("anything", "ht") == frozenset({"S1001"})


def test_a_trade_named_in_one_sentence_of_a_profile_counts_for_less_than_the_whole_texts_reading():
    first, second = "Fue maestra de primaria durante doce años.", "Ahora trabaja como auxiliar en un jardín infantil."
    text = f"{first} {second}"
    normalizer = FakeNormalizer({text: [("2341", 0.9)], second: [("5311", 0.8), ("2341", 0.5)]})
    bridge = ConceptBridge(load_taxonomy(), normalizer=normalizer)
    assert bridge.profile_occupations([text], ["es"]) == [{"2341": 0.9, "5311": 0.56}]
    assert (second, "es") in normalizer.asked


def test_a_vacancy_published_without_a_code_gets_the_occupation_its_title_names():
    title, description = "Cuidador de idosos", "Casa de repouso contrata; também limpeza e cozinha."
    normalizer = FakeNormalizer({title: [("5322", 0.8)],
                                 f"{title}. {description}": [("9112", 0.9), ("5322", 0.7)]})
    m = matcher()
    m.bridge = ConceptBridge(m.taxonomy, normalizer=normalizer)
    store = InMemoryReadModelStore()
    job = vacancy(occupation=None, title=title, description=description, language="pt")
    m.apply_vacancies(store, published_vacancies([job]))
    assert store.get_vacancy(job["vacancy_id"]).occupation == "5322"


def test_the_audit_withholds_rates_of_groups_too_small_to_stay_anonymous_and_ignores_unknown_ids():
    from services.matching.domain.audit import audit_report
    from services.matching.domain.readmodels import Placement

    people = [profile_view(profile(country="PE")) for _ in range(6)] + [
        profile_view(profile(country="CL"))]
    slots = [people[0].profile_id] * 3 + [people[6].profile_id, "someone-withdrawn"]
    placements = [Placement("pl1", people[1].profile_id, "v", "hired", "2026-03-01T00:00:00+00:00"),
                  Placement("pl2", people[2].profile_id, "v", "rejected", "2026-03-01T00:00:00+00:00")]
    report = {g["group"]: g for g in audit_report(slots, people, placements, by="country", min_group=5)}
    assert report["PE"] == {"group": "PE", "profiles": 6, "top_slots": 3, "placed": 1, "exposure": 0.75,
                            "exposure_ratio": round(0.75 / (6 / 7), 4), "placement_rate": round(1 / 6, 4)}
    assert report["CL"]["top_slots"] == 1 and report["CL"]["exposure"] is None
    assert report["CL"]["placement_rate"] is None


def test_the_normaliser_setting_picks_lexical_or_embedding_reading_and_refuses_anything_else(tmp_path):
    import types

    import pytest

    from services.matching.app import build_service
    from shared.settings import SettingsError, load_settings

    def built(**env):
        settings = load_settings({"PUENTE_MATCHING_LABEL_CACHE": str(tmp_path), **env}, bus="memory")
        container = types.SimpleNamespace(sessions=None, outbox=None, settings=settings)
        return build_service(container, encoder=HashingTestEncoder())

    assert built().bridge.normalizer.encoder is None
    assert built(PUENTE_MATCHING_NORMALIZER="embedding").bridge.normalizer.encoder is not None
    with pytest.raises(SettingsError) as err:
        load_settings({"PUENTE_MATCHING_NORMALIZER": "magic"}, bus="memory")
    assert "lexical" in err.value.problems["PUENTE_MATCHING_NORMALIZER"]
