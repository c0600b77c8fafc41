"""The workspace's rules, as plain functions: what needs doing first, the pipeline's next steps, a profile's
request body, which intake steps are done, and why a vacancy ranks where it does. No Flask here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

STAGES = ("proposed", "introduced", "applied", "interview", "hired", "not_hired", "left")
# The moves the portal offers from each stage (the profiles service enforces the pipeline); ``introduced`` is
# reached only through the consent page, never as a plain stage change.
NEXT_STAGES = {"proposed": ("not_hired",), "introduced": ("applied", "not_hired"),
               "applied": ("interview", "not_hired"), "interview": ("hired", "not_hired"), "hired": ("left",),
               "not_hired": (), "left": ()}
STALE_AFTER = timedelta(days=30)
FOLLOW_UP_AFTER = timedelta(days=7)  # an introduction unanswered this long needs a call to the employer
STRONG = 0.5  # matching calls a score at or above this a strong match (services/matching/messages.py)

# What needs doing, most urgent first.
REQUEST, INTERVIEW, ALERT, STRONG_MATCH, NO_ANSWER, STALE = ("request", "interview", "alert", "strong_match",
                                                             "no_answer", "stale")
PRIORITY = (REQUEST, INTERVIEW, ALERT, STRONG_MATCH, NO_ANSWER, STALE)

INTAKE_STEPS = ("identity", "languages", "experience", "education", "wishes")
PROFILE_KEYS = ("identity", "location", "languages", "work_authorizations", "experience", "skills_text", "skills",
                "education", "desired_occupations", "availability", "pay_expectation", "accessibility_needs",
                "situation_notes", "text_language")
CONSENT_PURPOSES = ("matching", "introductions", "statistics", "notifications")


def parse_time(value: str | None) -> datetime | None:
    """Return an ISO timestamp as an aware datetime (naive ones are UTC), or None."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# -- the morning queue ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Reason:
    """One thing to do about a person: its kind, since when, and what it is about (a vacancy, a count)."""

    kind: str
    since: datetime | None = None
    vacancy_id: str | None = None
    title: str | None = None
    count: int = 0
    alert_id: str | None = None


@dataclass
class Task:
    """A person in the queue with every reason they are there, the most urgent first."""

    profile_id: str
    name: str
    reasons: list[Reason] = field(default_factory=list)

    @property
    def urgency(self) -> tuple[int, datetime]:
        """Return the sort key: the most urgent reason's rank, then who has waited longest."""
        top = min(PRIORITY.index(r.kind) for r in self.reasons)
        waited = min((r.since for r in self.reasons if PRIORITY.index(r.kind) == top and r.since),
                     default=datetime.max.replace(tzinfo=UTC))
        return top, waited


def full_name(item: Mapping[str, Any]) -> str:
    """Return a person's given and family names as one string."""
    identity = item.get("identity") or item
    return f"{identity.get('given_names', '')} {identity.get('family_names', '')}".strip()


@dataclass(frozen=True)
class AlertNews:
    """A job alert with strong matches the counsellor has not opened yet."""

    alert_id: str
    profile_id: str
    name: str  # the person's
    alert_name: str
    count: int
    since: datetime | None


