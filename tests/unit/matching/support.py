"""Test-side helpers: a hashing stand-in for the shared encoder port and event builders."""

from __future__ import annotations

import hashlib
import re
import uuid

import numpy as np

from services.matching import events
from services.matching.adapters.sql import SqlEmbeddingCache, SqlReadModels
from services.matching.domain.readmodels import CredentialView, ProfileView, VacancyView
from services.matching.events import MATCHES
from services.matching.index import FakeIndex
from services.matching.usecases import MatchingService
from shared.encoders import CachedEncoder, InMemoryEmbeddingCache
from shared.published.credentials import CredentialAssessed
from shared.published.placements import PlacementRecordedV1
from shared.published.profiles import ProfilePublished
from shared.published.vacancies import VacancyPublished
from shared.taxonomy import load_taxonomy

NOW = "2026-03-01T10:00:00+00:00"


class HashingTestEncoder:
    """Character-trigram hashing: deterministic, fast, no model (stands in until shared/encoders.py lands)."""

    name, dim = "test-hashing", 128

    def __init__(self):
        self.calls: list[list[str]] = []

    def encode(self, texts, kind="passage"):
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            folded = re.sub(r"\s+", " ", text.lower())
            for j in range(len(folded) - 2):
                h = int.from_bytes(hashlib.blake2b(folded[j:j + 3].encode(), digest_size=4).digest(), "little")
                out[i, h % self.dim] += 1.0
            n = np.linalg.norm(out[i])
            if n:
                out[i] /= n
        return out


def new_id() -> str:
    """Return a random UUID string."""
    return str(uuid.uuid4())


def matcher(encoder=None, weights=None) -> MatchingService:
    """Return the matching use cases over fakes."""
    encoder = encoder or HashingTestEncoder()
    return MatchingService(load_taxonomy(), CachedEncoder(encoder, InMemoryEmbeddingCache()), FakeIndex(),
                           FakeIndex(), weights=weights, bridge=None,
                           today=lambda: __import__("datetime").date(2026, 3, 1))


def sql_service(container, encoder, vacancy_index, profile_index, **options) -> MatchingService:
    """Return the matching use cases on a container's database, with a model-free encoder and given indexes."""
    cache = SqlEmbeddingCache(container.sessions)
    return MatchingService(load_taxonomy(), CachedEncoder(encoder, cache), vacancy_index, profile_index,
                           read_models=SqlReadModels(container.sessions, cache, container.outbox, MATCHES),
                           **options)


def published_profiles(datas) -> list[ProfilePublished]:
    """Return ``profile.published`` data parsed as the handler parses it."""
    return [ProfilePublished.from_data(d) for d in datas]


def published_vacancies(datas) -> list[VacancyPublished]:
    """Return ``vacancy.published`` data parsed as the handler parses it."""
    return [VacancyPublished.from_data(d) for d in datas]


def assessed_credentials(datas) -> list[CredentialAssessed]:
    """Return ``credential.assessed`` data parsed as the handler parses it."""
    return [CredentialAssessed.from_data(d) for d in datas]


def recorded_placements(datas) -> list[PlacementRecordedV1]:
    """Return ``placement.recorded`` data parsed as the handler parses it."""
    return [PlacementRecordedV1.from_data(d) for d in datas]


def profile_view(data) -> ProfileView:
    """Return the read model of ``profile.published`` data."""
    return events.profile_view(ProfilePublished.from_data(data))


def vacancy_view(data) -> VacancyView:
    """Return the read model of ``vacancy.published`` data."""
    return events.vacancy_view(VacancyPublished.from_data(data))


def credential_view(data) -> CredentialView:
    """Return the read model of ``credential.assessed`` data."""
    return events.credential_view(CredentialAssessed.from_data(data))


def profile(**over) -> dict:
    """Return ``profile.published`` data for a nursing assistant in Lima (a trade no licence regulates), with
    overrides."""
    data = {
        "profile_id": new_id(), "centre": "centre-lima", "country": "PE", "city": "Lima",
        "willing_to_relocate": False, "relocation_countries": [],
        "languages": [{"code": "es", "level": "native"}],
        "work_authorization": [{"country": "PE", "category": "permit", "expires": None}],
        "occupations": [{"code": "5321", "source": "experience", "years": 6}], "skills": ["S1001", "S1002"],
        "text_language": "es", "text": {"skills": "cuidado de pacientes",
                                        "experience": "Auxiliar de enfermería en hospital"},
        "consents": {"matching": True, "introductions": True, "statistics": True}, "updated_at": NOW,
    }
    data.update(over)
    return data


def vacancy(**over) -> dict:
    """Return ``vacancy.published`` data for a nursing-assistant job in Lima (no licence needed), with overrides."""
    data = {
        "vacancy_id": new_id(), "employer_id": "employer-clinic", "title": "Auxiliar de enfermería para clínica",
        "description": "Clínica en Lima busca auxiliar de enfermería para cuidado de pacientes.",
        "language": "es", "occupation": "5321", "required_skills": ["S1001", "S1003"], "nice_skills": [],
        "languages": [{"code": "es", "min_level": "B2"}], "country": "PE", "city": "Lima", "remote": False,
        "openings": 1, "pay": {"amount": 3000, "currency": "PEN", "period": "month", "monthly_equivalent": 3000},
        "hours_per_week": 40, "contract_type": "permanent", "licence_required": False,
        "work_authorization_required": True, "warnings": [], "published_at": NOW,
    }
    data.update(over)
    return data


def credential(profile_id: str, **over) -> dict:
    """Return ``credential.assessed`` data: a nursing degree recognised in Peru (opening nursing and assistant
    work), with overrides."""
    data = {
        "credential_id": new_id(), "profile_id": profile_id, "destination_country": "PE", "level": 6,
        "field": "0913", "status": "recognised", "workflow_status": "recognised", "regulated": True,
        "occupations_now": ["2221", "5321"], "occupations_later": [], "assessed_at": NOW,
    }
    data.update(over)
    return data
