"""Explanations a counsellor can read aloud: whole sentences in one language (the reader's, and the person's),
saying why this job, what is missing and the next step; never a "-" where a value is missing."""

import re
from datetime import date

import pytest

from services.matching.domain.eligibility import Blocker, eligibility
from services.matching.domain.explanation import explain, in_country, language_name, person_language
from services.matching.domain.scoring import Match
from shared.taxonomy import load_taxonomy
from tests.unit.matching.support import profile, profile_view, vacancy, vacancy_view

TAXONOMY = load_taxonomy()
TODAY = date(2026, 3, 1)
LANGS = ("es", "pt", "en", "fr")
# Words that give English away inside a Spanish, Portuguese or French text.
ENGLISH = {"the", "job", "person", "level", "course", "match", "requires", "asks", "skills", "and",
           "step", "steps", "nothing", "blocks", "not", "yet", "speak", "is", "has", "of", "to", "in"}
NAMES = {  # the country and language names each reader must see
    "es": ("en Brasil", "portugués", "inglés"), "pt": ("no Brasil", "português", "inglês"),
    "fr": ("au Brésil", "portugais", "anglais"), "en": ("in Brazil", "Portuguese", "English"),
}


def _blocked_match():
    """A Spanish-speaking nurse in Brazil: a permit under way, no recognised title, little Portuguese and no
    English, for a nursing job that lists two skills (one of which she has)."""
    p = profile_view(profile(country="BR", languages=[{"code": "es", "level": "native"},
                                                      {"code": "pt", "level": "A2"}],
                             work_authorization=[{"country": "BR", "category": "in_process"}]))
    v = vacancy_view(vacancy(country="BR", occupation="2221", required_skills=["S1001", "S1003"],
                             languages=[{"code": "pt", "min_level": "B2"}, {"code": "en", "min_level": "B1"}]))
    blockers = tuple(eligibility(p, v, [], TODAY))
    return Match(p.profile_id, v.vacancy_id, 0.62, blockers, {}, "2221", 0, ("S1001",), ("S1003",), "none", "v"), v


def _eligible_match():
    v = vacancy_view(vacancy(country="PE", occupation="5321", required_skills=["S1001"]))
    return Match("p", v.vacancy_id, 0.41, (), {}, "5322", 1, ("S1001",), (), "not_required", "v"), v


def _check_whole_sentences(text, lang):
    assert not re.search(r"(^|\s|:)-(\s|$|\.)", text), text  # no "-" standing for a missing value
    assert "%(" not in text and "None" not in text, text
    assert text.rstrip().endswith("."), text
    if lang != "en":
        words = set(re.findall(r"[A-Za-z']+", text.lower()))
        label_words = set()
        for code in ("2221", "5321", "5322", "S1001", "S1003"):
            label_words |= set(re.findall(r"[A-Za-z']+", TAXONOMY.label(code, lang).lower()))
        assert not (words - label_words) & ENGLISH, (words & ENGLISH, text)


@pytest.mark.parametrize("lang", LANGS)
def test_a_blocked_job_says_why_what_is_missing_and_the_next_steps_in_whole_sentences_of_one_language(lang):
    match, v = _blocked_match()
    out = explain(match, v, TAXONOMY, lang)
    assert out["lang"] == lang
    assert TAXONOMY.label("2221", lang) in out["why"]
    # skills gap, permit under way, regulated profession, Portuguese below level, English not spoken
    assert len(out["missing"]) == 5 and TAXONOMY.label("S1003", lang) in out["missing"][0]
    assert len(out["next_steps"]) == 4  # the two language courses are two steps; none is repeated
    for text in (out["why"], *out["missing"], *out["next_steps"], out["sentence"]):
        _check_whole_sentences(text, lang)
    for name in NAMES[lang]:
        assert name in out["sentence"], (name, out["sentence"])
    assert out["sentence"].startswith(out["why"]) and all(m in out["sentence"] for m in out["missing"])


@pytest.mark.parametrize("lang", LANGS)
def test_an_eligible_job_says_why_and_that_the_person_can_apply_now(lang):
    match, v = _eligible_match()
    out = explain(match, v, TAXONOMY, lang)
    assert out["missing"] == [] and len(out["next_steps"]) == 1
    assert TAXONOMY.label("5321", lang) in out["why"] and TAXONOMY.label("5322", lang) in out["why"]
    assert TAXONOMY.label("S1001", lang) in out["why"]  # the skill the person has is a reason, not a gap
    _check_whole_sentences(out["sentence"], lang)
    assert out["sentence"].endswith(out["next_steps"][0])


def test_each_language_reads_its_own_text_not_one_text_four_times():
    match, v = _blocked_match()
    assert len({explain(match, v, TAXONOMY, lang)["sentence"] for lang in LANGS}) == 4


def test_the_old_placeholder_and_mixed_language_slips_are_gone():
    no_skills = Match("p", "v", 0.55, (Blocker("language", "below_level", {"language": "en", "level": "B2",
                                                                             "has": "A1"}),),
                      {}, None, 4, (), (), "not_required", "v")
    v = vacancy_view(vacancy(occupation=None, required_skills=[]))
    for lang in LANGS:
        text = explain(no_skills, v, TAXONOMY, lang)["sentence"]
        assert "covered: -" not in text and " en course" not in text and "A en " not in text
        _check_whole_sentences(text, lang)
    assert "Propose a course in English up to level B2." in explain(no_skills, v, TAXONOMY, "en")["sentence"]


def test_a_native_level_is_a_word_of_the_readers_language_not_a_code():
    match = Match("p", "v", 0.5, (Blocker("language", "below_level", {"language": "pt", "level": "C2",
                                                                        "has": "native"}),),
                  {}, None, 4, (), (), "not_required", "v")
    v = vacancy_view(vacancy())
    assert "langue maternelle" in explain(match, v, TAXONOMY, "fr")["missing"][0]
    assert "nativo" in explain(match, v, TAXONOMY, "es")["missing"][0]


def test_places_and_languages_are_named_as_each_language_says_them():
    assert [in_country("PE", lang) for lang in LANGS] == ["en Perú", "no Peru", "in Peru", "au Pérou"]
    assert [in_country("CO", lang) for lang in LANGS] == ["en Colombia", "na Colômbia", "in Colombia",
                                                         "en Colombie"]
    assert language_name("ht", "fr") == "créole haïtien" and language_name("ht", "pt") == "crioulo haitiano"


def test_the_explanation_is_also_given_in_the_persons_language_to_read_aloud():
    match, v = _blocked_match()
    out = explain(match, v, TAXONOMY, "en", read_aloud_in="fr")
    assert out["read_aloud"] == {"lang": "fr", "sentence": explain(match, v, TAXONOMY, "fr")["sentence"]}
    assert "read_aloud" not in explain(match, v, TAXONOMY, "fr", read_aloud_in="fr")


def test_the_persons_language_is_the_one_they_wrote_in_else_the_one_of_ours_they_speak_best():
    assert person_language(profile_view(profile(text_language="pt"))) == "pt"
    haitian = profile(text_language="ht", languages=[{"code": "ht", "level": "native"}, {"code": "fr", "level": "B2"},
                                                     {"code": "es", "level": "A2"}])
    assert person_language(profile_view(haitian)) == "fr"
    creole_only = profile(text_language="ht", languages=[{"code": "ht", "level": "native"}])
    assert person_language(profile_view(creole_only)) is None