def build_queue(*, requests: Iterable[tuple[Mapping, str]] = (), interviews: Iterable[Mapping] = (),
                alerts: Iterable[AlertNews] = (), strong: Iterable[tuple[Mapping, int]] = (),
                introduced: Iterable[Mapping] = (), stale: Iterable[Mapping] = (), now: datetime) -> list[Task]:
    """Return one list of people who need something done, sorted by what needs doing first.

    ``requests`` are (introduction request, person's name); ``alerts`` are job alerts with new strong matches;
    ``strong`` are (person, count of strong matches not yet proposed), left out for a person a job alert
    already announces; the others are items of the profiles list. An introduction counts as unanswered only
    once FOLLOW_UP_AFTER has passed since the last contact.
    """
    tasks: dict[str, Task] = {}

    def add(profile_id: str, name: str, reason: Reason) -> None:
        task = tasks.setdefault(profile_id, Task(profile_id, name))
        task.reasons.append(reason)

    for request, name in requests:
        person = request.get("candidate") or request.get("profile_id")
        add(person, name, Reason(REQUEST, parse_time(request.get("requested_at")), request.get("vacancy_id"),
                                 request.get("vacancy_title")))
    for item in interviews:
        add(item["id"], full_name(item), Reason(INTERVIEW, parse_time(item.get("last_contact_at"))))
    for news in alerts:
        add(news.profile_id, news.name, Reason(ALERT, news.since, title=news.alert_name, count=news.count,
                                               alert_id=news.alert_id))
    announced = {task.profile_id for task in tasks.values() if any(r.kind == ALERT for r in task.reasons)}
    for item, count in strong:
        if count and item["id"] not in announced:
            add(item["id"], full_name(item), Reason(STRONG_MATCH, parse_time(item.get("last_contact_at")),
                                                    count=count))
    for item in introduced:
        since = parse_time(item.get("last_contact_at"))
        if since is not None and now - since >= FOLLOW_UP_AFTER:
            add(item["id"], full_name(item), Reason(NO_ANSWER, since))
    for item in stale:
        add(item["id"], full_name(item), Reason(STALE, parse_time(item.get("last_contact_at"))))
    for task in tasks.values():
        task.reasons.sort(key=lambda r: PRIORITY.index(r.kind))
    return sorted(tasks.values(), key=lambda t: (t.urgency, t.name))


def strong_matches(items: Iterable[Mapping[str, Any]], proposed: Iterable[str] = ()) -> int:
    """Return how many eligible strong matches a ranking holds that the person was not yet proposed for."""
    skip = set(proposed)
    return sum(1 for m in items if m.get("eligible") and float(m.get("score") or 0) >= STRONG
               and m.get("vacancy_id") not in skip)


# -- profiles ---------------------------------------------------------------------------------------------
def profile_body(profile: Mapping[str, Any], **changes: Any) -> dict[str, Any]:
    """Return the request body that replaces a profile (PUT), from the profile as read, with ``changes``."""
    body = {key: profile.get(key) for key in PROFILE_KEYS if key in profile}
    consents = profile.get("consents") or {}
    # Messages were asked for later than the rest: an answer never given is left out (the service keeps none).
    body["consents"] = {p: bool((consents.get(p) or {}).get("given")) for p in CONSENT_PURPOSES
                        if p != "notifications" or p in consents}
    body.update(changes)
    return body


def steps_done(profile: Mapping[str, Any], credentials: int = 0) -> dict[str, bool]:
    """Return which intake steps hold an answer, so the counsellor can resume at the first one that does not."""
    return {
        "identity": True,
        "languages": bool(profile.get("languages")),
        "experience": bool(profile.get("experience") or profile.get("skills") or profile.get("skills_text")),
        "education": bool(profile.get("education") or credentials),
        "wishes": bool(profile.get("availability") or profile.get("desired_occupations")),
    }


def resume_step(done: Mapping[str, bool]) -> str | None:
    """Return the first intake step without an answer, or None when every step has one."""
    return next((step for step in INTAKE_STEPS if not done.get(step)), None)


def consents_to(profile: Mapping[str, Any], purpose: str) -> bool:
    """Return whether a profile (as the profiles API shows it) records the person's consent to ``purpose``."""
    return bool(((profile.get("consents") or {}).get(purpose) or {}).get("given"))


def person_language(profile: Mapping[str, Any], default: str) -> str:
    """Return the language the person reads, as recorded at intake (the profile's text language)."""
    return profile.get("text_language") or default


# -- the pipeline -----------------------------------------------------------------------------------------
def next_stages(stage: str | None) -> tuple[str, ...]:
    """Return the stages the counsellor may record after ``stage``."""
    return NEXT_STAGES.get(stage or "", ())


# -- a match, in words ------------------------------------------------------------------------------------
SAME_TRADE, CLOSE_TRADE, OTHER_TRADE = "same", "close", "other"


def trade_fit(explanation: Mapping[str, Any]) -> str | None:
    """Return "same", "close" or "other" trade from the ISCO distance matching explains, or None if unknown."""
    occupation = explanation.get("occupation") or {}
    if not occupation.get("vacancy") or occupation.get("closest") is None:
        return None
    distance = occupation.get("isco_distance")
    if distance == 0:
        return SAME_TRADE
    return CLOSE_TRADE if distance is not None and distance <= 2 else OTHER_TRADE


