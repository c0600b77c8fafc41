"""Finding a person by name, document number or phone, as the centre's list search reads what was typed."""

import pytest

from services.profiles.domain.model import Document, Identity
from services.profiles.domain.search import SearchQuery, search_keys

JOSE = Identity("José Gregorio", "Pérez Lugo", documents=[Document("national_id", "V-14.567.890", "VE"),
                                                          Document("passport", "AB-123456", "VE")],
                phone="+51987654321")


@pytest.mark.parametrize("typed", ["jose", "JOSÉ", "per", "Jose Per", "gregorio lugo", "  pérez  "])
def test_any_word_start_of_the_names_finds_the_person_accents_and_case_aside(typed):
    assert SearchQuery.parse(typed).matches(JOSE, "PE")


@pytest.mark.parametrize("typed", ["ose", "jose maria", "perezlugo", "lug0"])
def test_a_word_that_starts_no_name_word_finds_nobody(typed):
    assert not SearchQuery.parse(typed).matches(JOSE, "PE")


@pytest.mark.parametrize("typed", ["V-14.567.890", "14567890", "014567890", "v14567890", "ab123456", "AB 123 456"])
def test_a_document_number_is_compared_as_the_duplicate_check_compares_it(typed):
    assert SearchQuery.parse(typed).matches(JOSE, "PE")


def test_the_national_id_leniency_does_not_apply_to_other_documents():
    passport_holder = Identity("Ana", "Rojas", documents=[Document("passport", "14567890", "VE")])
    assert SearchQuery.parse("14567890").matches(passport_holder, "PE")
    assert not SearchQuery.parse("V-14567890").matches(passport_holder, "PE")  # a prefix counts on passports


@pytest.mark.parametrize("typed", ["987 654 321", "987654321", "+51 987 654 321", "+51987654321"])
def test_a_phone_is_normalised_as_the_persons_phone_was_stored(typed):
    assert SearchQuery.parse(typed).matches(JOSE, "PE")


def test_a_local_phone_number_is_read_in_the_persons_country_only():
    assert not SearchQuery.parse("987 654 321").matches(JOSE, "CO")  # +57 987… is not José's phone
    assert not SearchQuery.parse("987 654 320").matches(JOSE, "PE")


def test_the_search_keys_are_the_folded_name_words_and_the_comparable_document_numbers():
    assert search_keys(JOSE) == {("name", "jose"), ("name", "gregorio"), ("name", "perez"), ("name", "lugo"),
                                 ("docnid", "14567890"), ("docnum", "AB123456")}
