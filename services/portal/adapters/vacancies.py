"""The client of the vacancies service: the port over HTTP, or over the service's app in the embedded mode."""

from __future__ import annotations

from services.portal.adapters.http import BASE
from services.portal.ports import Reply, ServiceUnavailable, Transport


class VacanciesClient:
    """The port over a transport: HTTP to another process, or the app itself in the embedded mode."""

    def __init__(self, transport: Transport):
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

    def get_employer(self, token, lang, org_id):
        """Read an employer as registered (its country among the rest)."""
        return self._call("GET", f"/employers/{org_id}", token, lang)

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

    def minimum_wage(self, token, lang, country):
        """Return a country's monthly minimum wage in force today."""
        return self._call("GET", f"/vacancies/minimum-wages/{country}", token, lang)
