"""Rankings do not depend on who a person is: nationality, sex, age, disability, names and migration details.

The people below are recorded as the profiles service records them (``services.profiles.domain``), with their
protected attributes in the structured fields and in their own free text (their names, phone, e-mail and
document number in the CV lines they dictated). Their ``profile.published`` events are built by the profiles
service's own publishing code (``services.profiles.events.published``) and checked against the
contract, exactly as the outbox does, then consumed by matching. So whatever of those attributes reaches
matching through the real path reaches it here, and any use of it shows up as a changed score, order, blocker
or explanation.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from services.matching.adapters.memory import InMemoryReadModels
from services.matching.index import FakeIndex
from services.matching.usecases import MatchingService
from services.profiles.domain.model import (
    Document,
    Experience,
    Identity,
    LanguageSkill,
    Location,
    ProfileDetails,
    WorkAuthorization,
    new_profile,
)
from services.profiles.events import published
from shared.auth import Principal
from shared.encoders import CachedEncoder, InMemoryEmbeddingCache
from shared.events import SchemaRegistry, new_event
from shared.published.profiles import ProfilePublished
from shared.published.vacancies import VacancyPublished
from shared.taxonomy import load_taxonomy
from tests.unit.matching.support import HashingTestEncoder, vacancy

TODAY = date(2026, 3, 1)
AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
CONTRACTS = SchemaRegistry.from_contracts(Path(__file__).resolve().parents[3] / "contracts")
COUNSELLOR = Principal("counsellor-1", "counsellor", "centre-lima")
IDS = ["00000000-0000-4000-8000-0000000000a1", "00000000-0000-4000-8000-0000000000a2",
       "00000000-0000-4000-8000-0000000000a3"]

# Who each person is: what a counsellor records about identity, disability, migration status and situation.
# Everyone has two given names and two family names here; a test below checks that the number does not matter.
IDENTITIES = [
    dict(identity=Identity("María José", "González Pérez", date(1999, 4, 2), ["VE"],
                           [Document("national_id", "V-12.345.678", "VE")], "+51 987 654 321", True,
                           "mariajose.gonzalez@example.com"),
         accessibility_needs=None, situation_notes="Madre soltera, dos hijos pequeños.",
         permit=("Permiso Temporal de Permanencia", "PTP vigente")),
    dict(identity=Identity("Jean Marc", "Pierre Louis", date(1964, 11, 20), ["HT", "DO"],
                           [Document("passport", "HT1234567", "HT")], "+51 912 345 678", False,
                           "jb.pierre@example.org"),
         accessibility_needs="Usa silla de ruedas; necesita acceso sin escaleras.",
         situation_notes="Solicitante de refugio; hombre afrodescendiente.",
         permit=("Carné de refugiado", "Refugio reconocido en 2025")),
    dict(identity=Identity("Yulieth Andrea", "Epiayú Uriana", date(1987, 1, 15), ["CO"],
                           [Document("national_id", "1.122.334.455", "CO")], "+51 955 111 222", True,
                           "yulieth.epiayu@example.net"),
         accessibility_needs="Hipoacusia; prefiere mensajes escritos.",
         situation_notes="Mujer wayuu; habla wayuunaiki.", permit=("Carné de extranjería", None)),
]


def details(who: dict, *, city: str = "Lima") -> ProfileDetails:
    """Return the same working life for everyone, told in their own words (so naming themselves)."""
    ident = who["identity"]
    doc = ident.documents[0].number
    return ProfileDetails(
        identity=ident,
        location=Location("PE", city, False, []),
        languages=[LanguageSkill("es", "native")],
        work_authorizations=[WorkAuthorization("PE", "permit", who["permit"][0], TODAY + timedelta(days=400),
                                               who["permit"][1])],
        experience=[Experience("Técnica en enfermería", "3221", "PE", date(2019, 1, 1), date(2025, 1, 1),
                               f"Soy {ident.given_names} {ident.family_names}. Cuidado de pacientes en hospital, "
                               f"curaciones y control de signos vitales. Documento {doc}; "
                               f"teléfono {ident.phone}; correo {ident.email}.")],
        skills_text=f"Cuidado de pacientes y primeros auxilios. Escribir a {ident.email} o llamar a {ident.phone}.",
        skills=["S1001", "S1002"],
        desired_occupations=["2221"],
        availability="immediate",
        accessibility_needs=who["accessibility_needs"],
        situation_notes=who["situation_notes"],
        text_language="es",
    )


def published_by_profiles(profile_id: str, who: dict, **changes) -> dict:
    """Return the ``profile.published`` data the profiles service's own publishing code builds, contract-checked."""
    profile = new_profile(profile_id, "centre-lima", details(who, **changes),
                          {"matching": True, "introductions": True, "statistics": True}, "counsellor-1", AT)
    event = published(profile, "es", TODAY).event("/services/profiles")
    CONTRACTS.validate(event)  # as the outbox does before anything leaves
    return event.data


