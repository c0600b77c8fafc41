"""In-memory fakes of the portal's ports: the account and sign-in failure stores, and the services it calls.

The service fakes follow the same contract as the real APIs, for unit tests and for the pages before a service
exists; they trust a token's claims without checking its signature (the real services verify it).
"""

from __future__ import annotations

import copy
import re
import threading
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

import jwt

from services.portal.accounts import AccountError, Organisation, PendingSignUp, User, WebSession
from services.portal.alerts import ALERT, AlertHit, SavedSearch
from services.portal.ports import PAGE_SIZE, Mail, NoticeSettings, Reply, ServiceUnavailable, TextMessage
from shared.http import etag as etag_of
from shared.pagination import decode_cursor, encode_cursor
from shared.text import fold


# -- the portal's own stores ------------------------------------------------------------------------------
class InMemoryAccountStore:
    """Accounts in dictionaries, for unit tests."""

    def __init__(self):
        self.orgs: dict[str, Organisation] = {}
        self.users: dict[str, User] = {}
        self.sessions: dict[str, WebSession] = {}
        self.pending_sign_ups: dict[str, PendingSignUp] = {}
        self._lock = threading.Lock()

    def add_org_and_user(self, org: Organisation, user: User) -> None:
        """Store an organisation and its first user together."""
        with self._lock:
            if org.id in self.orgs or self._by_email(user.email):
                raise AccountError("email_taken" if self._by_email(user.email) else "org_taken", "contact_email")
            self.orgs[org.id] = org
            self.users[user.id] = user

    def add_org(self, org: Organisation) -> None:
        """Store an organisation."""
        with self._lock:
            self.orgs.setdefault(org.id, org)

    def add_user(self, user: User) -> None:
        """Store a user."""
        with self._lock:
            if self._by_email(user.email):
                raise AccountError("email_taken", "email")
            self.users[user.id] = user

    def org(self, org_id: str) -> Organisation | None:
        """Return an organisation by id."""
        return self.orgs.get(org_id)

    def _by_email(self, email: str) -> User | None:
        return next((u for u in self.users.values() if u.email == email), None)

    def user_by_email(self, email: str) -> User | None:
        """Return the user with this (normalised) email."""
        return self._by_email(email)

    def user(self, user_id: str) -> User | None:
        """Return a user by id."""
        return self.users.get(user_id)

    def add_session(self, session: WebSession) -> None:
        """Store a session."""
        self.sessions[session.id_hash] = session

    def session(self, id_hash: str) -> WebSession | None:
        """Return a session by the hash of its secret."""
        return self.sessions.get(id_hash)

    def drop_session(self, id_hash: str) -> None:
        """Forget a session."""
        self.sessions.pop(id_hash, None)

    def add_pending(self, pending: PendingSignUp) -> None:
        """Keep a sign-up until its link is followed."""
        self.pending_sign_ups[pending.id_hash] = pending

    def pending(self, id_hash: str) -> PendingSignUp | None:
        """Return a pending sign-up by the hash of its link's secret."""
        return self.pending_sign_ups.get(id_hash)

    def drop_pending(self, id_hash: str) -> None:
        """Forget a pending sign-up."""
        self.pending_sign_ups.pop(id_hash, None)

    def forget_pending_before(self, before: datetime) -> None:
        """Forget the pending sign-ups whose link expired before ``before``."""
        with self._lock:
            for key in [k for k, p in self.pending_sign_ups.items() if p.expires_at <= before]:
                del self.pending_sign_ups[key]


class InMemoryMailer:
    """Mails kept in a list instead of sent, for unit tests."""

    def __init__(self):
        self.sent: list[Mail] = []

    def send(self, mail: Mail) -> None:
        """Keep the mail."""
        self.sent.append(mail)


class InMemoryMessenger:
    """Messages kept in a list instead of sent, for unit tests."""

    def __init__(self):
        self.sent: list[TextMessage] = []

    def send(self, message: TextMessage) -> None:
        """Keep the message."""
        self.sent.append(message)


class InMemorySavedSearchStore:
    """Saved searches, job alerts and their hits in dictionaries, for unit tests."""

    def __init__(self):
        self.searches: dict[str, SavedSearch] = {}
        self.hits: dict[tuple[str, str], AlertHit] = {}
        self._lock = threading.Lock()

    def add(self, search: SavedSearch, baseline=()) -> None:
        """Store a search and the hits an alert starts with."""
        with self._lock:
            self.searches[search.id] = search
            for hit in baseline:
                self.hits[(hit.alert_id, hit.vacancy_id)] = hit

    def get(self, search_id: str) -> SavedSearch | None:
        """Return a saved search by id."""
        return self.searches.get(search_id)

    def _where(self, test) -> list[SavedSearch]:
        return sorted((s for s in self.searches.values() if test(s)), key=lambda s: (s.created_at, s.id))

    def of_owner(self, owner: str, kind: str) -> list[SavedSearch]:
        """Return a counsellor's saved searches of one kind, oldest first."""
        return self._where(lambda s: s.owner == owner and s.kind == kind)

    def for_profile(self, owner: str, profile_id: str) -> list[SavedSearch]:
        """Return a counsellor's job alerts for one person."""
        return self._where(lambda s: s.owner == owner and s.kind == ALERT and s.profile_id == profile_id)

    def alerts(self) -> list[SavedSearch]:
        """Return every job alert."""
        return self._where(lambda s: s.kind == ALERT)

    def delete(self, owner: str, search_id: str) -> bool:
        """Delete one of the counsellor's saved searches and its hits."""
        with self._lock:
            search = self.searches.get(search_id)
            if search is None or search.owner != owner:
                return False
            del self.searches[search_id]
            for key in [k for k in self.hits if k[0] == search_id]:
                del self.hits[key]
            return True

    def known(self, alert_id: str) -> set[str]:
        """Return the vacancies an alert has already found."""
        return {v for a, v in self.hits if a == alert_id}

    def add_hits(self, hits: list[AlertHit]) -> None:
        """Keep new hits (once each)."""
        with self._lock:
            for hit in hits:
                self.hits.setdefault((hit.alert_id, hit.vacancy_id), hit)

    def unseen(self, owner: str) -> dict[str, list[AlertHit]]:
        """Return a counsellor's alerts with hits not opened yet, and those hits."""
        out: dict[str, list[AlertHit]] = {}
        for hit in sorted(self.hits.values(), key=lambda h: h.found_at):
            search = self.searches.get(hit.alert_id)
            if search is not None and search.owner == owner and hit.seen_at is None:
                out.setdefault(hit.alert_id, []).append(hit)
        return out

    def mark_seen(self, owner: str, alert_id: str, at: datetime) -> None:
        """Mark an alert's hits as opened by its owner."""
        search = self.searches.get(alert_id)
        if search is None or search.owner != owner:
            return
        with self._lock:
            for key, hit in list(self.hits.items()):
                if key[0] == alert_id and hit.seen_at is None:
                    self.hits[key] = replace(hit, seen_at=at)

    def mark_notified(self, alert_id: str, vacancy_ids: list[str], at: datetime) -> None:
        """Record that the person was told of these hits."""
        with self._lock:
            for vacancy_id in vacancy_ids:
                if (alert_id, vacancy_id) in self.hits:
                    self.hits[(alert_id, vacancy_id)] = replace(self.hits[(alert_id, vacancy_id)], notified_at=at)


