"""The integration events matching consumes (parsed into read models) and the one it publishes.

Every ``data["..."]`` read of an incoming event is here, and so is the one payload matching builds
(``MatchSuggested.to_data``); tests check both against ``contracts/schemas``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Self

from services.matching.domain.readmodels import CEFR, CredentialView, Placement, ProfileView, VacancyView
from shared.events import Event, new_event

MATCHES = "matches"  # the topic match.suggested goes to, keyed by profile id
CONSUMES = ("profiles", "vacancies", "credentials", "placements")


# -- consumed ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProfilePublished:
    """``profile.published``: a profile as matching may know it; fields matching does not read are ignored."""

    TYPE: ClassVar[str] = "org.puente.profile.published.v1"
    profile: ProfileView

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        """Parse the event's data into a profile read model."""
        occupations: dict[str, float] = {}
        desired = []
        for occ in data.get("occupations", ()):
            if occ["source"] == "experience":
                occupations[occ["code"]] = max(occupations.get(occ["code"], 0.0), float(occ.get("years") or 0.0))
            else:
                desired.append(occ["code"])
        text = data.get("text") or {}
        return cls(ProfileView(
            profile_id=data["profile_id"], centre=data["centre"], country=data["country"], city=data.get("city"),
            willing_to_relocate=bool(data["willing_to_relocate"]),
            relocation_countries=tuple(data.get("relocation_countries") or ()),
            languages={lang["code"]: CEFR[lang["level"]] for lang in data.get("languages", ())},
            work_authorization=tuple((w["country"], w["category"], w.get("expires"))
                                     for w in data["work_authorization"]),
            occupations=occupations, desired=tuple(desired), skills=frozenset(data.get("skills", ())),
            text_language=data["text_language"],
            text=" ".join(t for t in (text.get("experience", ""), text.get("skills", "")) if t).strip(),
            introductions=bool(data["consents"].get("introductions")), updated_at=data["updated_at"],
        ))


@dataclass(frozen=True)
class ProfileWithdrawn:
    """``profile.withdrawn``: the person left; matching forgets them."""

    TYPE: ClassVar[str] = "org.puente.profile.withdrawn.v1"
    profile_id: str

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        """Parse the event's data."""
        return cls(data["profile_id"])


@dataclass(frozen=True)
class VacancyPublished:
    """``vacancy.published``: an open vacancy as matching may know it."""

    TYPE: ClassVar[str] = "org.puente.vacancy.published.v1"
    vacancy: VacancyView

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        """Parse the event's data into an open vacancy read model."""
        return cls(VacancyView(
            vacancy_id=data["vacancy_id"], employer_id=data["employer_id"], status="open", country=data["country"],
            city=data.get("city"), remote=bool(data["remote"]), occupation=data["occupation"],
            required_skills=frozenset(data["required_skills"]), nice_skills=frozenset(data["nice_skills"]),
            languages=tuple((lang["code"], CEFR[lang["min_level"]]) for lang in data["languages"]),
            licence_required=bool(data["licence_required"]), credential_required=data.get("credential_required"),
            work_authorization_required=bool(data["work_authorization_required"]), title=data["title"],
            description=data["description"], language=data["language"], changed_at=data["published_at"],
        ))


@dataclass(frozen=True)
class VacancyHeld:
    """``vacancy.held``: a vacancy taken off the market for review."""

    TYPE: ClassVar[str] = "org.puente.vacancy.held.v1"
    vacancy_id: str
    employer_id: str
    country: str
    held_at: str

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        """Parse the event's data."""
        return cls(data["vacancy_id"], data["employer_id"], data["country"], data["held_at"])


@dataclass(frozen=True)
class VacancyClosed:
    """``vacancy.closed``: a vacancy filled or withdrawn."""

    TYPE: ClassVar[str] = "org.puente.vacancy.closed.v1"
    vacancy_id: str
    closed_at: str

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        """Parse the event's data."""
        return cls(data["vacancy_id"], data["closed_at"])


@dataclass(frozen=True)
class CredentialAssessed:
    """``credential.assessed``: what a credential opens in one destination country."""

    TYPE: ClassVar[str] = "org.puente.credential.assessed.v1"
    credential: CredentialView

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        """Parse the event's data into a credential read model."""
        return cls(CredentialView(
            credential_id=data["credential_id"], profile_id=data["profile_id"],
            destination_country=data["destination_country"], status=data["status"],
            workflow_status=data["workflow_status"], regulated=bool(data["regulated"]),
            occupations_now=frozenset(data["occupations_now"]),
            occupations_later=frozenset(data["occupations_later"]),
            level=data.get("level"), field=data.get("field"), assessed_at=data["assessed_at"],
        ))


@dataclass(frozen=True)
class PlacementRecorded:
    """``placement.recorded``: an application outcome, for the re-ranker and the fairness audit."""

    TYPE: ClassVar[str] = "org.puente.placement.recorded.v1"
    placement: Placement

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        """Parse the event's data."""
        return cls(Placement(placement_id=data["placement_id"], profile_id=data["profile_id"],
                             vacancy_id=data["vacancy_id"], outcome=data["outcome"],
                             recorded_at=data["recorded_at"]))


# -- published -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MatchSuggested:
    """``match.suggested``: a new strong, eligible match, announced once per pair (keyed by profile id)."""

    TYPE: ClassVar[str] = "org.puente.match.suggested.v1"
    match_id: str
    profile_id: str
    vacancy_id: str
    score: float
    eligible: bool
    model_version: str
    suggested_at: str

    @classmethod
    def of(cls, profile_id: str, vacancy_id: str, score: float, eligible: bool, model_version: str,
           at: datetime) -> Self:
        """Return the event of a suggestion: a match id stable per pair, the score clamped to 0..1."""
        return cls(match_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"puente:match:{profile_id}:{vacancy_id}")),
                   profile_id=profile_id, vacancy_id=vacancy_id, score=round(min(1.0, max(0.0, score)), 6),
                   eligible=eligible, model_version=model_version,
                   suggested_at=at.isoformat(timespec="seconds"))

    def to_data(self) -> dict[str, Any]:
        """Return the payload, exactly the contract's shape."""
        return {"match_id": self.match_id, "profile_id": self.profile_id, "vacancy_id": self.vacancy_id,
                "score": self.score, "eligible": self.eligible, "model_version": self.model_version,
                "suggested_at": self.suggested_at}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Self:
        """Parse the payload (the portal and tests read it)."""
        return cls(match_id=data["match_id"], profile_id=data["profile_id"], vacancy_id=data["vacancy_id"],
                   score=data["score"], eligible=data["eligible"], model_version=data["model_version"],
                   suggested_at=data["suggested_at"])

    def event(self, source: str) -> Event:
        """Return the CloudEvent carrying this payload, keyed by the profile id."""
        return new_event(self.TYPE, source, self.profile_id, self.to_data())
