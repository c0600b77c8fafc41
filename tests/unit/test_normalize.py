import json

import numpy as np
import pytest

from shared.encoders import HashingEncoder
from shared.taxonomy import load_taxonomy
from shared.taxonomy.normalize import ConceptMatch, Normalizer, degender, split_phrases, stem, term_tokens

VERSION = "2026.11.0"


def _occupation(code, parent, labels, synonyms=None):
    return {"code": code, "level": len(code), "parent": parent, "labels": labels, "synonyms": synonyms or {}}


def _labels(es, pt, en, fr):
    return {"es": es, "pt": pt, "en": en, "fr": fr}


def _tiny_taxonomy(tmp_path):
    isco = [
        _occupation("7", None, _labels("Oficiales", "Trabalhadores", "Craft workers", "Artisans")),
        _occupation("71", "7", _labels("Construcción", "Construção", "Building workers", "Bâtiment")),
        _occupation("711", "71", _labels("Obra gruesa", "Estrutura", "Frame builders", "Gros œuvre")),
        _occupation("7112", "711", _labels("Albañiles", "Pedreiros", "Bricklayers", "Maçons"),
                    {"es": ["albañil", "maestro de obra"], "pt": ["pedreiro"], "en": ["mason"], "ht": ["bòs mason"]}),
        _occupation("5", None, _labels("Servicios", "Serviços", "Service workers", "Services")),
        _occupation("51", "5", _labels("Servicios personales", "Serviços pessoais", "Personal services", "Personnel")),
        _occupation("512", "51", _labels("Cocineros", "Cozinheiros", "Cooks", "Cuisiniers")),
        _occupation("5120", "512", _labels("Cocineros", "Cozinheiros", "Cooks", "Cuisiniers"),
                    {"es": ["cocinero", "cocinera"], "pt": ["cozinheiro", "cozinheira"], "en": ["chef"],
                     "ht": ["kizinyè"]}),
        _occupation("9", None, _labels("Elementales", "Elementares", "Elementary", "Élémentaires")),
        _occupation("92", "9", _labels("Peones agro", "Trabalhadores agro", "Farm labourers", "Manœuvres")),
        _occupation("921", "92", _labels("Peones agro", "Trabalhadores agro", "Farm labourers", "Manœuvres")),
        _occupation("9211", "921", _labels("Peones de cultivos", "Trabalhadores rurais", "Crop farm labourers",
                                           "Manœuvres agricoles"),
                    {"es": ["jornalero agrícola"], "pt": ["boia-fria"], "en": ["farmhand"]}),
    ]
    skills = [
        {"code": "S1001", "domain": "construction", "occupations": ["7112"],
         "labels": _labels("Mampostería", "Alvenaria", "Bricklaying", "Maçonnerie"),
         "synonyms": {"es": ["pega de ladrillo", "levantar muros"], "pt": ["assentamento de tijolos"]}},
        {"code": "S3001", "domain": "hospitality", "occupations": ["5120"],
         "labels": _labels("Cocina criolla", "Cozinha típica", "Local cooking", "Cuisine locale"),
         "synonyms": {"es": ["comida criolla"], "ht": ["fè manje"]}},
        {"code": "S2001", "domain": "agriculture", "occupations": ["9211"],
         "labels": _labels("Cosecha de frutas", "Colheita de frutas", "Fruit picking", "Cueillette de fruits"),
         "synonyms": {"es": ["cosechar"], "ht": ["keyi fwi"]}},
        {"code": "S2002", "domain": "agriculture", "occupations": ["9211"],
         "labels": _labels("Siembra", "Plantio", "Planting", "Plantation"),
         "synonyms": {"es": ["sembrar"], "pt": ["plantar"], "ht": ["plante"]}},
    ]
    for name, concepts in (("isco08.json", isco), ("skills.json", skills)):
        (tmp_path / name).write_text(json.dumps({"version": VERSION, "concepts": concepts}), encoding="utf-8")
    return load_taxonomy(tmp_path, strict_counts=False)


