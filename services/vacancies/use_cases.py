"""What employers, administrators and feeds can do with vacancies; each use case takes its ports."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.vacancies.domain import model
from services.vacancies.domain.gate import DecentWorkGate, GateResult, summary
from services.vacancies.domain.model import DomainError, Draft, Employer, Vacancy
from services.vacancies.ports import Clock, OccupationSuggester, Suggestion, UnitOfWorkFactory, VacancyFilter
from shared.events import new_event

TOPIC = "vacancies"
SOURCE = "/services/vacancies"
PUBLISHED_T, HELD_T, CLOSED_T = ("org.puente.vacancy.published.v1", "org.puente.vacancy.held.v1",
                                 "org.puente.vacancy.closed.v1")
MAX_LIMIT = 100
PUBLIC_STATUSES = model.OPEN


@dataclass(frozen=True)
class Deps:
    """The ports every use case here may need (built once by the composition root)."""

    uow: UnitOfWorkFactory
    gate: DecentWorkGate
    suggester: OccupationSuggester
    clock: Clock


@dataclass(frozen=True)
class Outcome:
    """A stored vacancy plus what the employer should see beside it."""

    vacancy: Vacancy
    suggestions: tuple[Suggestion, ...] = ()
    created: bool = True


def _iso(dt: datetime) -> str:
    return dt.isoformat()


def announce(uow, vacancy: Vacancy) -> None:
    """Write the event that tells other services the vacancy's new state (held ones are never published)."""
    d = vacancy.draft
    if vacancy.is_open:
        data = {
            "vacancy_id": vacancy.id, "employer_id": vacancy.employer_id, "title": d.title[:200],
            "description": d.description[:10000], "language": d.language, "occupation": d.occupation,
            "required_skills": list(d.required_skills), "nice_skills": list(d.nice_skills),
            "languages": [dict(x) for x in d.languages], "country": d.country, "city": d.city, "remote": d.remote,
            "openings": d.openings,
            "pay": {"amount": d.pay.amount, "currency": d.pay.currency, "period": d.pay.period,
                    "monthly_equivalent": vacancy.monthly_equivalent},
            "hours_per_week": d.hours_per_week, "contract_type": d.contract_type,
            "start_date": d.start_date.isoformat() if d.start_date else None,
            "closing_date": d.closing_date.isoformat() if d.closing_date else None,
            "licence_required": d.licence_required, "credential_required": d.credential_required,
            "work_authorization_required": d.work_authorization_required,
            # After a release, the overridden holds travel as warnings so matching can still explain them.
            "warnings": summary(vacancy.findings), "published_at": _iso(vacancy.published_at or vacancy.updated_at),
        }
        uow.emit(new_event(PUBLISHED_T, SOURCE, vacancy.id, data))
    elif vacancy.status == model.HELD:
        uow.emit(new_event(HELD_T, SOURCE, vacancy.id, {
            "vacancy_id": vacancy.id, "employer_id": vacancy.employer_id, "country": vacancy.draft.country,
            "occupation": vacancy.draft.occupation, "reasons": summary(vacancy.holds),
            "held_at": _iso(vacancy.updated_at)}))
    else:
        uow.emit(new_event(CLOSED_T, SOURCE, vacancy.id, {
            "vacancy_id": vacancy.id, "reason": vacancy.close_reason or "withdrawn",
            "closed_at": _iso(vacancy.closed_at or vacancy.updated_at)}))


def check(deps: Deps, draft: Draft) -> GateResult:
    """Run the gate on a draft without storing anything."""
    return deps.gate.check(draft, deps.clock().date())


def _resolve_occupation(deps: Deps, data: dict[str, Any]) -> tuple[dict[str, Any], tuple[Suggestion, ...]]:
    errors = []
    suggestions: tuple[Suggestion, ...] = ()
    occupation = data.get("occupation")
    if occupation:
        if not deps.suggester.is_unit_group(occupation):
            errors.append({"pointer": "/occupation", "reason": "unknown_occupation"})
    else:
        suggestions = tuple(deps.suggester.suggest(data.get("title", ""), data.get("language", "es")))
        if suggestions:
            data = {**data, "occupation": suggestions[0].code}
        else:
            errors.append({"pointer": "/occupation", "reason": "occupation_not_found"})
    for key in ("required_skills", "nice_skills"):
        for i, code in enumerate(data.get(key) or ()):
            if not deps.suggester.is_skill(code):
                errors.append({"pointer": f"/{key}/{i}", "reason": "unknown_skill"})
    if errors:
        raise DomainError("invalid", "One or more fields are invalid; see errors.", errors)
    return data, suggestions


