"""The port through which the portal asks the matching service about a vacancy's candidates, its adapter, a fake,
and the use case that counts them for the employer's list.

Calls carry the signed-in employer's bearer token: matching decides what an employer may see (eligible
candidates who agreed to introductions, by pseudonymous id), so the portal only counts what it is given.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from services.portal.vacancies_client import BASE, Reply, ServiceUnavailable

PAGE_SIZE = 100  # the matching API's largest page
MAX_PAGES = 5  # beyond PAGE_SIZE * MAX_PAGES the list says "more than"
COUNTED, NOT_RANKED, UNAVAILABLE = "counted", "not_ranked", "unavailable"


class MatchingPort(Protocol):
    """The matching service's API as the portal uses it."""

    def candidates(self, token: str, lang: str, vacancy_id: str, limit: int = PAGE_SIZE,
                   cursor: str | None = None) -> Reply: ...


class _Transport(Protocol):
    def __call__(self, method: str, path: str, headers: dict[str, str], params: dict | None,
                 body: dict | None) -> Reply: ...


class MatchingClient:
    """The port over a transport: HTTP to another process, or the app itself in the embedded mode."""

    def __init__(self, transport: _Transport):
        self.transport = transport

    def candidates(self, token, lang, vacancy_id, limit=PAGE_SIZE, cursor=None):
        """Return one page of ranked candidates for a vacancy."""
        params = {"vacancy": vacancy_id, "limit": limit, **({"cursor": cursor} if cursor else {})}
        headers = {"Authorization": f"Bearer {token}", "Accept-Language": lang, "Accept": "application/json"}
        reply = self.transport("GET", BASE + "/matches", headers, params, None)
        if reply.status >= 500:
            raise ServiceUnavailable(f"matching answered {reply.status}")
        return reply


@dataclass(frozen=True)
class MatchCount:
    """How many eligible candidates matching has for a vacancy, or why it cannot say.

    ``state`` is "counted", "not_ranked" (matching does not know the vacancy yet, or it is not open there)
    or "unavailable"; ``more`` means there are more than ``count`` and counting stopped.
    """

    state: str
    count: int = 0
    more: bool = False


def count_candidates(port: MatchingPort, token: str, lang: str, vacancy_id: str, *, page_size: int = PAGE_SIZE,
                     max_pages: int = MAX_PAGES) -> MatchCount:
    """Count a vacancy's eligible candidates, following the API's pages up to ``max_pages``."""
    cursor, count = None, 0
    for _ in range(max_pages):
        try:
            reply = port.candidates(token, lang, vacancy_id, limit=page_size, cursor=cursor)
        except ServiceUnavailable:
            return MatchCount(UNAVAILABLE)
        if reply.status == 404:
            return MatchCount(NOT_RANKED)
        if not reply.ok or not isinstance(reply.body, dict) or not isinstance(reply.body.get("items"), list):
            return MatchCount(UNAVAILABLE)
        count += sum(1 for item in reply.body["items"] if isinstance(item, dict) and item.get("eligible"))
        cursor = reply.body.get("next_cursor")
        if not cursor:
            return MatchCount(COUNTED, count)
    return MatchCount(COUNTED, count, more=True)


def count_all(port: MatchingPort, token: str, lang: str, vacancy_ids: Iterable[str], **paging) -> dict[str, MatchCount]:
    """Count the candidates of several vacancies; once matching is unreachable, stop asking it for this page."""
    counts: dict[str, MatchCount] = {}
    down = False
    for vacancy_id in vacancy_ids:
        # One timeout per page, not one per vacancy: a list of fifty must not wait fifty times.
        counts[vacancy_id] = MatchCount(UNAVAILABLE) if down else count_candidates(port, token, lang, vacancy_id,
                                                                                   **paging)
        down = down or counts[vacancy_id].state == UNAVAILABLE
    return counts


# -- the fake ----------------------------------------------------------------------------------------------
@dataclass
class FakeMatching:
    """Ranked candidates per vacancy in memory, following the API's rules for an employer's token."""

    ranked: dict[str, list[dict]] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)
    unavailable: bool = False
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
        # The fake trusts the token's claims without checking the signature: the real service verifies it.
        import jwt

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
        start = int(base64.urlsafe_b64decode(cursor + "==").decode()) if cursor else 0
        end = start + limit
        next_cursor = base64.urlsafe_b64encode(str(end).encode()).decode().rstrip("=") if end < len(items) else None
        return Reply(200, {"items": items[start:end], "next_cursor": next_cursor, "model_version": "fake"})