@pytest.fixture
def taxonomy(tmp_path):
    return _tiny_taxonomy(tmp_path)


@pytest.fixture
def normalizer(taxonomy):
    return Normalizer(taxonomy, HashingEncoder())


# ---------------------------------------------------------------- text helpers


def test_gendered_notations_reduce_to_the_base_word():
    assert degender("Cocinero/a para restaurante") == "Cocinero para restaurante"
    assert degender("Trabalhador(a) rural") == "Trabalhador rural"
    assert degender("Operarios/as de campo") == "Operarios de campo"


def test_stemming_merges_gender_and_number_but_leaves_short_words():
    assert stem("enfermeras") == stem("enfermero") == stem("enfermera")
    assert stem("peones") == stem("peón".replace("ó", "o"))
    assert stem("de") == "de"


def test_term_tokens_fold_case_and_accents_and_drop_function_words():
    assert term_tokens("Ayudante de Cocina") == term_tokens("ayudante cocina")
    assert term_tokens("Albañil") == term_tokens("albanil")


def test_split_phrases_cuts_at_punctuation_and_conjunctions():
    assert split_phrases("Sé sembrar y cosechar; también cocino. Busco trabajo") == [
        "Sé sembrar", "cosechar", "también cocino", "Busco trabajo"]


# ---------------------------------------------------------------- normalize


def test_an_exact_synonym_in_any_language_finds_its_occupation_first(normalizer):
    for text in ("albañil", "Pedreiro", "MASON", "bòs mason", "Maestro de Obra"):
        first = normalizer.normalize(text, kind="occupation")[0]
        assert (first.code, first.kind) == ("7112", "occupation"), text
        assert first.via in ("synonym", "both") and first.score >= 0.9


def test_gendered_and_accentless_forms_match_like_the_written_synonym(normalizer):
    assert normalizer.normalize("Cocinero/a de línea", kind="occupation")[0].code == "5120"
    assert normalizer.normalize("cozinheira", kind="occupation")[0].code == "5120"
    assert normalizer.normalize("albanil", kind="occupation")[0].code == "7112"


def test_a_misspelt_title_is_still_found(normalizer):
    assert normalizer.normalize("cozinhero", kind="occupation")[0].code == "5120"


def test_a_very_short_word_counts_only_as_written_in_its_own_spelling():
    normalizer = Normalizer(load_taxonomy(), None)

    def codes(text, lang):
        return [m.code for m in normalizer.normalize(text, lang, kind="occupation")]

    assert "2636" not in codes("Entregador a pé ou de bicicleta", "pt")  # "pè" is a priest in Creole
    assert "2636" in codes("Se pè nan legliz la", "ht")
    assert "5131" in codes("Se buscan mozos para restaurante", "es")  # a plural still counts


def test_a_creole_life_story_is_read_through_creole_words_for_the_work():
    normalizer = Normalizer(load_taxonomy(), None)
    story = ("Mwen rele Jean, mwen gen 30 an. Ann Ayiti mwen te konn travay latè: plante diri, pwa ak mayi, "
             "sekle, wouze jaden. Kounye a mwen chèche travay.")
    assert normalizer.normalize(story, "ht", kind="occupation")[0].code == "9211"
    # ... and a Creole word that is also a Portuguese one does not leak into Portuguese ads.
    assert normalizer.normalize("Vaga com horário livre e vale transporte", "pt", kind="occupation") == []


def test_an_article_is_not_read_as_part_of_a_title():
    normalizer = Normalizer(load_taxonomy(), None)
    # "técnico en uñas" (5142) once met "técnico en un banco" through a typo-tolerant match.
    found = [m.code for m in normalizer.normalize("Nueve años como soporte técnico en un banco", "es",
                                                  kind="occupation")]
    assert found[0] == "3512" and "5142" not in found