@dataclass(frozen=True)
class MatchFilters:
    """The matches page's filters: only jobs the person can take now, one country, their own (or a close) trade."""

    eligible_only: bool = False
    country: str = ""
    trade: str = ""

    @classmethod
    def of(cls, args: Mapping[str, Any]) -> MatchFilters:
        """Return the filters a query string (or a saved alert's filters) names; anything else is ignored."""
        trade = args.get("trade") if args.get("trade") in ("same", "close") else ""
        country = str(args.get("country") or "").upper()[:2]
        return cls(args.get("eligible") == "1", country if country.isalpha() else "", trade)

    def args(self) -> dict[str, str]:
        """Return the filters as the page's query parameters (only those set)."""
        return {k: v for k, v in (("eligible", "1" if self.eligible_only else ""), ("country", self.country),
                                  ("trade", self.trade)) if v}

    def admits(self, item: Mapping[str, Any], fit: str | None) -> bool:
        """Return whether a ranked item passes the filters that need no vacancy details (eligibility, trade)."""
        if self.eligible_only and not item.get("eligible"):
            return False
        return not (self.trade == "same" and fit != SAME_TRADE
                    or self.trade == "close" and fit not in (SAME_TRADE, CLOSE_TRADE))


def new_strong_matches(items: Iterable[Mapping[str, Any]], filters: MatchFilters,
                       known: Iterable[str] = ()) -> list[tuple[str, float]]:
    """Return (vacancy id, score) of the strong matches a job alert announces: eligible, scored at or above
    STRONG (what matching announces as ``match.suggested``), passing the alert's filters but its country (which
    needs the vacancy), and not ``known`` yet."""
    skip = set(known)
    out = []
    for item in items:
        score = float(item.get("score") or 0)
        if (item.get("eligible") and score >= STRONG and item.get("vacancy_id") not in skip
                and filters.admits(item, trade_fit(item.get("explanation") or {}))):
            out.append((item["vacancy_id"], score))
    return out


@dataclass(frozen=True)
class Why:
    """One reason a vacancy does not rank higher: a code the page words, and the values it mentions."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


def why_not_higher(item: Mapping[str, Any], above: int) -> list[Why]:
    """Return why a vacancy is not ranked higher, from its blockers and the parts of its score.

    Matching ranks every eligible vacancy before every blocked one, each group by score; the score blends
    text similarity, occupation, required skills, experience, language and location (each 0..1).
    """
    explanation = item.get("explanation") or {}
    parts = explanation.get("components") or {}
    occupation = explanation.get("occupation") or {}
    reasons: list[Why] = []
    if above == 0:
        return [Why("first")]
    if not item.get("eligible", True):
        reasons.append(Why("blocked", {"blockers": [b.get("message", "") for b in item.get("blockers") or []]}))
    semantic = parts.get("semantic")
    if semantic is not None and semantic < 0.5:
        reasons.append(Why("text", {"value": semantic}))
    fit = trade_fit(explanation)
    if fit in (CLOSE_TRADE, OTHER_TRADE):
        reasons.append(Why("trade", {"vacancy": occupation.get("vacancy_label") or occupation.get("vacancy"),
                                     "closest": occupation.get("closest_label") or occupation.get("closest")}))
    elif fit == SAME_TRADE and (parts.get("occupation") or 0) < 1:
        reasons.append(Why("trade_not_worked", {"vacancy": occupation.get("vacancy_label")}))
    elif fit is None and occupation.get("vacancy"):
        reasons.append(Why("trade_unknown", {"vacancy": occupation.get("vacancy_label")}))
    missing = [s.get("label") or s.get("code") for s in explanation.get("missing_skills") or []]
    if missing:
        have = len(explanation.get("matched_skills") or [])
        reasons.append(Why("skills", {"have": have, "needed": have + len(missing), "missing": missing}))
    experience = parts.get("experience")
    if occupation.get("vacancy") and experience is None:
        reasons.append(Why("no_experience"))
    elif experience is not None and experience < 1:
        reasons.append(Why("little_experience"))
    language = parts.get("language")
    if language is not None and language < 1:
        reasons.append(Why("language"))
    location = parts.get("location")
    if location is not None and location < 1:
        reasons.append(Why("location_city" if location >= 0.8 else
                           "location_move" if location > 0 else "location_no_move"))
    if not reasons or (len(reasons) == 1 and reasons[0].code == "blocked"):
        reasons.append(Why("close_call", {"above": above}))
    return reasons
