"""In-memory fakes of every profiles port, for unit tests (and nothing else)."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from services.profiles.domain.duplicates import document_keys
from services.profiles.domain.messages import PROFILE_CHANGED, PROFILE_NOT_FOUND
from services.profiles.domain.model import Profile
from services.profiles.ports import ConceptSuggestion, ListFilters
from shared.errors import NotFound, PreconditionFailed
from shared.events import Event, SchemaRegistry
from shared.uow import InMemoryUnitOfWork as BaseInMemoryUnitOfWork


@dataclass
class MemoryStore:
    """What a database would hold: profiles, import keys, and the events and tombstones committed."""

    profiles: dict[str, Profile] = field(default_factory=dict)
    import_keys: dict[str, str] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    tombstones: list[str] = field(default_factory=list)


def matches(profile: Profile, centre: str, f: ListFilters) -> bool:
    """Return whether a profile passes a centre's list filters."""
    d = profile.details
    occupations = {j.occupation for j in d.experience} | set(d.desired_occupations)
    return (profile.centre == centre
            and (f.country is None or d.location.country == f.country)
            and (f.city is None or (d.location.city or "").casefold() == f.city.casefold())
            and (f.occupation is None or f.occupation in occupations)
            and (f.skill is None or f.skill in d.skills)
            and (f.language is None or any(lang.code == f.language for lang in d.languages))
            and (f.availability is None or d.availability == f.availability)
            and (f.matching is None or profile.consents_to("matching") == f.matching))


class InMemoryProfileRepository:
    """A dict of profiles, copied so callers cannot change stored state behind the repository's back."""

    def __init__(self, store: MemoryStore):
        self.store = store

    def get(self, profile_id: str) -> Profile | None:
        return copy.deepcopy(self.store.profiles.get(profile_id))

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
        rows = sorted((p for p in self.store.profiles.values() if matches(p, centre, filters)),
                      key=lambda p: (p.created_at, p.id))
        if after is not None:
            rows = [p for p in rows if (p.created_at, p.id) > after]
        return copy.deepcopy(rows[:limit])

    def imported(self, import_key: str) -> str | None:
        return self.store.import_keys.get(import_key)


class InMemoryUnitOfWork(BaseInMemoryUnitOfWork):
    """Works on a copy of the store and writes it back, with the staged events, only when the block succeeds.

    Each staged event is validated against its contract, as the real outbox does.
    """

    def __init__(self, store: MemoryStore, registry: SchemaRegistry | None = None):
        super().__init__()
        self.store, self.registry = store, registry

    def stage(self, event: Event) -> None:
        if self.registry is not None:
            self.registry.validate(event)
        super().stage(event)

    def begin(self) -> None:
        self.working = copy.deepcopy(self.store)
        self.profiles = InMemoryProfileRepository(self.working)

    def commit(self) -> None:
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
