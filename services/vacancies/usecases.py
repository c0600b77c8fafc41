"""What employers, administrators and feeds can do with vacancies: the use cases of :class:`VacancyService`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from services.vacancies.domain import model
from services.vacancies.domain.countries import Conversion
from services.vacancies.domain.gate import DecentWorkGate, GateResult
from services.vacancies.domain.messages import (
    ALREADY_REGISTERED,
    EXTERNAL_ID_TAKEN,
    INVALID_FIELDS,
    NO_LABOUR_DATA,
    NO_SUCH_EMPLOYER,
    NO_SUCH_VACANCY,
    OTHER_ORGANISATION,
    REASONS,
    STALE_VERSION,
)
from services.vacancies.domain.model import Draft, Employer, Vacancy
from services.vacancies.events import SOURCE, announcement
from services.vacancies.ports import Clock, OccupationSuggester, Suggestion, UnitOfWorkFactory, VacancyFilter
from shared.errors import AlreadyExists, ApiError, FieldIssue, Forbidden, Invalid, NotFound, PreconditionFailed
from shared.pagination import BAD_CURSOR, Page, decode_cursor, next_page

TOPIC = "vacancies"
MAX_LIMIT = 100
PUBLIC_STATUSES = model.OPEN


class InvalidFields(Invalid):
    """Several fields refused at once, each with a reason code of ``domain.messages.REASONS``."""

    def __init__(self, errors: list[dict[str, str]]):
        issues = [FieldIssue(e["pointer"], REASONS.get(e["reason"], e["reason"])) for e in errors]
        super().__init__("invalid_fields", INVALID_FIELDS, issues=issues)
        self.errors = errors  # [{"pointer": "/occupation", "reason": "unknown_occupation"}, ...] for row reports


@dataclass(frozen=True)
class Outcome:
    """A stored vacancy plus what the employer should see beside it."""

    vacancy: Vacancy
    suggestions: tuple[Suggestion, ...] = ()
    created: bool = True


@dataclass(frozen=True)
class Checked:
    """A draft judged by the gate without being stored."""

    draft: Draft
    suggestions: tuple[Suggestion, ...]
    result: GateResult


@dataclass(frozen=True)
class MinimumWage:
    """A country's minimum wage, weekly-hours limit and pay conversion in force on a date."""

    country: str
    name: str
    monthly_minimum: float
    currency: str
    effective_date: date
    max_weekly_hours: float
    hours_effective_date: date
    source: dict[str, str]
    hours_source: dict[str, str]
    conversion: Conversion
    data_stale: bool
    verified: bool


@dataclass
class RowResult:
    """What happened to one row of a feed."""

    row: int
    outcome: str  # created | updated | unchanged | error
    external_id: str | None = None
    id: str | None = None
    status: str | None = None
    errors: list[dict[str, str]] = field(default_factory=list)
    findings: list = field(default_factory=list)


@dataclass(frozen=True)
class FeedRow:
    """One row of a feed as read: its loaded vacancy fields, or why it could not be read."""

    number: int
    external_id: str | None
    data: dict[str, Any] | None = None
    errors: tuple[dict[str, str], ...] = ()


def can_see(principal, vacancy: Vacancy) -> bool:
    """Return whether the caller may read the vacancy (held ones: only its employer and administrators)."""
    if principal.role == "admin" or vacancy.employer_id == principal.org:
        return True
    return vacancy.status in PUBLIC_STATUSES


def _list_key(v: Vacancy) -> tuple[str, str]:
    return (v.created_at.isoformat(), v.id)


def _position(cursor: str | None) -> tuple[str, str] | None:
    if not cursor:
        return None
    created, vacancy_id = decode_cursor(cursor, 2)
    try:
        datetime.fromisoformat(created)
    except (TypeError, ValueError):
        raise Invalid("bad_cursor", BAD_CURSOR, pointer="/cursor") from None
    return created, str(vacancy_id)


def _external_id_taken(existing_id: str | None) -> AlreadyExists:
    return AlreadyExists("external_id_taken", EXTERNAL_ID_TAKEN, pointer="/external_id", existing_id=existing_id)


def _english(error: ApiError) -> str:
    return error.message % error.params if error.params else error.message


