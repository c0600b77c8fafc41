"""The published language: every event class writes exactly its contract's shape and reads its own payload back.

One representative example per event type, plus a sparse one wherever the contract has optional fields, is
validated against contracts/schemas/<type>.json and round-tripped through ``from_data(to_data())``; the
services' own tests check only how their domain maps onto these classes.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from shared.events import Event, SchemaRegistry, SchemaViolation
from shared.published import credentials, matches, placements, profiles, vacancies
from shared.published.credentials import CredentialAssessed
from shared.published.matches import MatchSuggested
from shared.published.placements import PlacementRecordedV1, PlacementRecordedV2
from shared.published.profiles import (
    LanguageLevel,
    OccupationClaim,
    ProfilePublished,
    ProfileWithdrawn,
    PublishedConsents,
    PublishedText,
    WorkAuthorizationCategory,
)
from shared.published.vacancies import (
    CredentialRequirement,
    FindingRef,
    LanguageRequirement,
    PublishedPay,
    VacancyClosed,
    VacancyHeld,
    VacancyPublished,
)

CONTRACTS = SchemaRegistry.from_contracts(Path(__file__).resolve().parents[2] / "contracts")
TOPICS = (profiles, vacancies, credentials, placements, matches)
AT = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
PROFILE, VACANCY = "8b3c4d5e-6f7a-4b8c-8d9e-1f2a3b4c5d6e", "5b0c1d2e-3f4a-4b5c-8d6e-7f8091a2b3c4"
CREDENTIAL, PLACEMENT = "0b6c2f4e-8d1a-4e3b-9c5d-7f6e5d4c3b2a", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"

PROFILE_PUBLISHED = ProfilePublished(
    profile_id=PROFILE, centre="centre-lima", country="PE", city="Lima", willing_to_relocate=True,
    relocation_countries=("CL", "CO"), languages=(LanguageLevel("es", "native"), LanguageLevel("en", "B1")),
    work_authorization=(WorkAuthorizationCategory("PE", "permit", date(2027, 1, 31)),
                        WorkAuthorizationCategory("CL", "none")),
    occupations=(OccupationClaim("5120", profiles.EXPERIENCE, 4.5), OccupationClaim("5120", profiles.EXPERIENCE),
                 OccupationClaim("3434", profiles.DESIRED)),
    skills=("S1001", "S1002"), education_level=3, availability="immediate", text_language="es",
    text=PublishedText("cocina criolla", "cocinero de línea en hotel"), consents=PublishedConsents(True, False),
    updated_at=AT)
VACANCY_PUBLISHED = VacancyPublished(
    vacancy_id=VACANCY, employer_id="hotel-miraflores", title="Cocinero de línea", description="Platos calientes.",
    language="es", occupation="5120", required_skills=("S1001",), nice_skills=("S1002",),
    languages=(LanguageRequirement("es", "B1"),), country="PE", city="Lima", remote=False, openings=2,
    pay=PublishedPay(1800.0, "PEN", "month", 1800.0), hours_per_week=48.0, contract_type="permanent",
    start_date=date(2026, 4, 1), closing_date=date(2026, 5, 1), licence_required=False,
    credential_required=CredentialRequirement(3, "1013"), work_authorization_required=True,
    warnings=(FindingRef("long_shifts", "/shifts"),), published_at=AT)

EXAMPLES = {
    "profile published": PROFILE_PUBLISHED,
    "profile published, sparse": ProfilePublished(
        profile_id=PROFILE, centre="centre-lima", country="PE", city=None, willing_to_relocate=False,
        relocation_countries=(), languages=(), work_authorization=(), occupations=(), skills=(),
        education_level=None, availability=None, text_language="other", text=PublishedText("", ""),
        consents=PublishedConsents(False, True), updated_at=AT),
    "profile withdrawn": ProfileWithdrawn(PROFILE, profiles.ERASED, AT),
    "vacancy published": VACANCY_PUBLISHED,
    "vacancy published, sparse": VacancyPublished(
        vacancy_id=VACANCY, employer_id="hotel-miraflores", title="Cocinero", description="Cocina.", language="es",
        occupation="5120", required_skills=(), nice_skills=(), languages=(), country="PE", city=None, remote=True,
        openings=1, pay=PublishedPay(25.5, "PEN", "hour", 4420.0), hours_per_week=40.0, contract_type="other",
        start_date=None, closing_date=None, licence_required=True,
        credential_required=CredentialRequirement(field="1013", stated=("field",)),
        work_authorization_required=False, warnings=(), published_at=AT),
    "vacancy held": VacancyHeld(VACANCY, "hotel-miraflores", "PE", "5120",
                                (FindingRef("pay_below_minimum", "/pay/amount"),), AT),
    "vacancy held, no occupation": VacancyHeld(VACANCY, "hotel-miraflores", "PE", None,
                                               (FindingRef("discrimination_age", "/description"),), AT),
    "vacancy closed": VacancyClosed(VACANCY, "filled", AT),
    "credential assessed": CredentialAssessed(CREDENTIAL, PROFILE, "PE", 6, "0913", "procedure_required",
                                              "assessed", True, ("3221",), ("2221",), AT),
    "credential assessed, unknown": CredentialAssessed(CREDENTIAL, PROFILE, "MX", None, None, "unknown",
                                                       "declared", False, (), (), AT),
    "placement recorded v2": PlacementRecordedV2(PLACEMENT, PROFILE, VACANCY, "applied", "introduced", AT,
                                                 AT.date()),
    "placement recorded v2, proposed": PlacementRecordedV2(PLACEMENT, PROFILE, VACANCY, "proposed", None, AT,
                                                           AT.date()),
    "placement recorded v1": PlacementRecordedV1(PLACEMENT, PROFILE, VACANCY, "hired", AT),
    "match suggested": MatchSuggested("3f1e0c52-6b5e-5a77-9c1d-2b3a4c5d6e7f", PROFILE, VACANCY, 0.812346, True,
                                      "blend-1+abc+hashing:256", AT),
}


def topic_of(example) -> object:
    return next(module for module in TOPICS if type(example) in module.EVENTS.values())


def test_every_contract_has_exactly_one_class_and_every_class_an_example():
    classes = {cls for module in TOPICS for cls in module.EVENTS.values()}
    assert {cls.TYPE for cls in classes} == {t for t in CONTRACTS.types if t.startswith("org.puente.")}
    assert len(classes) == len(CONTRACTS.types)  # no type typed twice
    assert {type(example) for example in EXAMPLES.values()} == classes


@pytest.mark.parametrize("example", EXAMPLES.values(), ids=EXAMPLES.keys())
def test_each_event_writes_its_contracts_shape_and_reads_it_back_unchanged(example):
    module = topic_of(example)
    event = example.event(f"/services/{module.TOPIC}")
    CONTRACTS.validate(event)
    assert type(example).from_data(example.to_data()) == example
    wire = Event.from_json(event.to_json())  # as a consumer gets it: JSON, not the builder's objects
    assert module.parse(wire.type, wire.data) == example
    assert json.dumps(module.parse(wire.type, wire.data).to_data()) == json.dumps(example.to_data())


@pytest.mark.parametrize("example", EXAMPLES.values(), ids=EXAMPLES.keys())
def test_each_event_is_keyed_by_the_entity_its_topic_is_keyed_by(example):
    keys = {profiles: "profile_id", vacancies: "vacancy_id", credentials: "credential_id",
            placements: "placement_id", matches: "profile_id"}
    event = example.event("/services/test")
    assert event.subject == example.to_data()[keys[topic_of(example)]] and event.type == example.TYPE


def test_the_payload_keys_come_in_the_order_the_builders_have_always_written_them():
    assert list(PROFILE_PUBLISHED.to_data()) == [
        "profile_id", "centre", "country", "city", "willing_to_relocate", "relocation_countries", "languages",
        "work_authorization", "occupations", "skills", "education_level", "availability", "text_language", "text",
        "consents", "updated_at"]
    assert list(VACANCY_PUBLISHED.to_data()) == [
        "vacancy_id", "employer_id", "title", "description", "language", "occupation", "required_skills",
        "nice_skills", "languages", "country", "city", "remote", "openings", "pay", "hours_per_week",
        "contract_type", "start_date", "closing_date", "licence_required", "credential_required",
        "work_authorization_required", "warnings", "published_at"]
    assert PROFILE_PUBLISHED.to_data()["occupations"] == [
        {"code": "5120", "source": "experience", "years": 4.5}, {"code": "5120", "source": "experience", "years": None},
        {"code": "3434", "source": "desired"}]
    assert PROFILE_PUBLISHED.to_data()["consents"] == {"matching": True, "introductions": True, "statistics": False}
    assert PROFILE_PUBLISHED.to_data()["updated_at"] == "2026-03-01T10:00:00+00:00"


def test_payloads_that_leave_out_the_optional_fields_are_read_with_their_defaults():
    profile = {k: v for k, v in PROFILE_PUBLISHED.to_data().items()
               if k not in ("city", "relocation_countries", "education_level", "availability")}
    profile["work_authorization"] = [{"country": "PE", "category": "in_process"}]
    vacancy = {k: v for k, v in VACANCY_PUBLISHED.to_data().items()
               if k not in ("city", "start_date", "closing_date", "credential_required")}
    held = {k: v for k, v in EXAMPLES["vacancy held"].to_data().items() if k != "occupation"}
    assessed = {k: v for k, v in EXAMPLES["credential assessed"].to_data().items() if k not in ("level", "field")}
    for cls, data in ((ProfilePublished, profile), (VacancyPublished, vacancy), (VacancyHeld, held),
                      (CredentialAssessed, assessed)):
        CONTRACTS.validate(Event(type=cls.TYPE, source="/services/test", subject="k", data=data))
    read = ProfilePublished.from_data(profile)
    assert (read.city, read.relocation_countries, read.education_level, read.availability) == (None, (), None, None)
    assert read.work_authorization == (WorkAuthorizationCategory("PE", "in_process", None),)
    assert VacancyPublished.from_data(vacancy).credential_required is None
    assert VacancyHeld.from_data(held).occupation is None
    assert (CredentialAssessed.from_data(assessed).level, CredentialAssessed.from_data(assessed).field) == (None, None)


def test_a_credential_requirement_writes_only_the_keys_it_was_given():
    assert CredentialRequirement.from_data({"field": "0913"}).to_data() == {"field": "0913"}
    assert CredentialRequirement.from_data({}).to_data() == {}
    assert CredentialRequirement.from_data({"min_level": None, "field": None}).to_data() == {
        "min_level": None, "field": None}


def test_timestamps_written_with_z_are_read_as_the_same_instant():
    data = {**EXAMPLES["vacancy closed"].to_data(), "closed_at": "2026-03-01T10:00:00Z"}
    assert vacancies.parse(VacancyClosed.TYPE, data).closed_at == AT


@pytest.mark.parametrize("module", TOPICS, ids=lambda m: m.TOPIC)
def test_a_topic_refuses_to_parse_a_type_it_does_not_carry(module):
    with pytest.raises(KeyError):
        module.parse("org.puente.test.noted.v1", {})


def test_the_contract_refuses_a_payload_with_a_field_it_does_not_name():
    data = {**EXAMPLES["match suggested"].to_data(), "nationality": "VE"}
    with pytest.raises(SchemaViolation):
        CONTRACTS.validate(Event(type=MatchSuggested.TYPE, source="/services/matching", subject=PROFILE, data=data))