JOBS = [
    vacancy(vacancy_id="10000000-0000-4000-8000-000000000001", occupation="3221", title="Técnica en enfermería",
            description="Clínica en Lima: cuidado de pacientes y control de signos vitales."),
    vacancy(vacancy_id="10000000-0000-4000-8000-000000000002", occupation="2221", licence_required=True),
    vacancy(vacancy_id="10000000-0000-4000-8000-000000000003", occupation="5322", title="Cuidadora domiciliaria",
            description="Cuidado de adultos mayores en casa, turnos de día.", required_skills=["S1001"]),
    vacancy(vacancy_id="10000000-0000-4000-8000-000000000004", country="CL", city="Santiago",
            title="Técnico de enfermería", description="Hospital en Santiago busca técnico de enfermería."),
    vacancy(vacancy_id="10000000-0000-4000-8000-000000000005", occupation="3221",
            languages=[{"code": "en", "min_level": "B2"}], title="Nursing assistant",
            description="Private clinic for English-speaking patients."),
]


def world(people: list[dict]):
    """Return matching having consumed the jobs and these people's events (ids in ``IDS`` order)."""
    models = InMemoryReadModels()
    encoder = HashingTestEncoder()
    service = MatchingService(load_taxonomy(), CachedEncoder(encoder, InMemoryEmbeddingCache()), FakeIndex(),
                              FakeIndex(), bridge=None, today=lambda: TODAY, read_models=models)
    with models.reading() as store:
        for job in JOBS:
            CONTRACTS.validate(new_event(VacancyPublished.TYPE, "/services/vacancies", job["vacancy_id"], job))
        service.apply_vacancies(store, [VacancyPublished.from_data(j) for j in JOBS])
        service.apply_profiles(store, [ProfilePublished.from_data(d) for d in people])
    return service


def everything_shown(service: MatchingService) -> dict:
    """Return what counsellors see: every person's ranked jobs and every job's ranked people, in two languages."""
    out = {}
    for lang in ("es", "en"):
        for profile_id in IDS:
            out[("profile", profile_id, lang)] = service.matches_for(COUNSELLOR, profile=profile_id, limit=100,
                                                                     lang=lang).items
        for job in JOBS:
            out[("vacancy", job["vacancy_id"], lang)] = service.matches_for(
                COUNSELLOR, vacancy=job["vacancy_id"], limit=100, lang=lang).items
    return out


def test_the_fixture_puts_protected_attributes_on_the_real_event_path():
    """The people differ in every protected attribute the profiles service records, in fields and free text."""
    assert len({repr(who) for who in IDENTITIES}) == len(IDENTITIES)
    raw = details(IDENTITIES[0])
    assert "María José" in raw.experience[0].description and "V-12.345.678" in raw.experience[0].description
    data = published_by_profiles(IDS[0], IDENTITIES[0])
    assert data["occupations"][0]["code"] == "3221" and data["text"]["experience"]


def test_rankings_scores_blockers_and_explanations_do_not_change_when_people_swap_identities():
    rotations = [[IDENTITIES[(i + shift) % 3] for i in range(3)] for shift in range(3)]
    shown = [everything_shown(world([published_by_profiles(IDS[i], who) for i, who in enumerate(people)]))
             for people in rotations]
    assert shown[0][("profile", IDS[0], "es")], "the people must have something to rank"
    assert shown[0] == shown[1] == shown[2]


def test_the_same_comparison_tells_apart_people_who_differ_in_something_matching_may_use():
    """Guards the test above against comparing things that never change: a different city moves scores."""
    base = [published_by_profiles(IDS[i], who) for i, who in enumerate(IDENTITIES)]
    moved = [*base[:2], published_by_profiles(IDS[2], IDENTITIES[2], city="Arequipa")]
    assert everything_shown(world(base)) != everything_shown(world(moved))


def test_nationality_words_a_person_writes_about_themselves_do_not_move_their_scores():
    """The words go where a person writes them, into their own experience, and through the profiles service."""
    def saying(words: str) -> dict:
        who = IDENTITIES[0]
        profile = new_profile(IDS[0], "centre-lima", details(who), {"matching": True, "introductions": True,
                                                                    "statistics": True}, "counsellor-1", AT)
        job = profile.details.experience[0]
        profile.details.experience[0] = replace(job, description=f"{words} {job.description}")
        event = published(profile, "es", TODAY).event("/services/profiles")
        CONTRACTS.validate(event)
        return event.data

    venezuelan, haitian = saying("Enfermera venezolana."), saying("Enfermera haitiana.")
    assert "venezolana" not in str(venezuelan) and "haitiana" not in str(haitian)
    assert (world([venezuelan]).matches_for(COUNSELLOR, profile=IDS[0], lang="es").items
            == world([haitian]).matches_for(COUNSELLOR, profile=IDS[0], lang="es").items)


def test_how_many_names_a_person_has_does_not_move_their_scores():
    one_surname = {**IDENTITIES[1], "identity": replace(IDENTITIES[1]["identity"], given_names="Jean",
                                                         family_names="Pierre")}
    two = world([published_by_profiles(IDS[0], IDENTITIES[1])])
    one = world([published_by_profiles(IDS[0], one_surname)])
    assert (two.matches_for(COUNSELLOR, profile=IDS[0], lang="es").items
            == one.matches_for(COUNSELLOR, profile=IDS[0], lang="es").items)


def test_the_event_matching_receives_is_the_same_for_people_who_differ_only_in_who_they_are():
    """Where the ranking test's equality comes from: nothing protected survives into ``profile.published``."""
    same_id = [published_by_profiles(IDS[0], who) for who in IDENTITIES]
    assert same_id[0] == same_id[1] == same_id[2]