def prepare(deps: Deps, data: dict[str, Any]) -> tuple[Draft, tuple[Suggestion, ...], GateResult]:
    """Validate a submitted draft beyond its field types, resolve its occupation and run the gate."""
    data, suggestions = _resolve_occupation(deps, data)
    draft = Draft.from_dict(data)
    problems = draft.problems(deps.clock().date())
    if problems:
        raise DomainError("invalid", "One or more fields are invalid; see errors.", problems)
    return draft, suggestions, deps.gate.check(draft, deps.clock().date())


def _monthly(draft: Draft, result: GateResult) -> float:
    return result.pay_check.monthly_equivalent if result.pay_check else float(draft.pay.amount)


def create(deps: Deps, principal, data: dict[str, Any]) -> Outcome:
    """Store a new vacancy for the caller's organisation after the gate judged it, and announce it."""
    principal.require("employer", "ministry")
    draft, suggestions, result = prepare(deps, data)
    now = deps.clock()
    status = model.status_for(result.findings)
    vacancy = Vacancy(id=model.new_vacancy_id(), employer_id=principal.org, submitter=principal.org, draft=draft,
                      status=status, findings=result.findings, version=1, created_at=now, updated_at=now,
                      published_at=now if status in model.OPEN else None,
                      monthly_equivalent=_monthly(draft, result))
    with deps.uow() as uow:
        uow.vacancies.add(vacancy)
        announce(uow, vacancy)
    return Outcome(vacancy, suggestions)


def _owned(uow, principal, vacancy_id: str) -> Vacancy:
    vacancy = uow.vacancies.get(vacancy_id)
    if vacancy is None or not can_see(principal, vacancy):
        raise DomainError("not_found", "There is no such vacancy.")
    if principal.role != "admin" and vacancy.employer_id != principal.org:
        raise DomainError("forbidden", "This vacancy belongs to another organisation.")
    return vacancy


def update(deps: Deps, principal, vacancy_id: str, changes: dict[str, Any], if_match: int) -> Outcome:
    """Apply an employer's changes, re-run the gate and announce the new state."""
    principal.require("employer", "ministry", "admin")
    with deps.uow() as uow:
        vacancy = _owned(uow, principal, vacancy_id)
        if vacancy.version != if_match:
            raise DomainError("precondition_failed", "The vacancy changed since you read it; reload it.")
        merged = {**vacancy.draft.to_dict(), **changes}
        if "title" in changes and "occupation" not in changes:
            merged["occupation"] = vacancy.draft.occupation
        draft, suggestions, result = prepare(deps, merged)
        updated = model.judged(vacancy, draft, list(result.findings), _monthly(draft, result), deps.clock())
        uow.vacancies.save(updated)
        announce(uow, updated)
    return Outcome(updated, suggestions, created=False)


def close(deps: Deps, principal, vacancy_id: str, reason: str) -> Vacancy:
    """Close a vacancy (filled or withdrawn) and announce it."""
    principal.require("employer", "ministry", "admin")
    with deps.uow() as uow:
        vacancy = model.closed(_owned(uow, principal, vacancy_id), reason, deps.clock())
        uow.vacancies.save(vacancy)
        announce(uow, vacancy)
    return vacancy


def review(deps: Deps, principal, vacancy_id: str, decision: str, note: str) -> Vacancy:
    """Record an administrator's release or rejection of a held vacancy and announce the result."""
    principal.require("admin")
    with deps.uow() as uow:
        vacancy = uow.vacancies.get(vacancy_id)
        if vacancy is None:
            raise DomainError("not_found", "There is no such vacancy.")
        decided = model.reviewed(vacancy, decision, note, principal.subject, deps.clock())
        uow.vacancies.save(decided)
        announce(uow, decided)
    return decided


