"""Saved searches and job alerts: the counsellor's own settings, which the portal keeps like accounts.

A saved search is a name for the filters of the people list. A job alert watches one person's matches with the
matches page's filters: the portal asks matching for them now and then (``AlertRunner``, run by ``puente alerts``
or by a thread of the embedded default), with the counsellor's own token, so matching decides what the
counsellor may see. Each strong match an alert finds is kept as a hit (ids only: the alert, the vacancy, the
score) until the counsellor opens it from their queue; the person is told when the alert says so and they agreed
to be sent messages. No Flask here: the notices are written by a function passed in.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from services.portal.ports import MatchingPort, ProfilesPort, ServiceUnavailable, VacanciesPort
from services.portal.workspace.logic import MatchFilters, consents_to, new_strong_matches

log = logging.getLogger("puente.portal.alerts")

PEOPLE, ALERT = "people", "alert"
MAX_SAVED = 50  # saved searches and alerts per counsellor
NAME_MAX = 80
# A saved people search keeps the list's filters, never what was typed in its search box (a name, a document or a
# phone number): the portal holds no one's identity.
PEOPLE_FILTERS = ("occupation", "language", "stage", "contact")
ALERT_FILTERS = ("eligible", "country", "trade")
TOKEN_TTL_S = 120
MATCHING_PAGE = 100


@dataclass(frozen=True)
class SavedSearch:
    """A counsellor's saved people search (``kind`` "people") or job alert for one person (``kind`` "alert")."""

    id: str
    owner: str  # the counsellor's user id
    org: str  # their centre
    kind: str
    name: str
    filters: Mapping[str, str]
    profile_id: str | None = None
    notify_person: bool = False
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class AlertHit:
    """A strong match a job alert found: new until the counsellor opens the alert."""

    alert_id: str
    vacancy_id: str
    score: float
    found_at: datetime
    seen_at: datetime | None = None
    notified_at: datetime | None = None


class SavedSearchStore(Protocol):
    """Where saved searches, job alerts and their hits live (the portal's database; a dictionary in tests)."""

    def add(self, search: SavedSearch, baseline: list[AlertHit] = ()) -> None: ...
    def get(self, search_id: str) -> SavedSearch | None: ...
    def of_owner(self, owner: str, kind: str) -> list[SavedSearch]: ...
    def for_profile(self, owner: str, profile_id: str) -> list[SavedSearch]: ...
    def alerts(self) -> list[SavedSearch]: ...
    def delete(self, owner: str, search_id: str) -> bool: ...
    def known(self, alert_id: str) -> set[str]: ...
    def add_hits(self, hits: list[AlertHit]) -> None: ...
    def unseen(self, owner: str) -> dict[str, list[AlertHit]]: ...
    def mark_seen(self, owner: str, alert_id: str, at: datetime) -> None: ...
    def mark_notified(self, alert_id: str, vacancy_ids: list[str], at: datetime) -> None: ...


class SearchError(ValueError):
    """Raised when a search cannot be saved; ``field`` names the form field at fault, ``code`` the reason."""

    def __init__(self, code: str, field: str = "name"):
        super().__init__(code)
        self.code, self.field = code, field


def clean_filters(kind: str, args: Mapping[str, Any]) -> dict[str, str]:
    """Return only the filters a kind of search knows, non-empty, as strings."""
    names = PEOPLE_FILTERS if kind == PEOPLE else ALERT_FILTERS
    return {k: str(args[k]).strip() for k in names if args.get(k) and str(args[k]).strip()}


def new_search(store: SavedSearchStore, owner: str, org: str, kind: str, name: str, filters: Mapping[str, Any], *,
               profile_id: str | None = None, notify_person: bool = False) -> SavedSearch:
    """Return a search to save, or raise SearchError (no name, a name too long, too many saved)."""
    name = " ".join((name or "").split())
    if not name:
        raise SearchError("name_missing")
    if len(name) > NAME_MAX:
        raise SearchError("name_too_long")
    if len(store.of_owner(owner, PEOPLE)) + len(store.of_owner(owner, ALERT)) >= MAX_SAVED:
        raise SearchError("too_many")
    if kind == ALERT and not profile_id:
        raise SearchError("no_person", "profile_id")
    return SavedSearch(str(uuid.uuid4()), owner, org, kind, name, clean_filters(kind, filters), profile_id,
                       notify_person and kind == ALERT)


@dataclass(frozen=True)
class Job:
    """A vacancy as a notice names it."""

    vacancy_id: str
    title: str
    employer: str
    city: str | None
    country: str


@dataclass
class RunReport:
    """What one pass of the alerts found: alerts checked, new hits, people told, alerts skipped."""

    checked: int = 0
    new_hits: int = 0
    people_told: int = 0
    skipped: int = 0


