"""The client of the matching service: the port over HTTP, or over the service's app in the embedded mode."""

from __future__ import annotations

from services.portal.adapters.http import BASE
from services.portal.ports import PAGE_SIZE, ServiceUnavailable, Transport


class MatchingClient:
    """The port over a transport: HTTP to another process, or the app itself in the embedded mode."""

    def __init__(self, transport: Transport):
        self.transport = transport

    def candidates(self, token, lang, vacancy_id, limit=PAGE_SIZE, cursor=None):
        """Return one page of a vacancy's eligible candidates, in ranked order (the employer's view: matching
        gives an employer eligible candidates only, and the portal asks for nothing else)."""
        params = {"vacancy": vacancy_id, "eligible": "true", "limit": limit, **({"cursor": cursor} if cursor else {})}
        headers = {"Authorization": f"Bearer {token}", "Accept-Language": lang, "Accept": "application/json"}
        reply = self.transport("GET", BASE + "/matches", headers, params, None)
        if reply.status >= 500:
            raise ServiceUnavailable(f"matching answered {reply.status}")
        return reply

    def for_profile(self, token, lang, profile_id, limit=PAGE_SIZE, cursor=None):
        """Return one page of ranked, explained vacancies for a person (eligible ones first)."""
        params = {"profile": profile_id, "limit": limit, "lang": lang, **({"cursor": cursor} if cursor else {})}
        headers = {"Authorization": f"Bearer {token}", "Accept-Language": lang, "Accept": "application/json"}
        reply = self.transport("GET", BASE + "/matches", headers, params, None)
        if reply.status >= 500:
            raise ServiceUnavailable(f"matching answered {reply.status}")
        return reply