def can_see(principal, vacancy: Vacancy) -> bool:
    """Return whether the caller may read the vacancy (held ones: only its employer and administrators)."""
    if principal.role == "admin" or vacancy.employer_id == principal.org:
        return True
    return vacancy.status in PUBLIC_STATUSES


def get(deps: Deps, principal, vacancy_id: str) -> Vacancy:
    """Return one vacancy the caller may see."""
    with deps.uow() as uow:
        vacancy = uow.vacancies.get(vacancy_id)
    if vacancy is None or not can_see(principal, vacancy):
        raise DomainError("not_found", "There is no such vacancy.")
    return vacancy


def get_public(deps: Deps, vacancy_id: str) -> Vacancy:
    """Return a published vacancy for anyone, or raise not_found."""
    with deps.uow() as uow:
        vacancy = uow.vacancies.get(vacancy_id)
    if vacancy is None or not vacancy.is_open:
        raise DomainError("not_found", "There is no such vacancy.")
    return vacancy


def encode_cursor(v: Vacancy) -> str:
    """Return the opaque cursor that continues a list after ``v``."""
    return base64.urlsafe_b64encode(f"{v.created_at.isoformat()}|{v.id}".encode()).decode()


def decode_cursor(cursor: str | None) -> tuple[str, str] | None:
    """Return the position a cursor stands for, or raise invalid."""
    if not cursor:
        return None
    try:
        created, _, vid = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        datetime.fromisoformat(created)
    except (ValueError, UnicodeDecodeError):
        raise DomainError("invalid", "The cursor is not valid.",
                          [{"pointer": "/cursor", "reason": "invalid"}]) from None
    return created, vid


def listing(deps: Deps, principal, *, employer=None, status=None, country=None, occupation=None, limit=20,
            cursor=None, public=False) -> tuple[list[Vacancy], str | None]:
    """Return a page of the vacancies the caller may see, newest first, and the next cursor."""
    limit = max(1, min(int(limit), MAX_LIMIT))
    statuses: tuple[str, ...] = (status,) if status else ()
    if public or principal is None:
        statuses = tuple(s for s in (statuses or PUBLIC_STATUSES) if s in PUBLIC_STATUSES) or ("-",)
    elif principal.role == "employer":
        employer = principal.org  # an employer lists only its own
    elif principal.role != "admin":
        statuses = tuple(s for s in (statuses or PUBLIC_STATUSES) if s in PUBLIC_STATUSES) or ("-",)
    flt = VacancyFilter(employer=employer, statuses=statuses, country=country, occupation=occupation)
    with deps.uow() as uow:
        rows = uow.vacancies.list(flt, limit + 1, decode_cursor(cursor))
    page = rows[:limit]
    return page, encode_cursor(page[-1]) if len(rows) > limit else None


def register_employer(deps: Deps, principal, data: dict[str, Any]) -> Employer:
    """Register the caller's own organisation as an employer (once)."""
    principal.require("employer")
    with deps.uow() as uow:
        if uow.employers.get(principal.org) is not None:
            raise DomainError("conflict", "This organisation is already registered.")
        employer = Employer(org_id=principal.org, created_at=deps.clock(), **data)
        uow.employers.add(employer)
    return employer


def get_employer(deps: Deps, principal, org_id: str) -> Employer:
    """Return an employer; its own staff, ministries, counsellors and admins may read it."""
    with deps.uow() as uow:
        employer = uow.employers.get(org_id)
    if employer is None:
        raise DomainError("not_found", "There is no such employer.")
    return employer


def submit(deps: Deps, principal, data: dict[str, Any]) -> Outcome:
    """Create or update a feed's vacancy, idempotently by (submitter, external_id)."""
    external_id = data.get("external_id")
    if external_id:
        with deps.uow() as uow:
            existing = uow.vacancies.find_external(principal.org, external_id)
        if existing is not None:
            if existing.status in (model.CLOSED, model.REJECTED):
                return Outcome(existing, created=False)
            same = existing.draft.to_dict() == Draft.from_dict({**existing.draft.to_dict(), **data}).to_dict()
            if same:
                return Outcome(existing, created=False)
            return update(deps, principal, existing.id, data, existing.version)
    return create(deps, principal, data)


__all__ = ["Deps", "Outcome", "announce", "check", "close", "create", "get", "get_public", "listing", "review",
           "update", "register_employer", "get_employer", "submit"]
