import copy
import json

import pytest

from shared.taxonomy import REQUIRED_LANGS, Concept, TaxonomyError, load_taxonomy


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


# ---------------------------------------------------------------- shipped data


def test_shipped_data_loads_with_exact_isco_counts(taxonomy):
    levels = [c.level for c in taxonomy.occupations.values()]
    assert {level: levels.count(level) for level in (1, 2, 3, 4)} == {1: 10, 2: 43, 3: 130, 4: 436}
    assert len(taxonomy.unit_groups()) == 436
    assert all(c.level == 4 for c in taxonomy.unit_groups())


def test_shipped_data_has_at_least_400_skills_with_codes_and_domains(taxonomy):
    assert len(taxonomy.skills) >= 400
    for code, skill in taxonomy.skills.items():
        assert skill.kind == "skill" and skill.domain and code[0] == "S" and len(code) == 5


def test_every_concept_has_a_label_in_every_required_language(taxonomy):
    missing = [(c.code, lang) for c in (*taxonomy.occupations.values(), *taxonomy.skills.values())
               for lang in REQUIRED_LANGS if not c.labels.get(lang, "").strip()]
    assert missing == []


def test_every_skill_points_at_existing_unit_groups(taxonomy):
    for skill in taxonomy.skills.values():
        assert skill.occupations
        assert all(taxonomy.occupations[o].level == 4 for o in skill.occupations)


def test_release_version_is_calendar_based(taxonomy):
    year, month, patch = taxonomy.version.split(".")
    assert len(year) == 4 and 1 <= int(month) <= 12 and int(patch) >= 0


def test_known_occupations_and_their_synonyms(taxonomy):
    bricklayers = taxonomy.get("7112")
    assert bricklayers.kind == "occupation" and bricklayers.level == 4 and bricklayers.parent == "711"
    assert bricklayers.labels["en"] == "Bricklayers and related workers"
    assert "albañil" in bricklayers.synonyms["es"]
    assert "pedreiro" in bricklayers.synonyms["pt"]
    nurses = taxonomy.get("2221")
    assert nurses.labels["en"] == "Nursing professionals"
    assert "enfermera" in nurses.synonyms["es"]
    assert taxonomy.label("5322") == "Home-based personal care workers"
    assert taxonomy.label("9112").startswith("Cleaners and helpers in offices, hotels")
    assert taxonomy.label("7112", "es") == "Albañiles"


def test_terms_feed_synonym_matching(taxonomy):
    spanish = set(taxonomy.terms("es"))
    assert ("albañil", "7112") in spanish
    assert ("enfermera", "2221") in spanish
    assert ("pañete", "S1002") in spanish
    assert ("pedreiro", "7112") in set(taxonomy.terms("pt"))
    assert ("forklift", "S6001") in set(taxonomy.terms("en"))
    everything = set(taxonomy.terms())
    assert {("albañil", "7112"), ("pedreiro", "7112"), ("reboco", "S1002")} <= everything


def test_label_falls_back_to_english_and_unknown_codes_raise(taxonomy):
    skill = taxonomy.get("S6001")
    assert taxonomy.label("S6001", "ht") == skill.labels.get("ht", skill.labels["en"])
    assert taxonomy.label("7112", "de") == "Bricklayers and related workers"
    assert taxonomy.get("9999") is None
    with pytest.raises(KeyError):
        taxonomy.label("9999")


def test_children_follow_the_isco_hierarchy(taxonomy):
    assert [c.code for c in taxonomy.children("71")] == ["711", "712", "713"]
    assert "7112" in {c.code for c in taxonomy.children("711")}
    assert taxonomy.children("7112") == ()


def test_isco_distance(taxonomy):
    assert taxonomy.isco_distance("7112", "7112") == 0
    assert taxonomy.isco_distance("7112", "7113") == 1  # same minor group 711
    assert taxonomy.isco_distance("7112", "7122") == 2  # same sub-major group 71
    assert taxonomy.isco_distance("7112", "7212") == 3  # same major group 7
    assert taxonomy.isco_distance("7112", "9112") == 4
    assert taxonomy.isco_distance("711", "7112") == 1
    assert taxonomy.isco_distance("7", "7112") == 3
    assert taxonomy.isco_distance("2", "7") == 4
    assert taxonomy.isco_distance("5322", "2221") == taxonomy.isco_distance("2221", "5322")
    with pytest.raises(KeyError):
        taxonomy.isco_distance("7112", "S1001")


def test_loading_is_cached_per_path(taxonomy):
    assert load_taxonomy() is taxonomy


def test_concepts_are_read_only(taxonomy):
    concept = taxonomy.get("7112")
    assert isinstance(concept, Concept)
    with pytest.raises(TypeError):
        concept.labels["en"] = "changed"
    assert hash(concept) == hash(taxonomy.get("7112"))


# ---------------------------------------------------------------- validator, on tiny data dirs


def _occupation(code, parent, en, **extra):
    labels = {"es": f"{en} (es)", "pt": f"{en} (pt)", "en": en, "fr": f"{en} (fr)"}
    return {"code": code, "level": len(code), "parent": parent, "labels": labels, **extra}


def _skill(code, en, occupations, **extra):
    labels = {"es": f"{en} (es)", "pt": f"{en} (pt)", "en": en, "fr": f"{en} (fr)"}
    return {"code": code, "domain": "construction", "labels": labels, "occupations": occupations, **extra}


