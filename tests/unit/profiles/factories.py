"""Builders of plain profiles and of the profiles use cases on in-memory fakes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from services.profiles.adapters.memory import InMemoryUnitOfWork, KeywordNormalizer, MemoryStore, SetCodeBook
from services.profiles.domain.model import (
    Actor,
    Document,
    Experience,
    Identity,
    LanguageSkill,
    Location,
    ProfileDetails,
    WorkAuthorization,
)
from services.profiles.usecases import PlacementService, ProfileService
from shared.events import SchemaRegistry
from shared.published.vacancies import FindingRef, PublishedPay, VacancyHeld, VacancyPublished
from tests.conftest import ROOT

TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
CODES = SetCodeBook(skills={"S1001", "S1002", "S3001", "S4003", "S1501"},
                    occupations={"7112", "5120", "5322", "7411", "9412"})
NORMALIZER = KeywordNormalizer({"albañil": ("7112", "occupation", "Albañil"),
                                "pañete": ("S1002", "skill", "Pañete"),
                                "cocina": ("S3001", "skill", "Cocina")})
REGISTRY = SchemaRegistry.from_contracts(ROOT / "contracts")
LIMA = Actor("counsellor-1", "counsellor", "centre-lima")
LIMA_2 = Actor("counsellor-2", "counsellor", "centre-lima")
CUCUTA = Actor("counsellor-9", "counsellor", "centre-cucuta")
ADMIN = Actor("admin-1", "admin", "puente")
YES = {"matching": True, "introductions": True, "statistics": True}
NO = {"matching": False, "introductions": False, "statistics": False}


def details(**changes) -> ProfileDetails:
    """Return a valid profile of a Venezuelan mason in Lima, with ``changes`` applied."""
    base = ProfileDetails(
        identity=Identity("José Gregorio", "Pérez Lugo", date(1985, 5, 17), ["VE"],
                          [Document("national_id", "V-14.567.890", "VE")], "+51 987 654 321", True,
                          "jgpl@example.org"),
        location=Location("PE", "Lima", True, ["CL"]),
        languages=[LanguageSkill("es", "native"), LanguageSkill("en", "A2")],
        work_authorizations=[WorkAuthorization("PE", "permit", "Carné de extranjería", TODAY + timedelta(days=300),
                                               "Renovación pedida en enero")],
        experience=[Experience("Albañil", "7112", "VE", date(2010, 1, 1), date(2018, 1, 1),
                               "Muros y pañetes. Cédula V-14.567.890, tel 0414-555-1234.")],
        skills_text="Pañete y mampostería; escribir a jgpl@example.org",
        skills=["S1001", "S1002"],
        desired_occupations=["7112"],
        availability="immediate",
        accessibility_needs="Usa bastón",
        situation_notes="Vive con dos hijos; arriendo atrasado",
        text_language="es",
    )
    identity_changes = {k[9:]: changes.pop(k) for k in list(changes) if k.startswith("identity_")}
    if identity_changes:
        base = replace(base, identity=replace(base.identity, **identity_changes))
    return replace(base, **changes)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = NOW):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def tick(self, minutes: int = 1) -> None:
        self.now += timedelta(minutes=minutes)


def make_service(store: MemoryStore | None = None, clock: Clock | None = None) -> tuple[ProfileService, MemoryStore]:
    """Return the use cases on fakes (events validated against the real contracts) and their store."""
    store = store or MemoryStore()
    return ProfileService(lambda: InMemoryUnitOfWork(store, REGISTRY), CODES, NORMALIZER, clock or Clock()), store


# --- the pipeline ----------------------------------------------------------------------------------------------

EMPLOYER = Actor("rrhh-1", "employer", "hotel-miraflores")
OTHER_EMPLOYER = Actor("rrhh-9", "employer", "constructora-andina")
VACANCY = "5b0c1d2e-3f4a-4b5c-8d6e-7f8091a2b3c4"  # the hotel's cook, in Lima


def vacancy_published(vacancy_id: str = VACANCY, employer: str = "hotel-miraflores",
                      title: str = "Cocinero de línea") -> VacancyPublished:
    """Return the typed vacancy event profiles reads when a vacancy opens."""
    return VacancyPublished(
        vacancy_id=vacancy_id, employer_id=employer, title=title, description="Platos calientes.", language="es",
        occupation="5120", required_skills=(), nice_skills=(), languages=(), country="PE", city="Lima",
        remote=False, openings=1, pay=PublishedPay(1500.0, "PEN", "month", 1500.0), hours_per_week=44.0,
        contract_type="permanent", start_date=None, closing_date=None, licence_required=False,
        credential_required=None, work_authorization_required=True, warnings=(),
        published_at=NOW - timedelta(days=3))


def vacancy_held(vacancy_id: str = VACANCY, employer: str = "hotel-miraflores", at: datetime = NOW) -> VacancyHeld:
    """Return the typed vacancy event profiles reads when the gate holds a vacancy."""
    return VacancyHeld(vacancy_id, employer, "PE", "5120", (FindingRef("pay_below_minimum", "/pay/amount"),), at)


def make_placements(store: MemoryStore, clock: Clock | None = None, *,
                    vacancies: tuple[VacancyPublished, ...] = ()) -> PlacementService:
    """Return the pipeline use cases on the same fakes as ``make_service``, knowing ``vacancies``."""
    service = PlacementService(lambda within=None: InMemoryUnitOfWork(store, REGISTRY), clock or Clock())
    service.record_vacancies(vacancies)
    return service
