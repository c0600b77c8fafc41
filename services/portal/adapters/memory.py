"""In-memory fakes of the portal's ports: the account and sign-in failure stores, the vacancies and matching services.

The service fakes follow the same contract as the real APIs, for unit tests and for the pages before a service
exists; they trust a token's claims without checking its signature (the real services verify it).
"""

from __future__ import annotations

import copy
import threading
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

import jwt

from services.portal.accounts import AccountError, Organisation, PendingSignUp, User, WebSession
from services.portal.ports import PAGE_SIZE, Mail, Reply, ServiceUnavailable
from shared.http import etag as etag_of
from shared.pagination import decode_cursor, encode_cursor


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

    def get_employer(self, token, lang, org_id):
        """Read an employer."""
        self._guard("get_employer", token)
        if org_id not in self.employers:
            return Reply(404, {"status": 404, "title": "Not Found"})
        return Reply(200, copy.deepcopy(self.employers[org_id]))

    def list_vacancies(self, token, lang, employer, cursor=None, limit=50):
        """List an employer's vacancies."""
        self._guard("list_vacancies", token)
        items = [self._localised(v, lang) for v in self.vacancies.values() if v["employer_id"] == employer]
        return Reply(200, {"items": items[::-1][:limit], "next_cursor": None})

    def get_vacancy(self, token, lang, vacancy_id):
        """Read one vacancy."""
        self._guard("get_vacancy", token)
        vacancy = self.vacancies.get(vacancy_id)
        if vacancy is None or vacancy["employer_id"] != self._org(token):
            return Reply(404, {"status": 404, "title": "Not Found"})
        return Reply(200, self._localised(vacancy, lang), etag_of(vacancy["version"]))

    def _localised(self, vacancy: dict, lang: str) -> dict:
        out = copy.deepcopy(vacancy)
        for finding in out["findings"]:
            finding["message"] = FAKE_MESSAGES.get(lang[:2], FAKE_MESSAGES["en"])
        return out

    def _store(self, vacancy_id: str, org: str, body: dict, lang: str, version: int) -> dict:
        findings, _ = self._gate(body, lang)
        status = "held" if any(f["severity"] == "hold" for f in findings) else "published"
        vacancy = {**copy.deepcopy(body), "id": vacancy_id, "employer_id": org, "status": status,
                   "findings": findings, "version": version, "updated": date.today().isoformat()}
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


# -- the matching service ----------------------------------------------------------------------------------
@dataclass
class FakeMatching:
    """Ranked candidates per vacancy in memory, following the API's rules for an employer's token."""

    ranked: dict[str, list[dict]] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)
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