TINY_ISCO = {"version": "2026.11.0", "classification": "ISCO-08", "concepts": [
    _occupation("7", None, "Craft workers"),
    _occupation("71", "7", "Building trades"),
    _occupation("711", "71", "Building frame workers"),
    _occupation("7112", "711", "Bricklayers", synonyms={"es": ["albañil"]}),
    _occupation("7115", "711", "Carpenters"),
    _occupation("9", None, "Elementary occupations"),
    _occupation("93", "9", "Labourers"),
    _occupation("931", "93", "Construction labourers"),
    _occupation("9313", "931", "Building construction labourers"),
]}
TINY_SKILLS = {"version": "2026.11.0", "concepts": [
    _skill("S1001", "Bricklaying", ["7112", "9313"], synonyms={"es": ["pega de ladrillo"]}),
    _skill("S1014", "Carpentry", ["7115"]),
    _skill("S1099", "Adobe walls", ["7112"], retired=True),
]}


def _write(tmp_path, isco=TINY_ISCO, skills=TINY_SKILLS):
    (tmp_path / "isco08.json").write_text(json.dumps(isco), encoding="utf-8")
    (tmp_path / "skills.json").write_text(json.dumps(skills), encoding="utf-8")
    return tmp_path


def _problems(tmp_path, **kwargs):
    with pytest.raises(TaxonomyError) as err:
        load_taxonomy(tmp_path, **kwargs)
    return err.value.problems


def test_tiny_valid_data_loads_without_strict_counts(tmp_path):
    tiny = load_taxonomy(_write(tmp_path), strict_counts=False)
    assert set(tiny.skills) == {"S1001", "S1014", "S1099"}
    assert tiny.isco_distance("7112", "9313") == 4
    assert tiny.get("S1099").retired
    assert ("pega de ladrillo", "S1001") in set(tiny.terms("es"))
    assert all(code != "S1099" for _, code in tiny.terms())


def test_strict_counts_reject_incomplete_isco_and_too_few_skills(tmp_path):
    problems = _problems(_write(tmp_path))
    assert any("level 4" in p and "436" in p for p in problems)
    assert any("at least 400" in p for p in problems)


def test_validator_reports_duplicate_code(tmp_path):
    skills = copy.deepcopy(TINY_SKILLS)
    skills["concepts"].append(_skill("S1001", "Blocklaying", ["7112"]))
    problems = _problems(_write(tmp_path, skills=skills), strict_counts=False)
    assert problems == ["S1001: duplicate code in skills.json"]


def test_validator_reports_missing_label(tmp_path):
    isco = copy.deepcopy(TINY_ISCO)
    del isco["concepts"][3]["labels"]["pt"]
    problems = _problems(_write(tmp_path, isco=isco), strict_counts=False)
    assert problems == ["7112: missing pt label"]


def test_validator_reports_bad_parents(tmp_path):
    isco = copy.deepcopy(TINY_ISCO)
    isco["concepts"][3]["parent"] = "71"  # 7112 under a sub-major group: wrong level
    isco["concepts"][4]["parent"] = "712"  # does not exist
    problems = _problems(_write(tmp_path, isco=isco), strict_counts=False)
    assert "7112: parent 71 is level 2, expected level 3" in problems
    assert "7115: parent 712 does not exist" in problems
    assert len(problems) == 2


def test_validator_lists_every_problem_at_once(tmp_path):
    isco = copy.deepcopy(TINY_ISCO)
    isco["concepts"].append(_occupation("7112", "711", "Bricklayers again"))
    isco["concepts"].append(_occupation("71A", "71", "Not a code"))
    isco["concepts"][8]["parent"] = "93"
    skills = copy.deepcopy(TINY_SKILLS)
    skills["concepts"][1]["labels"]["fr"] = ""
    skills["concepts"][1]["occupations"] = ["711", "8888"]
    skills["concepts"].append(_skill("S12", "Bad code", ["7112"]))
    problems = _problems(_write(tmp_path, isco=isco, skills=skills), strict_counts=False)
    assert "7112: duplicate code in isco08.json" in problems
    assert any(p.startswith("71A: malformed ISCO-08 code") for p in problems)
    assert "9313: parent 93 is level 2, expected level 3" in problems
    assert "S1014: missing fr label" in problems
    assert "S1014: occupation 711 is not a unit group (level 3)" in problems
    assert "S1014: occupation '8888' does not exist in isco08.json" in problems
    assert any(p.startswith("S12: malformed skill code") for p in problems)
    assert len(problems) == 7


def test_validator_checks_versions_and_languages(tmp_path):
    skills = copy.deepcopy(TINY_SKILLS)
    skills["version"] = "2026.13.0"
    skills["concepts"][0]["synonyms"]["pt-br"] = ["alvenaria"]
    problems = _problems(_write(tmp_path, skills=skills), strict_counts=False)
    assert any("2026.13.0" in p and "YYYY.MM.patch" in p for p in problems)
    assert any("released together" in p for p in problems)
    assert any("S1001" in p and "'pt-br'" in p for p in problems)


def test_validator_rejects_skills_sharing_a_label(tmp_path):
    skills = copy.deepcopy(TINY_SKILLS)
    skills["concepts"][1]["labels"]["es"] = "Bricklaying (es)"
    problems = _problems(_write(tmp_path, skills=skills), strict_counts=False)
    assert problems == ["S1014: es label 'Bricklaying (es)' is already used by S1001"]


def test_missing_or_broken_files_are_reported(tmp_path):
    (tmp_path / "isco08.json").write_text("{not json", encoding="utf-8")
    problems = _problems(tmp_path, strict_counts=False)
    assert any(p.startswith("isco08.json: not valid JSON") for p in problems)
    assert any(p.startswith("skills.json: not found") for p in problems)