# (profile as read, the jobs, the centre's id) -> the channel used ("email", "whatsapp") or None
TellPerson = Callable[[Mapping[str, Any], list[Job], str], str | None]


@dataclass
class AlertRunner:
    """Looks for new strong matches of every job alert, keeps them as hits and tells the people who agreed."""

    store: SavedSearchStore
    user_of: Callable[[str], Any]  # user id -> User (role, org) or None
    issue_token: Callable[[str, str, str, int], str]  # (subject, role, org, ttl_s) -> bearer token
    matching: MatchingPort
    vacancies: VacanciesPort
    profiles: ProfilesPort
    tell_person: TellPerson
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    max_pages: int = 3

    def token_for(self, alert: SavedSearch) -> str | None:
        """Return a short token for the alert's owner, or None when they no longer act for its centre."""
        user = self.user_of(alert.owner)
        if user is None or user.role != "counsellor" or user.org != alert.org:
            return None
        return self.issue_token(user.id, user.role, user.org, TOKEN_TTL_S)

    def strong_now(self, token: str, lang: str, alert: SavedSearch, known: set[str]) -> list[tuple[str, float]]:
        """Return the strong matches (vacancy id, score) the alert's filters admit and ``known`` lacks, in rank
        order; raise ServiceUnavailable when matching or vacancies cannot answer."""
        filters = MatchFilters.of(alert.filters)
        found, cursor = [], None
        for _ in range(self.max_pages):
            reply = self.matching.for_profile(token, lang, alert.profile_id, limit=MATCHING_PAGE, cursor=cursor)
            if reply.status in (403, 404):
                return []  # matching does not know the person (any more), or they left the centre
            if not reply.ok:
                raise ServiceUnavailable(f"matching answered {reply.status}")
            found += new_strong_matches(reply.body.get("items") or [], filters, known)
            cursor = reply.body.get("next_cursor")
            if not cursor:
                break
        if not filters.country:
            return found
        kept = []
        for vacancy_id, score in found:
            vacancy = self.vacancies.get_vacancy(token, lang, vacancy_id)
            if vacancy.ok and vacancy.body.get("country") == filters.country:
                kept.append((vacancy_id, score))
        return kept

    def baseline(self, token: str, lang: str, alert: SavedSearch) -> list[AlertHit]:
        """Return the strong matches an alert starts with, as seen: only later ones are news."""
        now = self.clock()
        return [AlertHit(alert.id, v, s, now, seen_at=now) for v, s in self.strong_now(token, lang, alert, set())]

    def check(self, alert: SavedSearch, lang: str = "es") -> tuple[int, bool] | None:
        """Look for an alert's new strong matches, keep them, and tell the person if they should be told.

        Return (new hits, whether the person was told), or None when the alert could not be checked now.
        """
        token = self.token_for(alert)
        if token is None:
            return None
        try:
            fresh = self.strong_now(token, lang, alert, self.store.known(alert.id))
        except ServiceUnavailable as exc:
            log.warning("job alert %s not checked: %s", alert.id, exc)
            return None
        if not fresh:
            return 0, False
        now = self.clock()
        self.store.add_hits([AlertHit(alert.id, v, s, now) for v, s in fresh])
        told = alert.notify_person and self._tell(token, alert, [v for v, _s in fresh])
        return len(fresh), told

    def _tell(self, token: str, alert: SavedSearch, vacancy_ids: list[str]) -> bool:
        try:
            reply = self.profiles.get_profile(token, "es", alert.profile_id)
            if not reply.ok or not consents_to(reply.body, "notifications"):
                return False
            profile = reply.body
            lang = profile.get("text_language") or "es"
            jobs = []
            for vacancy_id in vacancy_ids:
                vacancy = self.vacancies.get_vacancy(token, lang, vacancy_id)
                if not vacancy.ok:
                    continue
                body = vacancy.body
                # The employer's name as the public job page shows it (its record is not a counsellor's to read).
                name = body.get("employer_name") or ""
                jobs.append(Job(vacancy_id, body.get("title", ""), name, body.get("city"), body.get("country", "")))
        except ServiceUnavailable as exc:
            log.warning("job alert %s: the person could not be told: %s", alert.id, exc)
            return False
        if not jobs or self.tell_person(profile, jobs, alert.org) is None:
            return False
        self.store.mark_notified(alert.id, [j.vacancy_id for j in jobs], self.clock())
        return True

    def run_once(self) -> RunReport:
        """Check every job alert once."""
        report = RunReport()
        for alert in self.store.alerts():
            outcome = self.check(alert)
            if outcome is None:
                report.skipped += 1
                continue
            report.checked += 1
            report.new_hits += outcome[0]
            report.people_told += int(outcome[1])
        if report.new_hits or report.skipped:
            log.info("job alerts: %s checked, %s new strong matches, %s people told, %s skipped", report.checked,
                     report.new_hits, report.people_told, report.skipped)
        return report
