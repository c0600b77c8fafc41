"""Eligibility: every reason a pair cannot be a plain match now, each with what would unlock it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from services.matching.domain.licences import LicenceNeed, licence_need
from services.matching.domain.readmodels import CredentialView, ProfileView, VacancyView, level_name
from shared.regulation import Regulation

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


def _credential_blocker(vacancy: VacancyView, credentials: Sequence[CredentialView],
                        need: LicenceNeed) -> Blocker | None:
    here = [c for c in credentials if c.destination_country == vacancy.country]
    required = vacancy.credential_required or {}
    params = {"country": vacancy.country}

    def fits(c: CredentialView) -> bool:
        if vacancy.occupation and vacancy.occupation in c.occupations_now:
            return True
        if need.source == "regulation":
            return False  # a regulated occupation opens only through a credential assessed for it
        level_ok = required.get("min_level") is None or (c.level is not None and c.level >= required["min_level"])
        field_ok = not required.get("field") or (c.field or "").startswith(str(required["field"])[:2])
        return bool(required) and level_ok and field_ok and not c.occupations_now

    if any(c.recognised and fits(c) for c in here):
        return None
    if need.kind in ("driving", "security"):
        return Blocker("licence_required", need.kind, params)
    pending = [c for c in here if not c.recognised and (vacancy.occupation in c.occupations_later or fits(c))]
    if not here and credentials:
        return Blocker("licence_required", "other_country", params)
    if pending:
        status = pending[0].status
        reason = {"procedure_required": "procedure", "licence_required": "licence",
                  "not_recognisable": "not_recognisable"}.get(status, "pending")
        if pending[0].workflow_status == "procedure_started":
            reason = "in_progress"
        return Blocker("licence_required", reason, params)
    if need.source == "regulation":
        return Blocker("licence_required", "regulated", {**params, "profession": need.profession or ""})
    return Blocker("licence_required", "none_declared", params)


def eligibility(profile: ProfileView, vacancy: VacancyView, credentials: Sequence[CredentialView],
                today: date, regulation: Regulation | None = None) -> list[Blocker]:
    """Return every reason the pair cannot be a plain match now (empty when eligible); never drops one silently.

    A licence is needed when the employer declared one, when the ad asks for one in its text, or when the
    vacancy's occupation is regulated in its country (``licences.licence_need``); only a credential recognised
    in that country for that occupation lifts it.
    """
    blockers: list[Blocker] = []
    if vacancy.work_authorization_required:
        state = _authorised(profile, vacancy.country, today)
        if state != "permit":
            blockers.append(Blocker("work_authorization", state, {"country": vacancy.country}))
    need = licence_need(vacancy, regulation)
    if need is not None:
        blocker = _credential_blocker(vacancy, credentials, need)
        if blocker is not None:
            blockers.append(blocker)
    for code, level in vacancy.languages:
        has = profile.languages.get(code, 0)
        if has < level:
            params = {"language": code, "level": level_name(level)}
            if has:
                blockers.append(Blocker("language", "below_level", {**params, "has": level_name(has)}))
            else:
                blockers.append(Blocker("language", "not_spoken", params))
    if not vacancy.remote and profile.country != vacancy.country:
        if not profile.willing_to_relocate:
            blockers.append(Blocker("location", "not_relocating", {"country": vacancy.country}))
        elif profile.relocation_countries and vacancy.country not in profile.relocation_countries:
            blockers.append(Blocker("location", "other_country", {"country": vacancy.country}))
    return blockers


def credential_status(vacancy: VacancyView, credentials: Sequence[CredentialView],
                      regulation: Regulation | None = None) -> str:
    """Return 'not_required', 'recognised' or the status of the most relevant assessment ('none' if absent)."""
    if licence_need(vacancy, regulation) is None:
        return "not_required"
    here = [c for c in credentials if c.destination_country == vacancy.country]
    if any(c.recognised for c in here):
        return "recognised"
    return here[0].status if here else "none"