def test_a_short_ordinary_word_is_not_taken_for_a_misspelt_title():
    normalizer = Normalizer(load_taxonomy(), None)
    # "maison" is six letters from "maçon": too short to call it a typo.
    assert "7112" not in [m.code for m in normalizer.normalize("employée de maison", "fr", kind="occupation")]


def test_a_longer_word_that_contains_a_title_is_not_taken_for_a_misspelling_of_it():
    lexical = Normalizer(load_taxonomy(), None)
    found = {m.code for m in lexical.normalize("Fiz o técnico em gastronomia.", "pt", kind="occupation")}
    assert "2111" not in found  # "gastronomia" is no misspelt "astronomo"
    assert lexical.normalize("cozinhero", "pt", kind="occupation")[0].code == "5120"


def test_results_are_ranked_scored_within_0_and_1_and_limited(normalizer):
    matches = normalizer.normalize("maestro de obra y albañil", limit=3)
    assert 1 <= len(matches) <= 3
    assert all(isinstance(m, ConceptMatch) and 0.0 <= m.score <= 1.0 for m in matches)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_kind_filters_occupations_and_skills_and_rejects_other_kinds(normalizer):
    assert {m.kind for m in normalizer.normalize("pega de ladrillo albañil", kind="skill")} == {"skill"}
    assert {m.kind for m in normalizer.normalize("pega de ladrillo albañil", kind="occupation")} == {"occupation"}
    with pytest.raises(ValueError, match="kind"):
        normalizer.normalize("albañil", kind="trade")


def test_occupations_are_unit_groups_only(normalizer):
    codes = {m.code for m in normalizer.normalize("cocineros", kind="occupation", limit=10)}
    assert codes and all(len(code) == 4 for code in codes)


def test_labels_come_in_the_language_asked_for(normalizer):
    assert normalizer.normalize("pedreiro", lang="pt", kind="occupation")[0].label == "Pedreiros"
    assert normalizer.normalize("pedreiro", lang="fr", kind="occupation")[0].label == "Maçons"


def test_a_text_without_content_finds_nothing(normalizer):
    assert normalizer.normalize("") == []
    assert normalizer.normalize("   ") == []


def test_without_an_encoder_only_synonym_hits_are_returned(taxonomy):
    plain = Normalizer(taxonomy)
    assert [m.via for m in plain.normalize("pedreiro")] == ["synonym"]
    assert plain.normalize("xyzzy qwerty") == []


def test_embedding_similarity_alone_can_find_a_concept(normalizer):
    # "cozinhar" (to cook) is no synonym, but its character n-grams sit close to "Cozinheiros".
    first = normalizer.normalize("cozinhar", kind="occupation")[0]
    assert first.code == "5120" and first.via == "embedding"


def test_a_long_text_that_describes_the_work_points_at_the_trade_through_its_skills(normalizer):
    text = ("Mwen rele Jean, mwen gen 30 an. Ann Ayiti mwen te konn plante diri ak mayi, "
            "epi isit la mwen keyi fwi pandan sezon an. Mwen ka deplase.")
    assert normalizer.normalize(text, kind="occupation")[0].code == "9211"


def test_an_acronym_counts_only_where_the_text_writes_it_in_capitals():
    normalizer = Normalizer(load_taxonomy(), None)
    # "PAI" (a vaccination programme, S4517) must not be read in "país" (folded and stemmed to "pai").
    assert "S4517" in [m.code for m in normalizer.normalize("Vacunador en el PAI", "es", kind="skill")]
    assert "S4517" not in [m.code for m in normalizer.normalize("Se mudaría a otro país", "es", kind="skill")]


def test_an_office_named_in_a_life_story_is_not_read_as_a_trade(shipped):
    text = ("Maestra de primaria durante doce años en Barquisimeto. Busca plaza como docente en las "
            "convocatorias de la Secretaría de Educación o en colegios privados.")
    found = [m.code for m in shipped.normalize(text, "es", kind="occupation", limit=5)]
    assert "2341" in found and "4120" not in found
    # The same word as the job sought, in running text, still counts.
    assert "4120" in [m.code for m in shipped.normalize("Trabajó como secretaria en una notaría durante ocho años "
                                                        "y busca empleo de oficina", "es", kind="occupation")]


