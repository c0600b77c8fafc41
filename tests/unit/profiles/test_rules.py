"""Profile rules beyond field shapes: every problem is reported with a pointer and a localised reason."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from services.profiles.domain.messages import REASONS, Problem
from services.profiles.domain.model import Education, Experience, WorkAuthorization
from services.profiles.domain.rules import InvalidProfile, check_details, validated
from shared.i18n import LANGUAGES, catalogue, translate
from tests.unit.profiles.factories import CODES, TODAY, details


def pointers(d):
    return {p.pointer: p.code for p in check_details(d, CODES, TODAY)[1]}


def test_a_complete_profile_passes_and_its_phone_is_stored_in_e164():
    clean, problems = check_details(details(identity_phone="987 654 321"), CODES, TODAY)
    assert problems == [] and clean.identity.phone == "+51987654321"


def test_every_problem_is_reported_at_once():
    bad = details(
        identity_date_of_birth=TODAY + timedelta(days=1), identity_phone="12", identity_nationalities=["VE", "VE"],
        skills=["S1001", "S9999"], desired_occupations=["0000"],
        experience=[Experience("Albañil", "7112", "XX", date(2020, 1, 1), date(2019, 1, 1))],
        work_authorizations=[WorkAuthorization("PE", "permit", expires=TODAY - timedelta(days=1)),
                             WorkAuthorization("PE", "none", expires=TODAY + timedelta(days=9))],
    )
    assert pointers(bad) == {
        "/identity/date_of_birth": "birth_date_future", "/identity/phone": "phone_invalid",
        "/identity/nationalities": "repeated", "/skills/1": "skill_unknown",
        "/desired_occupations/0": "occupation_unknown", "/experience/0/country": "country_unknown",
        "/experience/0/end": "end_before_start", "/work_authorizations/0/expires": "permit_expired",
        "/work_authorizations/1/expires": "expiry_without_permit", "/work_authorizations": "repeated",
    }


def test_a_child_cannot_be_registered_for_work():
    assert pointers(details(identity_date_of_birth=date(2015, 1, 1))) == {"/identity/date_of_birth": "too_young"}


def test_relocation_countries_need_willingness_to_move():
    d = details()
    d = replace(d, location=replace(d.location, willing_to_relocate=False))
    assert pointers(d) == {"/location/relocation_countries": "relocation_not_willing"}


def test_validated_raises_with_every_problem_so_nothing_partial_is_stored():
    with pytest.raises(InvalidProfile) as raised:
        validated(details(skills=["S9999"], desired_occupations=["1"]), CODES, TODAY)
    assert [p.pointer for p in raised.value.problems] == ["/skills/0", "/desired_occupations/0"]


@pytest.mark.parametrize(("lang", "expected"), [
    ("es", "'S9999' no es una habilidad de la taxonomía."),
    ("pt", "'S9999' não é uma habilidade da taxonomia."),
    ("en", "'S9999' is not a skill of the taxonomy."),
    ("fr", "'S9999' n'est pas une compétence de la taxonomie."),
])
def test_reasons_are_said_in_the_readers_language(lang, expected):
    problem = Problem("/skills/0", "skill_unknown", {"code": "S9999"})
    assert translate(problem.message, lang, **problem.params) == expected


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_reason_has_a_translation_in_every_catalogue(lang):
    untranslated = [msgid for msgid in REASONS.values() if catalogue(lang).gettext(msgid) == msgid]
    assert untranslated == []


def test_a_year_out_of_range_is_told_as_a_year_not_as_an_amount():
    (problem,) = check_details(details(education=[Education("Bachiller", year=1900)]), CODES, TODAY)[1]
    assert translate(problem.message, "en", **problem.params) == f"Enter a year from 1940 to {TODAY.year}."
    assert translate(problem.message, "es", **problem.params) == f"Escriba un año entre 1940 y {TODAY.year}."
