"""Eligibility: every reason a pair cannot be a plain match now, each with what would unlock it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from services.matching.domain.readmodels import CredentialView, ProfileView, VacancyView, level_name

BLOCKER_CODES = ("work_authorization", "licence_required", "language", "location")


@dataclass(frozen=True)
class Blocker:
    """Why a pair may not be shown as a plain match, with what would unlock it; ``params`` fill the text."""

    code: str
    reason: str  # finer cause, selects the message and next step
    params: Mapping[str, str] = field(default_factory=dict)


def _authorised(profile: ProfileView, country: str, today: date) -> str:
    best = "none"
    for where, category, expires in profile.work_authorization:
        if where != country:
            continue
        if category == "permit" and (expires is None or date.fromisoformat(expires) >= today):
            return "permit"
        if category == "permit":
            best = "expired"
        elif category == "in_process" and best == "none":
            best = "in_process"
    return best


def _credential_blocker(vacancy: VacancyView, credentials: Sequence[CredentialView]) -> Blocker | None:
    here = [c for c in credentials if c.destination_country == vacancy.country]
    need = vacancy.credential_required or {}

    def fits(c: CredentialView) -> bool:
        if vacancy.occupation and vacancy.occupation in c.occupations_now:
            return True
        level_ok = need.get("min_level") is None or (c.level is not None and c.level >= need["min_level"])
        field_ok = not need.get("field") or (c.field or "").startswith(str(need["field"])[:2])
        return bool(need) and level_ok and field_ok and not c.occupations_now

    if any(c.recognised and fits(c) for c in here):
        return None
    pending = [c for c in here if not c.recognised and (vacancy.occupation in c.occupations_later or fits(c))]
    if not here and credentials:
        return Blocker("licence_required", "other_country", {"country": vacancy.country})
    if pending:
        status = pending[0].status
        reason = {"procedure_required": "procedure", "licence_required": "licence",
                  "not_recognisable": "not_recognisable"}.get(status, "pending")
        if pending[0].workflow_status == "procedure_started":
            reason = "in_progress"
        return Blocker("licence_required", reason, {"country": vacancy.country})
    return Blocker("licence_required", "none_declared", {"country": vacancy.country})


def eligibility(profile: ProfileView, vacancy: VacancyView, credentials: Sequence[CredentialView],
                today: date) -> list[Blocker]:
    """Return every reason the pair cannot be a plain match now (empty when eligible); never drops one silently."""
    blockers: list[Blocker] = []
    if vacancy.work_authorization_required:
        state = _authorised(profile, vacancy.country, today)
        if state != "permit":
            blockers.append(Blocker("work_authorization", state, {"country": vacancy.country}))
    if vacancy.licence_required:
        blocker = _credential_blocker(vacancy, credentials)
        if blocker is not None:
            blockers.append(blocker)
    for code, level in vacancy.languages:
        has = profile.languages.get(code, 0)
        if has < level:
            blockers.append(Blocker("language", "below_level", {"language": code, "level": level_name(level),
                                                                  "has": level_name(has)}))
    if not vacancy.remote and profile.country != vacancy.country:
        if not profile.willing_to_relocate:
            blockers.append(Blocker("location", "not_relocating", {"country": vacancy.country}))
        elif profile.relocation_countries and vacancy.country not in profile.relocation_countries:
            blockers.append(Blocker("location", "other_country", {"country": vacancy.country}))
    return blockers



def credential_status(vacancy: VacancyView, credentials: Sequence[CredentialView]) -> str:
    """Return 'not_required', 'recognised' or the status of the most relevant assessment ('none' if absent)."""
    if not vacancy.licence_required:
        return "not_required"
    here = [c for c in credentials if c.destination_country == vacancy.country]
    if any(c.recognised for c in here):
        return "recognised"
    return here[0].status if here else "none"