def test_a_job_title_written_with_capitals_in_an_ad_is_no_name():
    normalizer = Normalizer(load_taxonomy(), None)
    # No definite article announces it, unlike "la Secretaría de Educación".
    ad = "Empresa de transporte con sede en Lima. Se busca Auxiliar de Bodega para el turno de noche en su centro."
    assert [m.code for m in normalizer.normalize(ad, "es", kind="occupation")][:1] == ["4321"]


def test_the_languages_someone_speaks_and_their_papers_do_not_point_at_a_trade():
    normalizer = Normalizer(load_taxonomy(), None)
    text = ("Habla español, francés y creole. Tiene PPT vigente y visa de trabajo. Trabajó seis años como "
            "albañil en obras de vivienda.")
    found = [m.code for m in normalizer.normalize(text, "es", kind="occupation", limit=5)]
    assert found[0] == "7112"
    assert not {"2643", "4222", "2353", "3411", "2619"} & set(found)  # interpreters, receptionists, legal


def test_label_embeddings_are_encoded_once_and_reused_from_the_disk_cache(taxonomy, tmp_path):
    class Counting(HashingEncoder):
        def __init__(self):
            super().__init__()
            self.texts = 0

        def encode(self, texts, kind="passage"):
            self.texts += len(texts)
            return super().encode(texts, kind)

    first, second = Counting(), Counting()
    Normalizer(taxonomy, first, label_cache_dir=tmp_path / "cache")
    reused = Normalizer(taxonomy, second, label_cache_dir=tmp_path / "cache")
    assert first.texts > 0 and second.texts == 0
    assert list((tmp_path / "cache").glob(f"taxonomy-{VERSION}-hashing_256-*.npy"))
    assert reused.normalize("albañil", kind="occupation")[0].code == "7112"


# ---------------------------------------------------------------- extract_skills


def test_extract_skills_finds_several_skills_in_a_free_text(normalizer):
    found = normalizer.extract_skills("Sé levantar muros y pega de ladrillo; también cosechar y sembrar.", lang="es")
    assert {m.code for m in found} == {"S1001", "S2001", "S2002"}
    assert all(m.kind == "skill" for m in found)
    assert next(m for m in found if m.code == "S1001").label == "Mampostería"


def test_extract_skills_respects_the_limit_and_finds_nothing_in_empty_text(normalizer):
    assert len(normalizer.extract_skills("levantar muros, cosechar, sembrar, comida criolla", limit=2)) == 2
    assert normalizer.extract_skills("") == []


# ---------------------------------------------------------------- shipped taxonomy


@pytest.fixture(scope="module")
def shipped():
    return Normalizer(load_taxonomy(), HashingEncoder())


@pytest.mark.parametrize(("text", "code"), [
    ("Albañil", "7112"), ("pedreira", "7112"), ("enfermera", "2221"), ("enfermero", "2221"),
    ("cuidadora de idosos", "5322"), ("Soldador MIG", "7212"), ("mason", "7112"),
    # Regional titles from job ads in the countries Puente serves.
    ("Tambero/a para establecimiento lechero", "9212"), ("Cadete en moto", "9621"), ("overlockista", "8153"),
    ("Trabajadora de casa particular puertas afuera", "9111"), ("motoboy", "8321"), ("Desarrollador Java", "2512"),
    ("temporero para cosecha", "9211"), ("Servente de obras", "9313"), ("tractomulero", "8332"),
])
def test_shipped_taxonomy_normalizes_common_job_titles(shipped, text, code):
    assert code in [m.code for m in shipped.normalize(text, kind="occupation", limit=3)]


def test_every_concept_term_gets_an_embedding_row(shipped):
    assert shipped._term_vectors is not None
    assert shipped._term_vectors.shape == (len(shipped._terms), shipped.encoder.dim)
    assert np.isfinite(shipped._term_vectors).all()