class VacancyService:
    """The vacancies use cases, on the ports the composition root hands in."""

    def __init__(self, uow: UnitOfWorkFactory, gate: DecentWorkGate, suggester: OccupationSuggester, clock: Clock):
        self.uow, self.gate, self.suggester, self.clock = uow, gate, suggester, clock

    # -- the gate --------------------------------------------------------------------------------------
    def _resolve_occupation(self, data: dict[str, Any]) -> tuple[dict[str, Any], tuple[Suggestion, ...]]:
        errors = []
        suggestions: tuple[Suggestion, ...] = ()
        occupation = data.get("occupation")
        if occupation:
            if not self.suggester.is_occupation(occupation):
                errors.append({"pointer": "/occupation", "reason": "unknown_occupation"})
        else:
            suggestions = tuple(self.suggester.suggest(data.get("title", ""), data.get("language", "es")))
            if suggestions:
                data = {**data, "occupation": suggestions[0].code}
            else:
                errors.append({"pointer": "/occupation", "reason": "occupation_not_found"})
        for key in ("required_skills", "nice_skills"):
            for i, code in enumerate(data.get(key) or ()):
                if not self.suggester.is_skill(code):
                    errors.append({"pointer": f"/{key}/{i}", "reason": "unknown_skill"})
        if errors:
            raise InvalidFields(errors)
        return data, suggestions

    def check(self, data: dict[str, Any]) -> Checked:
        """Validate a submitted draft beyond its field types, resolve its occupation and run the gate."""
        data, suggestions = self._resolve_occupation(data)
        draft = Draft.from_dict(data)
        problems = draft.problems(self.clock().date())
        if problems:
            raise InvalidFields(problems)
        return Checked(draft, suggestions, self.gate.check(draft, self.clock().date()))

    def minimum_wage(self, country: str) -> MinimumWage:
        """Return a country's minimum wage, weekly-hours limit and pay conversion in force today."""
        rules = self.gate.countries.get(country.upper())
        today = self.clock().date()
        wage, hours = (rules.minimum_wage(today), rules.hours_limit(today)) if rules else (None, None)
        if wage is None or hours is None:
            raise NotFound("no_labour_data", NO_LABOUR_DATA, country=country)
        return MinimumWage(rules.country, rules.name, wage.monthly, wage.currency, wage.effective_date,
                           hours.max_per_week, hours.effective_date, wage.source, hours.source, rules.conversion,
                           rules.is_stale(today), rules.verified)

    def suggest_occupations(self, text: str, lang: str, limit: int = 5) -> list[Suggestion]:
        """Suggest ISCO-08 occupations for a job title as it is typed."""
        return self.suggester.suggest(text, lang, limit)

    # -- vacancies -------------------------------------------------------------------------------------
    @staticmethod
    def _monthly(draft: Draft, result: GateResult) -> float:
        return result.pay_check.monthly_equivalent if result.pay_check else float(draft.pay.amount)

    def create(self, principal, data: dict[str, Any]) -> Outcome:
        """Store a new vacancy for the caller's organisation after the gate judged it, and announce it."""
        principal.require("employer", "ministry")
        checked = self.check(data)
        draft, result = checked.draft, checked.result
        now = self.clock()
        status = model.status_for(result.findings)
        vacancy = Vacancy(id=model.new_vacancy_id(), employer_id=principal.org, submitter=principal.org,
                          draft=draft, status=status, findings=result.findings, version=1, created_at=now,
                          updated_at=now, published_at=now if status in model.OPEN else None,
                          monthly_equivalent=self._monthly(draft, result))
        try:
            with self.uow() as uow:
                if draft.external_id:
                    existing = uow.vacancies.find_external(principal.org, draft.external_id)
                    if existing is not None:
                        raise _external_id_taken(existing.id)
                uow.vacancies.add(vacancy)  # raises AlreadyExists when a parallel create took the id first
                uow.stage(announcement(vacancy).event(SOURCE))
        except AlreadyExists as taken:
            if taken.existing_id is None:
                existing = self.find_external(principal, draft.external_id)
                raise _external_id_taken(existing.id if existing else None) from None
            raise
        return Outcome(vacancy, checked.suggestions)

    @staticmethod
    def _owned(uow, principal, vacancy_id: str) -> Vacancy:
        vacancy = uow.vacancies.get(vacancy_id)
        if vacancy is None or not can_see(principal, vacancy):
            raise NotFound("no_vacancy", NO_SUCH_VACANCY)
        if principal.role != "admin" and vacancy.employer_id != principal.org:
            raise Forbidden("other_organisation", OTHER_ORGANISATION)
        return vacancy

    def update(self, principal, vacancy_id: str, changes: dict[str, Any], if_match: int) -> Outcome:
        """Apply an employer's changes, re-run the gate and announce the new state."""
        principal.require("employer", "ministry", "admin")
        with self.uow() as uow:
            vacancy = self._owned(uow, principal, vacancy_id)
            if vacancy.version != if_match:
                raise PreconditionFailed("stale_version", STALE_VERSION, current_version=vacancy.version)
            renamed = changes.get("external_id")
            if renamed and renamed != vacancy.draft.external_id:
                other = uow.vacancies.find_external(vacancy.submitter, renamed)
                if other is not None:
                    raise _external_id_taken(other.id)
            merged = {**vacancy.draft.to_dict(), **changes}
            if "title" in changes and "occupation" not in changes:
                merged["occupation"] = vacancy.draft.occupation
            checked = self.check(merged)
            updated = model.judged(vacancy, checked.draft, list(checked.result.findings),
                                   self._monthly(checked.draft, checked.result), self.clock())
            uow.vacancies.save(updated)
            uow.stage(announcement(updated).event(SOURCE))
        return Outcome(updated, checked.suggestions, created=False)

    def close(self, principal, vacancy_id: str, reason: str) -> Vacancy:
        """Close a vacancy (filled or withdrawn) and announce it."""
        principal.require("employer", "ministry", "admin")
        with self.uow() as uow:
            vacancy = model.closed(self._owned(uow, principal, vacancy_id), reason, self.clock())
            uow.vacancies.save(vacancy)
            uow.stage(announcement(vacancy).event(SOURCE))
        return vacancy

    def review(self, principal, vacancy_id: str, decision: str, note: str) -> Vacancy:
        """Record an administrator's release or rejection of a held vacancy and announce the result."""
        principal.require("admin")
        with self.uow() as uow:
            vacancy = uow.vacancies.get(vacancy_id)
            if vacancy is None:
                raise NotFound("no_vacancy", NO_SUCH_VACANCY)
            decided = model.reviewed(vacancy, decision, note, principal.subject, self.clock())
            uow.vacancies.save(decided)
            uow.stage(announcement(decided).event(SOURCE))
        return decided

    def get(self, principal, vacancy_id: str) -> Vacancy:
        """Return one vacancy the caller may see."""
        with self.uow() as uow:
            vacancy = uow.vacancies.get(vacancy_id)
        if vacancy is None or not can_see(principal, vacancy):
            raise NotFound("no_vacancy", NO_SUCH_VACANCY)
        return vacancy

    def get_public(self, vacancy_id: str) -> Vacancy:
        """Return a published vacancy for anyone, or raise NotFound."""
        with self.uow() as uow:
            vacancy = uow.vacancies.get(vacancy_id)
        if vacancy is None or not vacancy.is_open:
            raise NotFound("no_vacancy", NO_SUCH_VACANCY)
        return vacancy

    def list(self, principal, *, employer=None, status=None, country=None, occupation=None, limit=20,
             cursor=None, public=False) -> Page[Vacancy]:
        """Return a page of the vacancies the caller may see, newest first, and the next cursor."""
        limit = max(1, min(int(limit), MAX_LIMIT))
        statuses: tuple[str, ...] = (status,) if status else ()
        if public or principal is None:
            statuses = tuple(s for s in (statuses or PUBLIC_STATUSES) if s in PUBLIC_STATUSES) or ("-",)
        elif principal.role == "employer":
            employer = principal.org  # an employer lists only its own
        elif principal.role != "admin" and employer != principal.org:  # a ministry's own feed: every status
            statuses = tuple(s for s in (statuses or PUBLIC_STATUSES) if s in PUBLIC_STATUSES) or ("-",)
        flt = VacancyFilter(employer=employer, statuses=statuses, country=country, occupation=occupation)
        after = _position(cursor)
        with self.uow() as uow:
            rows = uow.vacancies.list(flt, limit + 1, after)
        return next_page(rows, limit, key=_list_key)

    def submit(self, principal, data: dict[str, Any], *, retried: bool = False) -> Outcome:
        """Create or update a feed's vacancy, idempotently by (submitter, external_id)."""
        external_id = data.get("external_id")
        if external_id:
            existing = self.find_external(principal, external_id)
            if existing is not None:
                if existing.status in (model.CLOSED, model.REJECTED):
                    return Outcome(existing, created=False)
                same = existing.draft.to_dict() == Draft.from_dict({**existing.draft.to_dict(), **data}).to_dict()
                if same:
                    return Outcome(existing, created=False)
                return self.update(principal, existing.id, data, existing.version)
        try:
            return self.create(principal, data)
        except AlreadyExists:
            if retried:
                raise
            # Another upload of the same feed created it meanwhile: this row is now an update (or no change).
            return self.submit(principal, data, retried=True)

    def find_external(self, principal, external_id: str | None) -> Vacancy | None:
        """Return the caller's vacancy with a feed's own id, if there is one."""
        if not external_id:
            return None
        with self.uow() as uow:
            return uow.vacancies.find_external(principal.org, external_id)

    def bulk(self, principal, rows: Iterable[FeedRow],
             progress: Callable[[RowResult], None] | None = None) -> list[RowResult]:
        """Submit every row of a feed on its own; a bad row is reported and never stops the others."""
        results = []
        for row in rows:
            if row.errors:
                result = RowResult(row.number, "error", row.external_id, errors=list(row.errors))
            else:
                result = self._submit_row(principal, row)
            results.append(result)
            if progress:
                progress(result)
        return results

    def _submit_row(self, principal, row: FeedRow) -> RowResult:
        external_id = row.data.get("external_id")
        try:
            before = self.find_external(principal, external_id)
            outcome = self.submit(principal, row.data)
        except InvalidFields as exc:
            return RowResult(row.number, "error", external_id, errors=list(exc.errors))
        except ApiError as exc:
            return RowResult(row.number, "error", external_id, errors=[{"pointer": "", "reason": _english(exc)}])
        kind = ("created" if outcome.created else
                "unchanged" if before is not None and before.version == outcome.vacancy.version else "updated")
        return RowResult(row.number, kind, external_id, outcome.vacancy.id, outcome.vacancy.status,
                         findings=list(outcome.vacancy.findings))

    # -- employers -------------------------------------------------------------------------------------
    def register_employer(self, principal, data: dict[str, Any]) -> Employer:
        """Register the caller's own organisation as an employer (once)."""
        principal.require("employer")
        with self.uow() as uow:
            if uow.employers.get(principal.org) is not None:
                raise AlreadyExists("employer_registered", ALREADY_REGISTERED, existing_id=principal.org)
            employer = Employer(org_id=principal.org, created_at=self.clock(), **data)
            uow.employers.add(employer)
        return employer

    def get_employer(self, principal, org_id: str) -> Employer:
        """Return an employer's record (tax id, contact e-mail) to its own organisation or an administrator.

        Anyone else is told there is no such employer, exactly as for an unknown id, so the answer does not
        even say whether an organisation is registered (docs/authorisation.md).
        """
        if principal.role != "admin" and principal.org != org_id:
            raise NotFound("no_employer", NO_SUCH_EMPLOYER)
        with self.uow() as uow:
            employer = uow.employers.get(org_id)
        if employer is None:
            raise NotFound("no_employer", NO_SUCH_EMPLOYER)
        return employer

    def employer_name(self, vacancy: Vacancy) -> str:
        """Return the name a vacancy's public page shows for its employer (its id when it never registered)."""
        with self.uow() as uow:
            employer = uow.employers.get(vacancy.employer_id)
        return employer.name if employer else vacancy.employer_id


__all__ = ["Checked", "FeedRow", "InvalidFields", "MinimumWage", "Outcome", "RowResult", "VacancyService",
           "can_see"]