class InMemoryNoticeSettingsStore:
    """Employers' users' notification choices in a dictionary; their addresses from an account store."""

    def __init__(self, accounts: InMemoryAccountStore):
        self.accounts = accounts
        self.settings: dict[str, NoticeSettings] = {}

    def get(self, user_id: str) -> NoticeSettings | None:
        """Return a user's choices, or None when they never chose."""
        return self.settings.get(user_id)

    def put(self, user_id: str, settings: NoticeSettings) -> None:
        """Store a user's choices."""
        self.settings[user_id] = settings

    def introduction_subscribers(self, org: str) -> list[tuple[str, str]]:
        """Return (e-mail, language) of an organisation's users who asked to hear of introductions."""
        return sorted((u.email, self.settings[u.id].language) for u in self.accounts.users.values()
                      if u.org == org and u.id in self.settings and self.settings[u.id].introductions)


class InMemoryFailureStore:
    """Failed sign-ins in a dictionary, for unit tests and a single process."""

    def __init__(self):
        self.failures: dict[str, list[datetime]] = {}
        self._lock = threading.Lock()

    def failures_since(self, key: str, since: datetime) -> list[datetime]:
        """Return the times of a key's failures after ``since``, oldest first."""
        with self._lock:
            return sorted(t for t in self.failures.get(key, []) if t > since)

    def add(self, keys: list[str], at: datetime) -> None:
        """Remember one failure under each key."""
        with self._lock:
            for key in keys:
                self.failures.setdefault(key, []).append(at)

    def clear(self, key: str) -> None:
        """Forget a key's failures."""
        with self._lock:
            self.failures.pop(key, None)

    def forget_before(self, before: datetime) -> None:
        """Drop failures older than ``before``."""
        with self._lock:
            for key in list(self.failures):
                kept = [t for t in self.failures[key] if t >= before]
                if kept:
                    self.failures[key] = kept
                else:
                    del self.failures[key]


# -- the vacancies service ---------------------------------------------------------------------------------
# A small stand-in that follows the same contract, for unit tests and for the pages before the service exists.
FAKE_MINIMUM_MONTHLY = {"CO": (1423500, "COP"), "PE": (1130, "PEN"), "BR": (1518, "BRL"), "CL": (529000, "CLP")}
PUBLIC = ("published", "published_with_warnings")
ALLOWED_CONTRACTS = ("permanent", "fixed_term", "temporary", "seasonal", "apprenticeship", "other")
FAKE_OCCUPATIONS = {"cook": ("5120", "Cooks"), "cocinero": ("5120", "Cocineros"), "nurse": ("3221", "Nursing")}
FAKE_MESSAGES = {
    "es": "El salario está por debajo del mínimo legal", "pt": "O salário está abaixo do mínimo legal",
    "en": "The pay is below the legal minimum wage",
}


def _monthly(pay: dict, hours_per_week: float | None) -> float:
    amount, period = float(pay["amount"]), pay["period"]
    weekly_hours = hours_per_week or 44
    factor = {"hour": 4.33 * weekly_hours, "day": 4.33 * min(6.0, weekly_hours / 8), "week": 4.33,
              "month": 1.0, "year": 1 / 12}[period]
    return round(amount * factor, 2)


