"""The port through which the portal talks to the vacancies service, its HTTP and in-process adapters, and a fake.

Every call carries the signed-in person's bearer token and language; the service decides what they may do.
"""

from __future__ import annotations

import copy
import threading
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

import requests
from werkzeug.test import Client

BASE = "/api/v1"


class ServiceUnavailable(Exception):
    """Raised when a service (vacancies, matching) cannot be reached or answers with a server error."""


@dataclass(frozen=True)
class Reply:
    """What the service answered: status, JSON body and the ETag, if any."""

    status: int
    body: Any
    etag: str | None = None

    @property
    def ok(self) -> bool:
        """Return whether the call succeeded (2xx)."""
        return 200 <= self.status < 300

    @property
    def errors(self) -> list[dict[str, str]]:
        """Return the problem document's ``[{pointer, reason}]``, if any."""
        return list((self.body or {}).get("errors") or []) if isinstance(self.body, dict) else []


class VacanciesPort(Protocol):
    """The vacancies service's API as the portal uses it."""

    def register_employer(self, token: str, lang: str, body: dict) -> Reply: ...
    def list_vacancies(self, token: str, lang: str, employer: str, cursor: str | None = None,
                       limit: int = 50) -> Reply: ...
    def get_vacancy(self, token: str, lang: str, vacancy_id: str) -> Reply: ...
    def create_vacancy(self, token: str, lang: str, body: dict) -> Reply: ...
    def update_vacancy(self, token: str, lang: str, vacancy_id: str, etag: str, body: dict) -> Reply: ...
    def close_vacancy(self, token: str, lang: str, vacancy_id: str) -> Reply: ...
    def check_vacancy(self, token: str, lang: str, body: dict) -> Reply: ...
    def suggest_occupations(self, token: str, lang: str, title: str) -> Reply: ...


class _Transport(Protocol):
    def __call__(self, method: str, path: str, headers: dict[str, str], params: dict | None,
                 body: dict | None) -> Reply: ...


class VacanciesClient:
    """The port over a transport: HTTP to another process, or the app itself in the embedded mode."""

    def __init__(self, transport: _Transport):
        self.transport = transport

    def _call(self, method, path, token, lang, *, params=None, body=None, headers=None) -> Reply:
        sent = {"Authorization": f"Bearer {token}", "Accept-Language": lang, "Accept": "application/json",
                **(headers or {})}
        reply = self.transport(method, BASE + path, sent, params, body)
        if reply.status >= 500:
            raise ServiceUnavailable(f"vacancies answered {reply.status}")
        return reply

    def register_employer(self, token, lang, body):
        """Register the caller's organisation as an employer."""
        return self._call("POST", "/employers", token, lang, body=body)

    def list_vacancies(self, token, lang, employer, cursor=None, limit=50):
        """List an employer's vacancies, newest first, one page at a time."""
        params = {"employer": employer, "limit": limit, **({"cursor": cursor} if cursor else {})}
        return self._call("GET", "/vacancies", token, lang, params=params)

    def get_vacancy(self, token, lang, vacancy_id):
        """Read one vacancy with its ETag."""
        return self._call("GET", f"/vacancies/{vacancy_id}", token, lang)

    def create_vacancy(self, token, lang, body):
        """Post a vacancy; the service runs the decent-work gate."""
        return self._call("POST", "/vacancies", token, lang, body=body)

    def update_vacancy(self, token, lang, vacancy_id, etag, body):
        """Change a vacancy the caller read at ``etag``; the gate runs again."""
        return self._call("PATCH", f"/vacancies/{vacancy_id}", token, lang, body=body, headers={"If-Match": etag})

    def close_vacancy(self, token, lang, vacancy_id):
        """Close a vacancy."""
        return self._call("POST", f"/vacancies/{vacancy_id}/close", token, lang, body={"reason": "withdrawn"})

    def check_vacancy(self, token, lang, body):
        """Run the gate on a draft without storing it."""
        return self._call("POST", "/vacancies/check", token, lang, body=body)

    def suggest_occupations(self, token, lang, title):
        """Suggest ISCO-08 occupations for a job title."""
        return self._call("GET", "/vacancies/occupations", token, lang, params={"q": title, "lang": lang})


def _json(content: bytes):
    import json

    try:
        return json.loads(content) if content else None
    except ValueError:
        return None


class HttpTransport:
    """Calls a service over HTTP (distributed mode)."""

    def __init__(self, base_url: str, timeout_s: float = 10.0):
        self.base_url, self.timeout_s = base_url.rstrip("/"), timeout_s
        self.http = requests.Session()

    def __call__(self, method, path, headers, params, body) -> Reply:
        try:
            response = self.http.request(method, self.base_url + path, headers=headers, params=params, json=body,
                                         timeout=self.timeout_s)
        except requests.RequestException as exc:
            raise ServiceUnavailable(str(exc)) from None
        return Reply(response.status_code, _json(response.content), response.headers.get("ETag"))


class WsgiTransport:
    """Calls a service's app living in the same process (embedded mode): one port serves everything."""

    def __init__(self, app):
        self.client = Client(app)

    def __call__(self, method, path, headers, params, body) -> Reply:
        response = self.client.open(path, method=method, headers=headers, query_string=params, json=body)
        return Reply(response.status_code, _json(response.get_data()), response.headers.get("ETag"))


# -- the fake ----------------------------------------------------------------------------------------------
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
        # The fake trusts the token's claims without checking the signature: the real service verifies it.
        import jwt

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
        """Read one vacancy."""
        self._guard("get_vacancy", token)
        vacancy = self.vacancies.get(vacancy_id)
        if vacancy is None or vacancy["employer_id"] != self._org(token):
            return Reply(404, {"status": 404, "title": "Not Found"})
        return Reply(200, self._localised(vacancy, lang), f'"{vacancy["version"]}"')

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
        return Reply(201, copy.deepcopy(vacancy), f'"{vacancy["version"]}"')

    def update_vacancy(self, token, lang, vacancy_id, etag, body):
        """Change a vacancy read at ``etag``."""
        self._guard("update_vacancy", token)
        current = self.vacancies.get(vacancy_id)
        if current is None or current["employer_id"] != self._org(token):
            return Reply(404, {"status": 404, "title": "Not Found"})
        if etag != f'"{current["version"]}"':
            return Reply(412, {"status": 412, "title": "Precondition Failed"})
        merged = {k: v for k, v in current.items() if k not in ("id", "status", "findings", "version")}
        merged.update(body)
        errors = self._invalid(merged)
        if errors:
            return Reply(422, {"status": 422, "errors": errors})
        with self._lock:
            vacancy = self._store(vacancy_id, current["employer_id"], merged, lang, current["version"] + 1)
        return Reply(200, copy.deepcopy(vacancy), f'"{vacancy["version"]}"')

    def close_vacancy(self, token, lang, vacancy_id):
        """Close a vacancy."""
        self._guard("close_vacancy", token)
        current = self.vacancies.get(vacancy_id)
        if current is None or current["employer_id"] != self._org(token):
            return Reply(404, {"status": 404, "title": "Not Found"})
        current.update(status="closed", version=current["version"] + 1)
        return Reply(200, copy.deepcopy(current), f'"{current["version"]}"')

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
