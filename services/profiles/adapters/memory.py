"""In-memory fakes of every profiles port, for unit tests (and nothing else)."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from services.profiles.domain.access import AccessRecord
from services.profiles.domain.duplicates import document_keys
from services.profiles.domain.messages import PROFILE_CHANGED, PROFILE_NOT_FOUND
from services.profiles.domain.model import Profile
from services.profiles.domain.placements import Contact, Introduction, IntroductionRequest, KnownVacancy, Placement
from services.profiles.domain.search import SearchQuery
from services.profiles.ports import (
    AccessFilters,
    AccessPosition,
    ConceptSuggestion,
    ListFilters,
    PlacementFilters,
    Position,
)
from shared.errors import NotFound, PreconditionFailed
from shared.events import Event, SchemaRegistry
from shared.uow import InMemoryUnitOfWork as BaseInMemoryUnitOfWork


@dataclass
class MemoryStore:
    """What a database would hold: profiles, import keys, the pipeline, known vacancies, and the events (with the
    topic each was staged for: None is the unit of work's own) and tombstones committed."""

    profiles: dict[str, Profile] = field(default_factory=dict)
    import_keys: dict[str, str] = field(default_factory=dict)
    placements: dict[str, Placement] = field(default_factory=dict)
    introductions: dict[str, Introduction] = field(default_factory=dict)
    introduction_requests: dict[str, IntroductionRequest] = field(default_factory=dict)
    vacancies: dict[str, KnownVacancy] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    topics: dict[str, str | None] = field(default_factory=dict)
    tombstones: list[str] = field(default_factory=list)
    access_log: list[AccessRecord] = field(default_factory=list)


def matches(profile: Profile, centre: str, f: ListFilters, placements: list[Placement] = ()) -> bool:
    """Return whether a profile (whose placements are ``placements``) passes a centre's list filters."""
    d = profile.details
    occupations = {j.occupation for j in d.experience} | set(d.desired_occupations)
    last_contact = max([profile.updated_at, *(p.updated_at for p in placements)])
    return (profile.centre == centre
            and (f.country is None or d.location.country == f.country)
            and (f.city is None or (d.location.city or "").casefold() == f.city.casefold())
            and (f.occupation is None or f.occupation in occupations)
            and (f.skill is None or f.skill in d.skills)
            and (f.language is None or any(lang.code == f.language for lang in d.languages))
            and (f.availability is None or d.availability == f.availability)
            and (f.matching is None or profile.consents_to("matching") == f.matching)
            and (not f.q or SearchQuery.parse(f.q).matches(d.identity, d.location.country))
            and (f.stage is None or any(p.stage == f.stage for p in placements))
            and (f.stale is None or f.stale_cutoff is None or (last_contact < f.stale_cutoff) == f.stale))


class InMemoryProfileRepository:
    """A dict of profiles, copied so callers cannot change stored state behind the repository's back."""

    def __init__(self, store: MemoryStore):
        self.store = store

    def get(self, profile_id: str) -> Profile | None:
        return copy.deepcopy(self.store.profiles.get(profile_id))

    def get_many(self, profile_ids: Iterable[str]) -> dict[str, Profile]:
        return {i: copy.deepcopy(self.store.profiles[i]) for i in set(profile_ids) if i in self.store.profiles}

    def add(self, profile: Profile, import_key: str | None = None) -> None:
        if profile.id in self.store.profiles:
            raise KeyError(f"profile {profile.id} exists")
        self.store.profiles[profile.id] = copy.deepcopy(profile)
        if import_key:
            self.store.import_keys[import_key] = profile.id

    def save(self, profile: Profile) -> None:
        stored = self.store.profiles.get(profile.id)
        if stored is None:
            raise NotFound("profile_not_found", PROFILE_NOT_FOUND)
        if stored.version != profile.version - 1:
            raise PreconditionFailed("profile_changed", PROFILE_CHANGED, current_version=stored.version)
        self.store.profiles[profile.id] = copy.deepcopy(profile)

    def delete(self, profile_id: str) -> bool:
        self.store.import_keys = {k: v for k, v in self.store.import_keys.items() if v != profile_id}
        return self.store.profiles.pop(profile_id, None) is not None

    def candidates(self, keys: Iterable[str], phone: str | None, born: date | None) -> list[Profile]:
        keys = set(keys)
        return [copy.deepcopy(p) for p in self.store.profiles.values()
                if keys & document_keys(p.details.identity)
                or (phone and p.details.identity.phone == phone)
                or (born and p.details.identity.date_of_birth == born)]

    def page(self, centre: str, filters: ListFilters, after: tuple[datetime, str] | None,
             limit: int) -> list[Profile]:
        by_person: dict[str, list[Placement]] = {}
        for placement in self.store.placements.values():
            by_person.setdefault(placement.profile_id, []).append(placement)
        rows = sorted((p for p in self.store.profiles.values()
                       if matches(p, centre, filters, by_person.get(p.id, []))),
                      key=lambda p: (p.created_at, p.id))
        if after is not None:
            rows = [p for p in rows if (p.created_at, p.id) > after]
        return copy.deepcopy(rows[:limit])

    def imported(self, import_key: str) -> str | None:
        return self.store.import_keys.get(import_key)


def _after(rows, key, after: Position | None, limit: int) -> list:
    rows = sorted(rows, key=key)
    if after is not None:
        rows = [r for r in rows if key(r) > after]
    return copy.deepcopy(rows[:limit])


class InMemoryPlacementRepository:
    """A dict of placements, copied in and out."""

    def __init__(self, store: MemoryStore):
        self.store = store

    def get(self, placement_id: str) -> Placement | None:
        return copy.deepcopy(self.store.placements.get(placement_id))

    def find(self, profile_id: str, vacancy_id: str) -> Placement | None:
        return next((copy.deepcopy(p) for p in self.store.placements.values()
                     if p.profile_id == profile_id and p.vacancy_id == vacancy_id), None)

    def get_many(self, placement_ids: Iterable[str]) -> dict[str, Placement]:
        return {i: copy.deepcopy(self.store.placements[i]) for i in set(placement_ids) if i in self.store.placements}

    def add(self, placement: Placement) -> None:
        if placement.id in self.store.placements or self.find(placement.profile_id, placement.vacancy_id):
            raise KeyError(f"placement {placement.id} exists")  # as the table's keys would refuse it
        self.store.placements[placement.id] = copy.deepcopy(placement)

    def save(self, placement: Placement) -> None:
        self.store.placements[placement.id] = copy.deepcopy(placement)

    def delete(self, placement_id: str) -> None:
        self.store.placements.pop(placement_id, None)

    def of_profile(self, profile_id: str) -> list[Placement]:
        return _after((p for p in self.store.placements.values() if p.profile_id == profile_id),
                      lambda p: (p.created_at, p.id), None, len(self.store.placements))

    def page(self, centre: str, filters: PlacementFilters, after: Position | None, limit: int) -> list[Placement]:
        rows = (p for p in self.store.placements.values()
                if p.centre == centre and filters.profile_id in (None, p.profile_id)
                and filters.vacancy_id in (None, p.vacancy_id) and filters.stage in (None, p.stage))
        return _after(rows, lambda p: (p.created_at, p.id), after, limit)

    def contacts(self, profile_ids: Iterable[str]) -> dict[str, Contact]:
        wanted, out = set(profile_ids), {}
        for p in sorted(self.store.placements.values(), key=lambda p: (p.updated_at, p.id), reverse=True):
            if p.profile_id in wanted:
                out.setdefault(p.profile_id, Contact(p.stage, p.updated_at))
        return out

    def delete_for_profile(self, profile_id: str) -> None:
        self.store.placements = {k: p for k, p in self.store.placements.items() if p.profile_id != profile_id}

    def reassign(self, from_profile: str, to_profile: str) -> None:
        for p in self.store.placements.values():
            if p.profile_id == from_profile:
                p.profile_id = to_profile


class InMemoryIntroductionRepository:
    """A dict of introductions."""

    def __init__(self, store: MemoryStore):
        self.store = store

    def add(self, introduction: Introduction) -> None:
        if self.for_placement(introduction.placement_id) is not None:
            raise KeyError(f"placement {introduction.placement_id} is already introduced")
        self.store.introductions[introduction.id] = copy.deepcopy(introduction)

    def for_placement(self, placement_id: str) -> Introduction | None:
        return next((copy.deepcopy(i) for i in self.store.introductions.values() if i.placement_id == placement_id),
                    None)

    def page(self, vacancy_id: str, centre: str | None, after: Position | None, limit: int) -> list[Introduction]:
        rows = (i for i in self.store.introductions.values()
                if i.vacancy_id == vacancy_id and centre in (None, i.centre))
        return _after(rows, lambda i: (i.consented_at, i.id), after, limit)

    def delete_for_placement(self, placement_id: str) -> None:
        self.store.introductions = {k: i for k, i in self.store.introductions.items()
                                    if i.placement_id != placement_id}

    def delete_for_profile(self, profile_id: str) -> None:
        self.store.introductions = {k: i for k, i in self.store.introductions.items() if i.profile_id != profile_id}

    def reassign(self, from_profile: str, to_profile: str) -> None:
        for i in self.store.introductions.values():
            if i.profile_id == from_profile:
                i.profile_id = to_profile


class InMemoryIntroductionRequestRepository:
    """A dict of introduction requests."""

    def __init__(self, store: MemoryStore):
        self.store = store

    def add(self, request: IntroductionRequest) -> None:
        self.store.introduction_requests[request.id] = copy.deepcopy(request)

    def save(self, request: IntroductionRequest) -> None:
        self.store.introduction_requests[request.id] = copy.deepcopy(request)

    def open_for(self, vacancy_id: str, profile_id: str) -> list[IntroductionRequest]:
        rows = (r for r in self.store.introduction_requests.values()
                if r.vacancy_id == vacancy_id and r.profile_id == profile_id and r.status == "open")
        return _after(rows, lambda r: (r.requested_at, r.id), None, len(self.store.introduction_requests))

    def page(self, after: Position | None, limit: int, *, centre: str | None = None,
             employer_org: str | None = None, status: str | None = None) -> list[IntroductionRequest]:
        rows = (r for r in self.store.introduction_requests.values()
                if centre in (None, r.centre) and employer_org in (None, r.employer_org) and status in (None, r.status))
        return _after(rows, lambda r: (r.requested_at, r.id), after, limit)

    def delete_for_profile(self, profile_id: str) -> None:
        self.store.introduction_requests = {k: r for k, r in self.store.introduction_requests.items()
                                            if r.profile_id != profile_id}

    def reassign(self, from_profile: str, to_profile: str) -> None:
        for r in self.store.introduction_requests.values():
            if r.profile_id == from_profile:
                r.profile_id = to_profile


class InMemoryKnownVacancies:
    """A dict of the vacancies known from the topic."""

    def __init__(self, store: MemoryStore):
        self.store = store

    def get(self, vacancy_id: str) -> KnownVacancy | None:
        return self.store.vacancies.get(vacancy_id)  # frozen: no copy needed

    def get_many(self, vacancy_ids: Iterable[str]) -> dict[str, KnownVacancy]:
        return {i: self.store.vacancies[i] for i in set(vacancy_ids) if i in self.store.vacancies}

    def put(self, vacancy: KnownVacancy) -> None:
        self.store.vacancies[vacancy.vacancy_id] = vacancy

    def remove(self, vacancy_id: str) -> None:
        self.store.vacancies.pop(vacancy_id, None)


class InMemoryAccessLog:
    """The access log as a list, each record numbered in the order it was added."""

    def __init__(self, store: MemoryStore):
        self.store = store

    def add(self, records: Iterable[AccessRecord]) -> None:
        for record in records:
            self.store.access_log.append(replace(record, seq=len(self.store.access_log) + 1))

    def page(self, filters: AccessFilters, after: AccessPosition | None, limit: int) -> list[AccessRecord]:
        rows = [r for r in self.store.access_log
                if (filters.profile_id is None or r.profile_id == filters.profile_id)
                and (filters.actor is None or r.actor == filters.actor)
                and (filters.since is None or r.at >= filters.since)]
        return _after(rows, lambda r: (r.at, r.seq), after, limit)


class InMemoryUnitOfWork(BaseInMemoryUnitOfWork):
    """Works on a copy of the store and writes it back, with the staged events, only when the block succeeds.

    Each staged event is validated against its contract, as the real outbox does.
    """

    def __init__(self, store: MemoryStore, registry: SchemaRegistry | None = None):
        super().__init__()
        self.store, self.registry = store, registry

    def stage(self, event: Event, topic: str | None = None) -> None:
        if self.registry is not None:
            self.registry.validate(event)
        super().stage(event, topic)

    def forget_messages(self, key: str) -> None:
        super().forget_messages(key)
        w = self.working
        w.events = [e for e in w.events if not (e.subject == key and w.topics.get(e.id) is None)]
        w.tombstones = [k for k in w.tombstones if k != key]

    def begin(self) -> None:
        self.working = copy.deepcopy(self.store)
        self.profiles = InMemoryProfileRepository(self.working)
        self.placements = InMemoryPlacementRepository(self.working)
        self.introductions = InMemoryIntroductionRepository(self.working)
        self.introduction_requests = InMemoryIntroductionRequestRepository(self.working)
        self.vacancies = InMemoryKnownVacancies(self.working)
        self.access_log = InMemoryAccessLog(self.working)

    def commit(self) -> None:
        self.working.topics.update(self._staged_topics)
        self.working.events += self._staged
        self.working.tombstones += self._staged_tombstones
        self.store.__dict__.update(self.working.__dict__)
        super().commit()


class SetCodeBook:
    """Knows the codes it was given."""

    def __init__(self, skills: Iterable[str], occupations: Iterable[str]):
        self.skills, self.occupations = set(skills), set(occupations)

    def is_skill(self, code: str) -> bool:
        return code in self.skills

    def is_occupation(self, code: str) -> bool:
        return code in self.occupations


class KeywordNormalizer:
    """Suggests the concepts whose keyword appears in the text; guesses the language from marker words."""

    MARKERS = {
        "pt": ("não", "eu", "trabalhei", "com", "anos", "você"),
        "fr": ("je", "j'ai", "avec", "ans", "travaillé", "dans"),
        "ht": ("mwen", "ak", "nan", "travay", "ane", "konn"),
        "en": ("i", "the", "with", "years", "worked", "and"),
        "es": ("yo", "con", "años", "trabajé", "en", "y"),
    }

    def __init__(self, concepts: dict[str, tuple[str, str, str]]):
        self.concepts = concepts  # keyword -> (code, kind, label)

    def suggest(self, text: str, lang: str | None = None, kind: str | None = None,
                limit: int = 5) -> list[ConceptSuggestion]:
        found = [ConceptSuggestion(code, k, label, 1.0, "synonym")
                 for word, (code, k, label) in self.concepts.items()
                 if word in text.lower() and (kind is None or k == kind)]
        return found[:limit]

    def detect_language(self, text: str) -> str:
        words = re.findall(r"[\w']+", text.lower())
        scores = {lang: sum(w in markers for w in words) for lang, markers in self.MARKERS.items()}
        best = max(scores, key=scores.get)
        return best if scores[best] else "es"
