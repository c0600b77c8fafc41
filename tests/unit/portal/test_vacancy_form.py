"""Mapping between the vacancy form and the vacancies API."""

from services.portal.vacancy_form import field_id, resolve_skills, skill_labels
from shared.taxonomy import load_taxonomy

IDS = {"title", "pay-amount", "pay-period", "language_1-code", "language_2-min_level", "required_skills",
       "benefits-housing"}


def test_a_json_pointer_names_the_form_field_that_shows_it():
    assert field_id("/pay/amount", IDS) == "pay-amount"
    assert field_id("/title", IDS) == "title"
    assert field_id("/languages/0/code", IDS) == "language_1-code"
    assert field_id("/languages/1/min_level", IDS) == "language_2-min_level"
    assert field_id("/required_skills/3", IDS) == "required_skills"
    assert field_id("/benefits/housing", IDS) == "benefits-housing"


def test_a_pointer_no_field_shows_goes_to_the_page():
    assert field_id("/employer_id", IDS) is None
    assert field_id("", IDS) is None


def test_skills_are_found_by_code_label_or_synonym_in_any_language_and_unknown_ones_are_named():
    taxonomy = load_taxonomy()
    code, concept = next(iter(taxonomy.skills.items()))
    text = f"{concept.labels['es'].upper()}, {code.lower()}; {concept.labels['pt']}, zzz skill"
    codes, unknown = resolve_skills(text)
    assert codes == [code] and unknown == ["zzz skill"]
    assert skill_labels([code, "S9999"], "pt") == f"{concept.labels['pt']}, S9999"
