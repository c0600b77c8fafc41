"""Likely duplicates: same document, same phone and person, or same name and birth date."""

from dataclasses import replace
from datetime import date

from services.profiles.domain.duplicates import (
    BY_DOCUMENT,
    BY_NAME_BIRTH,
    BY_PHONE_NAME_BIRTH,
    document_key,
    find_duplicates,
)
from services.profiles.domain.model import Document, Identity, new_profile
from tests.unit.profiles.factories import NOW, YES, details


def person(profile_id, centre="centre-lima", **identity):
    base = Identity("José Gregorio", "Pérez Lugo", date(1985, 5, 17), ["VE"], [], "+51987654321")
    return new_profile(profile_id, centre, details(identity=replace(base, **identity)), YES, "c", NOW)


def test_document_numbers_match_whatever_punctuation_or_prefix_was_typed():
    assert document_key(Document("national_id", "V-14.567.890", "VE")) == \
        document_key(Document("national_id", "14567890", "VE"))
    passport = document_key(Document("passport", "AB123456", "VE"))
    assert document_key(Document("passport", "ab 123 456", "VE")) == passport
    assert document_key(Document("passport", "AB123456", "CO")) != passport


def test_the_same_document_number_is_a_duplicate_even_with_another_name():
    new = person("a", documents=[Document("national_id", "V-14.567.890", "VE")])
    other = person("b", given_names="Gregorio", family_names="Lugo", date_of_birth=None, phone=None,
                   documents=[Document("national_id", "14567890", "VE")])
    (match,) = find_duplicates(new, [other])
    assert match.profile_id == "b" and match.reasons == (BY_DOCUMENT,)


def test_a_shared_family_phone_alone_is_not_a_duplicate():
    new = person("a")
    sister = person("b", given_names="Yohana", family_names="Pérez Lugo", date_of_birth=date(1990, 2, 1))
    son = person("c", given_names="José Gregorio", family_names="Pérez Lugo", date_of_birth=date(2008, 5, 17))
    assert find_duplicates(new, [sister, son]) == []


def test_the_same_phone_birth_date_and_a_misspelt_name_is_a_duplicate():
    new = person("a", given_names="Jhon Jairo", family_names="Gutierrez")
    other = person("b", given_names="John Jairo", family_names="Gutiérrez Mora", phone="+51987654321")
    (match,) = find_duplicates(new, [other])
    assert BY_PHONE_NAME_BIRTH in match.reasons


def test_the_same_name_and_birth_date_without_accents_is_a_duplicate():
    new = person("a", phone=None)
    other = person("b", given_names="JOSE GREGORIO", family_names="PEREZ", phone="+51911111111")
    (match,) = find_duplicates(new, [other])
    assert match.reasons == (BY_NAME_BIRTH,)


def test_a_duplicate_at_another_centre_is_marked_so_its_details_stay_hidden():
    new = person("a")
    (match,) = find_duplicates(new, [person("b", centre="centre-cucuta")])
    assert match.same_centre is False and match.centre == "centre-cucuta"


def test_a_profile_is_not_its_own_duplicate():
    new = person("a")
    assert find_duplicates(new, [new]) == []