@dataclass
class FakeVacancies:
    """Employers and vacancies in memory, with a one-rule gate (pay under the minimum wage is held)."""

    employers: dict[str, dict] = field(default_factory=dict)
    vacancies: dict[str, dict] = field(default_factory=dict)
    unavailable: bool = False
    calls: list[tuple[str, str]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _org(self, token: str) -> str:
        return jwt.decode(token, options={"verify_signature": False})["org"]

    def _guard(self, name: str, token: str) -> None:
        self.calls.append((name, token))
        if self.unavailable:
            raise ServiceUnavailable("the fake is switched off")

    @staticmethod
    def _invalid(body: dict) -> list[dict[str, str]]:
        errors = []
        for name in ("title", "description", "country"):
            if not body.get(name):
                errors.append({"pointer": f"/{name}", "reason": "Missing data for required field."})
        pay = body.get("pay") or {}
        if pay.get("amount") is None or float(pay.get("amount", 0)) < 0:
            errors.append({"pointer": "/pay/amount", "reason": "Must be greater than or equal to 0."})
        if body.get("contract_type") not in ALLOWED_CONTRACTS:
            errors.append({"pointer": "/contract_type", "reason": "Must be one of the contract types."})
        if (body.get("occupation") or "") and not str(body["occupation"]).isdigit():
            errors.append({"pointer": "/occupation", "reason": "Must be a 4-digit ISCO-08 code."})
        return errors

    def _gate(self, body: dict, lang: str) -> tuple[list[dict], dict | None]:
        pay = body.get("pay") or {}
        minimum = FAKE_MINIMUM_MONTHLY.get(body.get("country", ""))
        if minimum is None or pay.get("amount") is None:
            return [], None
        monthly = _monthly(pay, body.get("hours_per_week"))
        check = {"monthly_equivalent": monthly, "minimum_monthly": minimum[0], "currency": minimum[1],
                 "effective_date": "2025-01-01", "ratio": round(monthly / minimum[0], 3)}
        findings = []
        if monthly < minimum[0]:
            findings.append({"code": "pay_below_minimum", "field": "/pay/amount", "severity": "hold",
                             "message": FAKE_MESSAGES.get(lang[:2], FAKE_MESSAGES["en"])})
        return findings, check

    def register_employer(self, token, lang, body):
        """Register the caller's organisation."""
        self._guard("register_employer", token)
        org = self._org(token)
        missing = [{"pointer": f"/{k}", "reason": "Missing data for required field."}
                   for k in ("name", "tax_id", "country", "contact_email") if not body.get(k)]
        if missing:
            return Reply(422, {"status": 422, "errors": missing})
        if org in self.employers:
            return Reply(409, {"status": 409, "title": "Conflict"})
        self.employers[org] = {**body, "id": org}
        return Reply(201, self.employers[org])

    def list_vacancies(self, token, lang, employer, cursor=None, limit=50):
        """List an employer's vacancies."""
        self._guard("list_vacancies", token)
        items = [self._localised(v, lang) for v in self.vacancies.values() if v["employer_id"] == employer]
        return Reply(200, {"items": items[::-1][:limit], "next_cursor": None})

    def get_vacancy(self, token, lang, vacancy_id):
        """Read one vacancy: its employer reads it in any state, everyone else only while it is published."""
        self._guard("get_vacancy", token)
        vacancy = self.vacancies.get(vacancy_id)
        if vacancy is None or (vacancy["employer_id"] != self._org(token) and vacancy["status"] not in PUBLIC):
            return Reply(404, {"status": 404, "title": "Not Found"})
        return Reply(200, self._localised(vacancy, lang), etag_of(vacancy["version"]))

    def _localised(self, vacancy: dict, lang: str) -> dict:
        out = copy.deepcopy(vacancy)
        out["employer_name"] = self.employers.get(vacancy["employer_id"], {}).get("name", vacancy["employer_id"])
        for finding in out["findings"]:
            finding["message"] = FAKE_MESSAGES.get(lang[:2], FAKE_MESSAGES["en"])
        return out

    def _store(self, vacancy_id: str, org: str, body: dict, lang: str, version: int) -> dict:
        findings, _ = self._gate(body, lang)
        status = "held" if any(f["severity"] == "hold" for f in findings) else "published"
        vacancy = {**copy.deepcopy(body), "id": vacancy_id, "employer_id": org, "status": status,
                   "findings": findings, "version": version, "updated": date.today().isoformat(),
                   "monthly_equivalent": _monthly(body["pay"], body.get("hours_per_week")),
                   "published_at": datetime.now(UTC).isoformat() if status in PUBLIC else None}
        if status == "published":  # like the service: only an open vacancy has a public page
            vacancy["url"] = f"http://localhost/jobs/{vacancy_id}"
        self.vacancies[vacancy_id] = vacancy
        return vacancy

    def create_vacancy(self, token, lang, body):
        """Post a vacancy through the fake gate."""
        self._guard("create_vacancy", token)
        errors = self._invalid(body)
        if errors:
            return Reply(422, {"status": 422, "errors": errors})
        with self._lock:
            vacancy = self._store(str(uuid.uuid4()), self._org(token), body, lang, 1)
        return Reply(201, copy.deepcopy(vacancy), etag_of(vacancy["version"]))

    def update_vacancy(self, token, lang, vacancy_id, etag, body):
        """Change a vacancy read at ``etag``."""
        self._guard("update_vacancy", token)
        current = self.vacancies.get(vacancy_id)
        if current is None or current["employer_id"] != self._org(token):
            return Reply(404, {"status": 404, "title": "Not Found"})
        if etag != etag_of(current["version"]):
            return Reply(412, {"status": 412, "title": "Precondition Failed"})
        merged = {k: v for k, v in current.items() if k not in ("id", "status", "findings", "version")}
        merged.update(body)
        errors = self._invalid(merged)
        if errors:
            return Reply(422, {"status": 422, "errors": errors})
        with self._lock:
            vacancy = self._store(vacancy_id, current["employer_id"], merged, lang, current["version"] + 1)
        return Reply(200, copy.deepcopy(vacancy), etag_of(vacancy["version"]))

    def close_vacancy(self, token, lang, vacancy_id):
        """Close a vacancy."""
        self._guard("close_vacancy", token)
        current = self.vacancies.get(vacancy_id)
        if current is None or current["employer_id"] != self._org(token):
            return Reply(404, {"status": 404, "title": "Not Found"})
        current.update(status="closed", version=current["version"] + 1)
        current.pop("url", None)
        return Reply(200, copy.deepcopy(current), etag_of(current["version"]))

    def check_vacancy(self, token, lang, body):
        """Run the fake gate on a draft."""
        self._guard("check_vacancy", token)
        findings, pay_check = self._gate(body, lang)
        return Reply(200, {"findings": findings, "pay_check": pay_check})

    def suggest_occupations(self, token, lang, title):
        """Suggest occupations whose name appears in the title."""
        self._guard("suggest_occupations", token)
        words = title.lower().split()
        found = [{"code": code, "label": label, "score": 0.9} for key, (code, label) in FAKE_OCCUPATIONS.items()
                 if key in words]
        return Reply(200, {"items": found})

    def get_employer(self, token, lang, org_id):
        """Read a registered employer: its own organisation and administrators only, as the service does."""
        self._guard("get_employer", token)
        employer = self.employers.get(org_id)
        claims = jwt.decode(token, options={"verify_signature": False})
        if employer is None or (claims.get("org") != org_id and claims.get("role") != "admin"):
            return Reply(404, {"status": 404, "title": "Not Found"})
        return Reply(200, {**employer, "org_id": org_id})

    def minimum_wage(self, token, lang, country):
        """Return the fake's monthly minimum wage of a country."""
        self._guard("minimum_wage", token)
        if country not in FAKE_MINIMUM_MONTHLY:
            return Reply(404, {"status": 404, "title": "Not Found"})
        amount, currency = FAKE_MINIMUM_MONTHLY[country]
        return Reply(200, {"country": country, "monthly_minimum": amount, "currency": currency,
                           "effective_date": "2025-01-01"})


# -- the matching service ----------------------------------------------------------------------------------
@dataclass
class FakeMatching:
    """Ranked candidates per vacancy in memory, following the API's rules for an employer's token."""

    ranked: dict[str, list[dict]] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)
    for_profiles: dict[str, list[dict]] = field(default_factory=dict)
    profile_centres: dict[str, str] = field(default_factory=dict)
    unavailable: bool = False
    preparing: bool = False  # matching still has events to apply
    calls: list[tuple[str, str, str | None]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def rank(self, vacancy_id: str, employer: str, eligible: int, ineligible: int = 0) -> None:
        """Make matching know an open vacancy of ``employer`` with this many eligible and ineligible people."""
        with self._lock:
            self.owners[vacancy_id] = employer
            self.ranked[vacancy_id] = (
                [{"profile_id": f"p-{n}", "score": 0.9, "eligible": True, "blockers": [], "explanation": {}}
                 for n in range(eligible)]
                + [{"profile_id": f"q-{n}", "score": 0.4, "eligible": False,
                    "blockers": [{"code": "language", "message": "", "next_step": ""}], "explanation": {}}
                   for n in range(ineligible)])

    @staticmethod
    def _claims(token: str) -> dict:
        return jwt.decode(token, options={"verify_signature": False})

    def candidates(self, token, lang, vacancy_id, limit=PAGE_SIZE, cursor=None):
        """Return one page of a vacancy's candidates (only eligible ones for its employer)."""
        self.calls.append(("candidates", vacancy_id, cursor))
        if self.unavailable:
            raise ServiceUnavailable("the fake is switched off")
        if not 1 <= limit <= PAGE_SIZE:
            return Reply(400, {"status": 400, "errors": [{"pointer": "/limit", "reason": "out of range"}]})
        if vacancy_id not in self.ranked:
            return Reply(404, {"status": 404, "title": "Not Found", "detail": "no open vacancy with this id"})
        claims = self._claims(token)
        if claims.get("role") == "employer" and claims.get("org") != self.owners[vacancy_id]:
            return Reply(403, {"status": 403, "title": "Forbidden"})
        items = [i for i in self.ranked[vacancy_id] if i["eligible"] or claims.get("role") != "employer"]
        start = decode_cursor(cursor, 1)[0] if cursor else 0
        end = start + limit
        next_cursor = encode_cursor(end) if end < len(items) else None
        return Reply(200, {"items": items[start:end], "next_cursor": next_cursor, "model_version": "fake",
                           "preparing": self.preparing})

    def place(self, profile_id: str, centre: str, items: list[dict]) -> None:
        """Make matching know a person of ``centre`` and their ranked vacancies (items as the API returns them)."""
        with self._lock:
            self.profile_centres[profile_id] = centre
            self.for_profiles[profile_id] = list(items)

    def for_profile(self, token, lang, profile_id, limit=PAGE_SIZE, cursor=None):
        """Return one page of a person's ranked vacancies (counsellors of their centre and admins only)."""
        self.calls.append(("for_profile", profile_id, cursor))
        if self.unavailable:
            raise ServiceUnavailable("the fake is switched off")
        if not 1 <= limit <= PAGE_SIZE:
            return Reply(400, {"status": 400, "errors": [{"pointer": "/limit", "reason": "out of range"}]})
        if profile_id not in self.for_profiles:
            return Reply(404, {"status": 404, "title": "Not Found"})
        claims = self._claims(token)
        if claims.get("role") not in ("counsellor", "admin") or (
                claims.get("role") == "counsellor" and claims.get("org") != self.profile_centres[profile_id]):
            return Reply(403, {"status": 403, "title": "Forbidden"})
        items = self.for_profiles[profile_id]
        start = decode_cursor(cursor, 1)[0] if cursor else 0
        end = start + limit
        return Reply(200, {"items": copy.deepcopy(items[start:end]),
                           "next_cursor": encode_cursor(end) if end < len(items) else None, "model_version": "fake",
                           "preparing": self.preparing})


def match_item(vacancy_id: str, score: float, *, blockers: tuple[dict, ...] = (), matched: tuple[str, ...] = (),
               missing: tuple[str, ...] = (), occupation: str | None = "7212", closest: str | None = "7212",
               distance: int = 0, components: dict | None = None, languages: tuple[dict, ...] = ()) -> dict:
    """Return one item of matching's ranked vacancies for a profile, shaped as the API answers it."""
    parts = {"semantic": 0.8, "occupation": 1.0 if distance == 0 else 0.6, "skills": None, "experience": None,
             "language": 1.0, "location": 1.0, **(components or {})}
    return {"vacancy_id": vacancy_id, "score": score, "eligible": not blockers, "blockers": list(blockers),
            "explanation": {
                "matched_skills": [{"code": c, "label": c} for c in matched],
                "missing_skills": [{"code": c, "label": c} for c in missing],
                "occupation": {"vacancy": occupation, "vacancy_label": occupation, "closest": closest,
                               "closest_label": closest, "isco_distance": distance},
                "credential_status": "not_required", "languages": list(languages), "components": parts,
                "model_version": "fake", "sentence": f"Match ({score:.2f})."}}


# -- the profiles service (workspace contract) -------------------------------------------------------------
STAGES = ("proposed", "introduced", "applied", "interview", "hired", "not_hired", "left")
# What may follow each stage; ``introduced`` only through an introduction.
NEXT_STAGES = {"proposed": ("introduced", "not_hired"), "introduced": ("applied", "not_hired"),
               "applied": ("interview", "not_hired"), "interview": ("hired", "not_hired"), "hired": ("left",),
               "not_hired": (), "left": ()}
STALE_AFTER = timedelta(days=30)
_DETAIL_KEYS = ("identity", "location", "languages", "work_authorizations", "experience", "skills_text", "skills",
                "education", "desired_occupations", "availability", "pay_expectation", "accessibility_needs",
                "situation_notes", "text_language")


def _problem(status: int, title: str, errors: list[dict] | None = None, **extra) -> Reply:
    return Reply(status, {"status": status, "title": title, **({"errors": errors} if errors else {}), **extra})


def _document_key(doc: dict) -> str:
    number = re.sub(r"[^0-9A-Za-z]", "", doc.get("number") or "").upper()
    if doc.get("type") == "national_id":
        number = re.sub(r"^[A-Z]{1,2}(?=\d)", "", number).lstrip("0") or number
    return f"{doc.get('country')}:{number}"


def _digits(text: str | None) -> str:
    return "".join(ch for ch in (text or "") if ch.isdigit())


@dataclass
class FakeProfiles:
    """Profiles, placements, introductions and introduction requests in memory, to the workspace contract.

    Counsellors see only their centre's people (the token's ``org``); an employer sees a vacancy's introduced
    people, with identity, only for its own vacancies. ``vacancies`` holds what profiles knows of vacancies
    from the vacancies topic: ``{id: {"employer_org", "title", "open"}}`` (see ``know_vacancy``).
    """

    profiles: dict[str, dict] = field(default_factory=dict)
    placements: dict[str, dict] = field(default_factory=dict)
    introductions: list[dict] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    vacancies: dict[str, dict] = field(default_factory=dict)
    unavailable: bool = False
    calls: list[tuple] = field(default_factory=list)
    now: datetime | None = None  # a fixed clock for tests; the real time when None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- helpers -------------------------------------------------------------------------------------------
    def clock(self) -> datetime:
        """Return the fake's time."""
        return self.now or datetime.now(UTC)

    def know_vacancy(self, vacancy_id: str, employer_org: str, title: str, open_: bool = True) -> None:
        """Make profiles know a vacancy, as it would from the vacancies topic."""
        self.vacancies[vacancy_id] = {"employer_org": employer_org, "title": title, "open": open_}

    def _claims(self, name: str, token: str, *args) -> dict:
        self.calls.append((name, *args))
        if self.unavailable:
            raise ServiceUnavailable("the fake is switched off")
        return jwt.decode(token, options={"verify_signature": False})

    def _mine(self, claims: dict, profile_id: str) -> dict | None:
        profile = self.profiles.get(profile_id)
        if profile is None or claims.get("role") != "counsellor" or profile["centre"] != claims.get("org"):
            return None
        return profile

    @staticmethod
    def _invalid(body: dict) -> list[dict]:
        errors = []
        identity, location = body.get("identity") or {}, body.get("location") or {}
        for name in ("given_names", "family_names"):
            if not (identity.get(name) or "").strip():
                errors.append({"pointer": f"/identity/{name}", "reason": "Missing data for required field."})
        if not location.get("country"):
            errors.append({"pointer": "/location/country", "reason": "Missing data for required field."})
        if identity.get("phone") and any(ch.isalpha() for ch in identity["phone"]):
            errors.append({"pointer": "/identity/phone",
                           "reason": "This is not a valid phone number; add the country prefix, e.g. +57."})
        for i, job in enumerate(body.get("experience") or []):
            if not (job.get("title") or "").strip():
                errors.append({"pointer": f"/experience/{i}/title", "reason": "Missing data for required field."})
        consents = body.get("consents")
        if not isinstance(consents, dict) or any(not isinstance(consents.get(p), bool)
                                                 for p in ("matching", "introductions", "statistics")):
            errors.append({"pointer": "/consents", "reason": "Missing data for required field."})
        elif "notifications" in consents and not isinstance(consents["notifications"], bool):
            errors.append({"pointer": "/consents/notifications", "reason": "Not a valid boolean."})
        unknown = set(body) - {*_DETAIL_KEYS, "consents"}
        errors += [{"pointer": f"/{k}", "reason": "Unknown field."} for k in sorted(unknown)]
        return errors

    def _view(self, profile: dict) -> dict:
        return copy.deepcopy({k: v for k, v in profile.items() if not k.startswith("_")})

    def _touch(self, profile_id: str) -> None:
        if profile_id in self.profiles:
            self.profiles[profile_id]["_last_contact_at"] = self.clock()

    def _consents(self, wanted: dict, profile: dict | None, by: str) -> dict:
        now = self.clock().isoformat()
        out = {}
        for purpose in ("matching", "introductions", "statistics", "notifications"):
            current = (profile or {}).get("consents", {}).get(purpose)
            if purpose == "notifications" and purpose not in wanted:  # optional: left out, the answer stands
                if current:
                    out[purpose] = current
                continue
            given = bool(wanted.get(purpose))
            out[purpose] = current if current and current["given"] == given else {
                "given": given, "recorded_at": now, "recorded_by": by}
        return out

    def _duplicates(self, new: dict, caller_centre: str) -> list[dict]:
        ident = new["identity"]
        keys = {_document_key(d) for d in ident.get("documents") or [] if d.get("number")}
        name = fold(f"{ident.get('given_names', '')} {ident.get('family_names', '')}", punctuation=False)
        warnings = []
        for other in self.profiles.values():
            if other["id"] == new["id"]:
                continue
            o = other["identity"]
            reasons = []
            if keys & {_document_key(d) for d in o.get("documents") or [] if d.get("number")}:
                reasons.append("document")
            same_name = fold(f"{o['given_names']} {o['family_names']}", punctuation=False) == name
            if same_name and ident.get("date_of_birth") and ident.get("date_of_birth") == o.get("date_of_birth"):
                reasons.append("name_birth_date")
            if not reasons:
                continue
            same = other["centre"] == caller_centre
            warning = {"code": "possible_duplicate", "scope": "this_centre" if same else "other_centre",
                       "reasons": reasons,
                       "message": "This person may already be registered in your centre; you can merge the two "
                                  "profiles." if same else "A possible duplicate is registered at another centre."}
            if same:
                warning |= {"profile_id": other["id"], "merge": f"/api/v1/profiles/{new['id']}/merge"}
            warnings.append(warning)
        return warnings

    # -- profiles ------------------------------------------------------------------------------------------
    def create_profile(self, token, lang, body):
        """Register a person in the caller's centre; duplicates come back as warnings."""
        claims = self._claims("create_profile", token)
        if claims.get("role") != "counsellor":
            return _problem(403, "Forbidden")
        errors = self._invalid(body)
        if errors:
            return _problem(422, "Unprocessable Entity", errors)
        now = self.clock()
        profile = {**{k: None for k in _DETAIL_KEYS}, "languages": [], "work_authorizations": [], "experience": [],
                   "skills_text": "", "skills": [], "education": [], "desired_occupations": [],
                   **copy.deepcopy({k: v for k, v in body.items() if k != "consents"}),
                   "id": str(uuid.uuid4()), "centre": claims["org"], "version": 1, "redacted": False,
                   "created_at": now.isoformat(), "updated_at": now.isoformat(), "_last_contact_at": now}
        profile["consents"] = self._consents(body["consents"], None, claims["sub"])
        profile["consent_history"] = []
        with self._lock:
            warnings = self._duplicates(profile, claims["org"])
            self.profiles[profile["id"]] = profile
        return Reply(201, {**self._view(profile), "warnings": warnings}, etag_of(1))

    def get_profile(self, token, lang, profile_id):
        """Read a profile of the caller's centre."""
        claims = self._claims("get_profile", token, profile_id)
        profile = self._mine(claims, profile_id)
        if profile is None:
            return _problem(404, "Not Found")
        return Reply(200, self._view(profile), etag_of(profile["version"]))

    def update_profile(self, token, lang, profile_id, etag, body):
        """Replace a profile's details and consents, read at ``etag``."""
        claims = self._claims("update_profile", token, profile_id)
        profile = self._mine(claims, profile_id)
        if profile is None:
            return _problem(404, "Not Found")
        errors = self._invalid(body)
        if errors:
            return _problem(422, "Unprocessable Entity", errors)
        if etag != etag_of(profile["version"]):
            return _problem(412, "Precondition Failed")
        with self._lock:
            profile.update(copy.deepcopy({k: v for k, v in body.items() if k != "consents"}))
            profile["consents"] = self._consents(body["consents"], profile, claims["sub"])
            profile["version"] += 1
            profile["updated_at"] = self.clock().isoformat()
            self._touch(profile_id)
        return Reply(200, self._view(profile), etag_of(profile["version"]))

    def merge_profiles(self, token, lang, profile_id, other_id):
        """Fold a duplicate of the same centre into a profile and erase the duplicate."""
        claims = self._claims("merge_profiles", token, profile_id, other_id)
        profile, other = self._mine(claims, profile_id), self._mine(claims, other_id)
        if profile is None:
            return _problem(404, "Not Found")
        if other is None or other_id == profile_id:
            return _problem(422, "Unprocessable Entity", [{"pointer": "/other_id",
                                                           "reason": "No profile with this id in your centre."}])
        with self._lock:
            for key in ("languages", "experience", "education", "work_authorizations"):
                profile[key] = profile[key] + [x for x in other[key] if x not in profile[key]]
            profile["skills"] = list(dict.fromkeys(profile["skills"] + other["skills"]))
            profile["version"] += 1
            del self.profiles[other_id]
        return Reply(200, self._view(profile), etag_of(profile["version"]))

    def _latest_stage(self, profile_id: str) -> str | None:
        mine = [p for p in self.placements.values() if p["profile_id"] == profile_id]
        return max(mine, key=lambda p: p["updated_at"])["stage"] if mine else None

    def _matches_query(self, profile: dict, q: str) -> bool:
        words = fold(q, punctuation=False).split()
        names = fold(f"{profile['identity']['given_names']} {profile['identity']['family_names']}",
                     punctuation=False).split()
        if words and all(any(n.startswith(w) for n in names) for w in words):
            return True
        squeezed = _document_key({"number": q, "type": "national_id", "country": ""}).partition(":")[2]
        for doc in profile["identity"].get("documents") or []:
            if squeezed and _document_key({**doc, "type": "national_id"}).partition(":")[2] == squeezed:
                return True
        digits = _digits(q)
        return len(digits) >= 6 and _digits(profile["identity"].get("phone")).endswith(digits)

    def list_profiles(self, token, lang, filters, limit=20, cursor=None):
        """Return one page of the centre's people, oldest first, searched and filtered as the contract says."""
        claims = self._claims("list_profiles", token, dict(filters), cursor)
        if claims.get("role") != "counsellor":
            return _problem(403, "Forbidden")
        unknown = set(filters) - {"q", "country", "occupation", "language", "availability", "stage", "stale"}
        if unknown:
            return _problem(422, "Unprocessable Entity", [{"pointer": f"/{k}", "reason": "Unknown field."}
                                                          for k in sorted(unknown)])
        if filters.get("stage") and filters["stage"] not in STAGES:
            return _problem(422, "Unprocessable Entity", [{"pointer": "/stage", "reason": "Must be one of: …"}])
        now, out = self.clock(), []
        for p in sorted(self.profiles.values(), key=lambda p: (p["created_at"], p["id"])):
            if p["centre"] != claims["org"]:
                continue
            occupations = list(dict.fromkeys([j["occupation"] for j in p["experience"] if j.get("occupation")]
                                             + p["desired_occupations"]))
            stage = self._latest_stage(p["id"])
            last = p["_last_contact_at"]
            checks = [
                not filters.get("q") or self._matches_query(p, filters["q"]),
                not filters.get("country") or p["location"]["country"] == filters["country"],
                not filters.get("occupation") or filters["occupation"] in occupations,
                not filters.get("language") or any(x["code"] == filters["language"] for x in p["languages"]),
                not filters.get("availability") or p["availability"] == filters["availability"],
                not filters.get("stage") or stage == filters["stage"],
                str(filters.get("stale")).lower() != "true" or last < now - STALE_AFTER,
            ]
            if all(checks):
                out.append({"id": p["id"], "given_names": p["identity"]["given_names"],
                            "family_names": p["identity"]["family_names"], "country": p["location"]["country"],
                            "city": p["location"].get("city"), "occupations": occupations, "skills": p["skills"],
                            "availability": p["availability"], "matching": p["consents"]["matching"]["given"],
                            "version": p["version"], "updated_at": p["updated_at"],
                            "last_contact_at": last.isoformat(), "latest_stage": stage})
        start = decode_cursor(cursor, 1)[0] if cursor else 0
        end = start + limit
        return Reply(200, {"items": out[start:end], "next_cursor": encode_cursor(end) if end < len(out) else None})

    def suggest(self, token, lang, text, text_lang=None, kind=None, limit=8):
        """Return the taxonomy's occupations and skills whose label or synonym appears in the text."""
        from shared.taxonomy import load_taxonomy
        from shared.taxonomy.langdetect import detect_language

        claims = self._claims("suggest", token, text, kind)
        if claims.get("role") != "counsellor":
            return _problem(403, "Forbidden")
        taxonomy, folded, found = load_taxonomy(), f" {fold(text, punctuation=False)} ", {}
        for term, code in taxonomy.terms():
            concept = taxonomy.get(code)
            wanted = concept.kind if concept.kind == "skill" else "occupation"
            if (kind and kind != wanted) or (wanted == "occupation" and concept.level != 4):
                continue
            if len(term) > 3 and f" {fold(term, punctuation=False)} " in folded and code not in found:
                # As the service does: labels in the text's language (detected when not given), not the caller's.
                found[code] = {"code": code, "kind": wanted, "label": concept.label(text_lang or detect_language(text)),
                               "score": 1.0, "via": "synonym"}
        return Reply(200, {"items": list(found.values())[:limit]})

    # -- placements ----------------------------------------------------------------------------------------
    def _placement_view(self, placement: dict) -> dict:
        return copy.deepcopy({k: v for k, v in placement.items() if k != "centre"})

    def _new_placement(self, claims: dict, profile_id: str, vacancy_id: str, note: str | None) -> dict:
        now = self.clock().isoformat()
        known = self.vacancies.get(vacancy_id, {})
        placement = {"id": str(uuid.uuid4()), "profile_id": profile_id, "vacancy_id": vacancy_id,
                     "vacancy_title": known.get("title"), "employer_org": known.get("employer_org"),
                     "stage": "proposed", "history": [{"stage": "proposed", "at": now, "note": note,
                                                       "by": claims["sub"]}],
                     "version": 1, "created_at": now, "updated_at": now, "centre": claims["org"]}
        self.placements[placement["id"]] = placement
        self._touch(profile_id)
        return placement

    def create_placement(self, token, lang, profile_id, vacancy_id, note=None):
        """Propose a person for a vacancy; 409 with the Location of an existing placement."""
        claims = self._claims("create_placement", token, profile_id, vacancy_id)
        if self._mine(claims, profile_id) is None:
            return _problem(404, "Not Found")
        with self._lock:
            existing = next((p for p in self.placements.values()
                             if p["profile_id"] == profile_id and p["vacancy_id"] == vacancy_id), None)
            if existing is not None:
                return Reply(409, {"status": 409, "title": "Conflict"}, None,
                             f"/api/v1/placements/{existing['id']}")
            placement = self._new_placement(claims, profile_id, vacancy_id, note)
        return Reply(201, self._placement_view(placement), etag_of(1))

    def list_placements(self, token, lang, *, profile_id=None, vacancy_id=None, stage=None, limit=50, cursor=None):
        """Return one page of the caller's centre's placements."""
        claims = self._claims("list_placements", token, profile_id, vacancy_id, stage)
        if claims.get("role") != "counsellor":
            return _problem(403, "Forbidden")
        items = [self._placement_view(p) for p in sorted(self.placements.values(), key=lambda p: p["created_at"])
                 if p["centre"] == claims["org"] and (profile_id is None or p["profile_id"] == profile_id)
                 and (vacancy_id is None or p["vacancy_id"] == vacancy_id) and (stage is None or p["stage"] == stage)]
        start = decode_cursor(cursor, 1)[0] if cursor else 0
        end = start + limit
        return Reply(200, {"items": items[start:end], "next_cursor": encode_cursor(end) if end < len(items) else None})

    def get_placement(self, token, lang, placement_id):
        """Read a placement of the caller's centre."""
        claims = self._claims("get_placement", token, placement_id)
        placement = self.placements.get(placement_id)
        if placement is None or claims.get("role") != "counsellor" or placement["centre"] != claims.get("org"):
            return _problem(404, "Not Found")
        return Reply(200, self._placement_view(placement), etag_of(placement["version"]))

    def _move(self, placement: dict, stage: str, by: str, note: str | None, on: str | None) -> None:
        at = self.clock().isoformat()
        placement["history"].append({"stage": stage, "at": at, "note": note, "by": by, "on": on or at[:10]})
        placement.update(stage=stage, version=placement["version"] + 1, updated_at=at)
        self._touch(placement["profile_id"])

    def record_stage(self, token, lang, placement_id, etag, stage, note=None, on=None):
        """Move a placement along the pipeline; 409 on a move it does not allow (``introduced`` included)."""
        claims = self._claims("record_stage", token, placement_id, stage)
        placement = self.placements.get(placement_id)
        if placement is None or claims.get("role") != "counsellor" or placement["centre"] != claims.get("org"):
            return _problem(404, "Not Found")
        if stage not in STAGES:
            return _problem(422, "Unprocessable Entity", [{"pointer": "/stage", "reason": "Not a stage."}])
        if on is not None:
            try:
                date.fromisoformat(on)
            except ValueError:
                return _problem(422, "Unprocessable Entity", [{"pointer": "/on", "reason": "Not a valid date."}])
        if etag != etag_of(placement["version"]):
            return _problem(412, "Precondition Failed")
        if stage == "introduced" or stage not in NEXT_STAGES[placement["stage"]]:
            return _problem(409, "Conflict", detail=f"{placement['stage']} cannot move to {stage}")
        with self._lock:
            self._move(placement, stage, claims["sub"], note, on)
        return Reply(200, self._placement_view(placement), etag_of(placement["version"]))

    # -- introductions -------------------------------------------------------------------------------------
    def introduce(self, token, lang, profile_id, vacancy_id, consent):
        """Record the person's consent for this vacancy and move (or create) the placement to ``introduced``."""
        claims = self._claims("introduce", token, profile_id, vacancy_id, dict(consent or {}))
        if self._mine(claims, profile_id) is None:
            return _problem(404, "Not Found")
        consent = consent or {}
        if consent.get("given") is not True or not consent.get("language"):
            return _problem(422, "Unprocessable Entity",
                            [{"pointer": "/consent/given", "reason": "The person's consent is required."}])
        known = self.vacancies.get(vacancy_id)
        if known is None or not known["open"]:
            return _problem(409, "Conflict", detail="the vacancy is not open")
        with self._lock:
            placement = next((p for p in self.placements.values()
                              if p["profile_id"] == profile_id and p["vacancy_id"] == vacancy_id), None)
            if placement is None:
                placement = self._new_placement(claims, profile_id, vacancy_id, None)
            if placement["stage"] != "proposed":
                return _problem(409, "Conflict", detail=f"already {placement['stage']}")
            self._move(placement, "introduced", claims["sub"], None, None)
            introduction = {"id": str(uuid.uuid4()), "placement_id": placement["id"], "profile_id": profile_id,
                            "vacancy_id": vacancy_id, "employer_org": known["employer_org"],
                            "consented_at": self.clock().isoformat(), "consent": dict(consent),
                            "centre": claims["org"]}
            self.introductions.append(introduction)
            for request_ in self.requests:
                if request_["vacancy_id"] == vacancy_id and request_["candidate"] == profile_id:
                    request_["status"] = "answered"
        public = {k: introduction[k] for k in ("id", "vacancy_id", "employer_org", "consented_at")}
        return Reply(201, {"placement": self._placement_view(placement), "introduction": public})

    def list_introductions(self, token, lang, vacancy_id):
        """Return a vacancy's introduced people: with identity for its employer, the centre's own for a counsellor."""
        claims = self._claims("list_introductions", token, vacancy_id)
        known = self.vacancies.get(vacancy_id)
        role = claims.get("role")
        if role == "employer":
            if known is None or known["employer_org"] != claims.get("org"):
                return _problem(404, "Not Found")
            mine = [i for i in self.introductions if i["vacancy_id"] == vacancy_id]
        elif role == "counsellor":
            mine = [i for i in self.introductions if i["vacancy_id"] == vacancy_id and i["centre"] == claims["org"]]
        else:
            return _problem(403, "Forbidden")
        items = []
        for intro in mine:
            profile = self.profiles.get(intro["profile_id"])
            if profile is None:
                continue
            ident = profile["identity"]
            items.append({"id": intro["id"], "profile_id": intro["profile_id"], "vacancy_id": vacancy_id,
                          "given_names": ident["given_names"], "family_names": ident["family_names"],
                          "phone": ident.get("phone"), "whatsapp": ident.get("whatsapp", False),
                          "email": ident.get("email"), "languages": copy.deepcopy(profile["languages"]),
                          "stage": self.placements[intro["placement_id"]]["stage"],
                          "consented_at": intro["consented_at"]})
        return Reply(200, {"items": items, "next_cursor": None})

    def request_introduction(self, token, lang, vacancy_id, candidate):
        """Record an employer's request that a suggested candidate be introduced (202; asked twice, one request)."""
        claims = self._claims("request_introduction", token, vacancy_id, candidate)
        known = self.vacancies.get(vacancy_id)
        if claims.get("role") != "employer":
            return _problem(403, "Forbidden")
        if known is None or known["employer_org"] != claims.get("org") or candidate not in self.profiles:
            return _problem(404, "Not Found")
        with self._lock:
            existing = next((r for r in self.requests if r["vacancy_id"] == vacancy_id
                             and r["candidate"] == candidate), None)
            if existing is None:
                existing = {"id": str(uuid.uuid4()), "vacancy_id": vacancy_id, "candidate": candidate,
                            "employer_org": claims["org"], "vacancy_title": known["title"],
                            "requested_at": self.clock().isoformat(), "status": "open"}
                self.requests.append(existing)
        return Reply(202, copy.deepcopy(existing))

    def list_introduction_requests(self, token, lang):
        """Return open requests: the counsellor's centre's people, or the employer's own."""
        claims = self._claims("list_introduction_requests", token)
        role = claims.get("role")
        if role == "employer":
            items = [r for r in self.requests if r["employer_org"] == claims.get("org")]
        elif role == "counsellor":
            items = [r for r in self.requests if r["status"] == "open"
                     and self.profiles.get(r["candidate"], {}).get("centre") == claims.get("org")]
        else:
            return _problem(403, "Forbidden")
        return Reply(200, {"items": copy.deepcopy(items), "next_cursor": None})


# -- the credentials service -------------------------------------------------------------------------------
CREDENTIAL_TRANSITIONS = {"declared": (), "assessed": ("procedure_started", "recognised", "denied"),
                          "procedure_started": ("recognised", "denied"), "recognised": (),
                          "denied": ("procedure_started",)}
_STEPS = {
    "apostille": {"es": "Apostillar el título en el país que lo emitió.",
                  "pt": "Apostilar o diploma no país que o emitiu.",
                  "en": "Have the degree apostilled in the country that issued it.",
                  "fr": "Faire apostiller le diplôme dans le pays qui l'a délivré."},
    "apply": {"es": "Presentar la solicitud de convalidación ante el ministerio de educación.",
              "pt": "Apresentar o pedido de revalidação a uma universidade pública.",
              "en": "Apply for recognition to the education ministry.",
              "fr": "Déposer la demande de reconnaissance auprès du ministère de l'éducation."},
}


@dataclass
class FakeCredentials:
    """Credentials in memory with a two-rule assessment: a university degree needs a recognition procedure
    (and an apostille when the document is an original only); anything else is recognised at once."""

    credentials: dict[str, dict] = field(default_factory=dict)
    unavailable: bool = False
    calls: list[tuple] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _claims(self, name: str, token: str, *args) -> dict:
        self.calls.append((name, *args))
        if self.unavailable:
            raise ServiceUnavailable("the fake is switched off")
        return jwt.decode(token, options={"verify_signature": False})

    def _mine(self, claims: dict, credential_id: str) -> dict | None:
        credential = self.credentials.get(credential_id)
        if credential is None or claims.get("role") != "counsellor" or credential["_centre"] != claims.get("org"):
            return None
        return credential

    @staticmethod
    def _view(credential: dict, lang: str) -> dict:
        out = copy.deepcopy({k: v for k, v in credential.items() if not k.startswith("_")})
        for step in (out.get("assessment") or {}).get("next_steps", []):
            step["text"] = step["texts"].get(lang[:2], step["texts"]["en"])
        return out

    def declare(self, token, lang, body):
        """Declare a credential for a person of the caller's centre."""
        claims = self._claims("declare", token, dict(body))
        if claims.get("role") != "counsellor":
            return _problem(403, "Forbidden")
        errors = [{"pointer": f"/{k}", "reason": "Missing data for required field."}
                  for k in ("profile_id", "title", "level", "orientation", "country", "institution", "documents")
                  if body.get(k) in (None, "", [])]
        if body.get("level") is not None and not 0 <= int(body["level"]) <= 8:
            errors.append({"pointer": "/level", "reason": "Must be from 0 to 8."})
        if errors:
            return _problem(422, "Unprocessable Entity", errors)
        now = datetime.now(UTC).isoformat()
        credential = {**copy.deepcopy(body), "id": str(uuid.uuid4()), "workflow_status": "declared", "version": 1,
                      "declared_at": now, "history": [{"from_status": None, "to_status": "declared",
                                                      "by": claims["sub"], "at": now, "note": ""}],
                      "assessment": None, "_centre": claims["org"]}
        self.credentials[credential["id"]] = credential
        return Reply(201, self._view(credential, lang), etag_of(1))

    def list_for_profile(self, token, lang, profile_id, limit=20, cursor=None):
        """Return a person's credentials held by the caller's centre."""
        claims = self._claims("list_for_profile", token, profile_id)
        items = [self._view(c, lang) for c in self.credentials.values()
                 if c["profile_id"] == profile_id and c["_centre"] == claims.get("org")
                 and claims.get("role") == "counsellor"]
        return Reply(200, {"items": items[:limit], "next_cursor": None})

    def assess(self, token, lang, credential_id, destination):
        """Assess a credential for a destination country."""
        claims = self._claims("assess", token, credential_id, destination)
        credential = self._mine(claims, credential_id)
        if credential is None:
            return _problem(404, "Not Found")
        university = int(credential["level"]) >= 6
        steps = []
        if university and credential["documents"] == ["original"]:
            steps.append({"code": "apostille", "texts": _STEPS["apostille"]})
        if university:
            steps.append({"code": "apply", "texts": _STEPS["apply"]})
        credential["assessment"] = {
            "guidance": "Guidance only; the recognition office decides.", "destination": destination,
            "status": "procedure_required" if university else "recognised",
            "recognised_level": None if university else credential["level"], "regulated": university,
            "authority": "Ministerio de Educación" if university else None, "procedure": "convalidación"
            if university else None, "typical_weeks": [12, 26] if university else None,
            "cost_band": "medium" if university else None, "occupations_now": [],
            "occupations_after_recognition": [], "occupations_later": [], "next_steps": steps,
            "sources": [], "rules_version": "fake", "assessed_at": datetime.now(UTC).isoformat()}
        if credential["workflow_status"] == "declared":
            credential["workflow_status"] = "assessed"
        credential["version"] += 1
        return Reply(200, self._view(credential, lang), etag_of(credential["version"]))

    def change_status(self, token, lang, credential_id, etag, status, note=""):
        """Move a credential along the workflow, read at ``etag``."""
        claims = self._claims("change_status", token, credential_id, status)
        credential = self._mine(claims, credential_id)
        if credential is None:
            return _problem(404, "Not Found")
        if etag != etag_of(credential["version"]):
            return _problem(412, "Precondition Failed")
        if status not in CREDENTIAL_TRANSITIONS[credential["workflow_status"]]:
            return _problem(409, "Conflict", errors=[{"pointer": "/status", "reason": "Not allowed from here."}])
        credential["history"].append({"from_status": credential["workflow_status"], "to_status": status,
                                      "by": claims["sub"], "at": datetime.now(UTC).isoformat(), "note": note})
        credential.update(workflow_status=status, version=credential["version"] + 1)
        return Reply(200, self._view(credential, lang), etag_of(credential["version"]))
