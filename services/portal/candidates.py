"""How many eligible candidates matching has for each vacancy on the employer's list.

Calls carry the signed-in employer's bearer token: matching decides what an employer may see (eligible
candidates who agreed to introductions, by pseudonymous id), so the portal only counts what it is given.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from services.portal.ports import PAGE_SIZE, MatchingPort, ServiceUnavailable

MAX_PAGES = 5  # beyond PAGE_SIZE * MAX_PAGES the list says "more than"
COUNTED, NOT_RANKED, UNAVAILABLE, PREPARING = "counted", "not_ranked", "unavailable", "preparing"


@dataclass(frozen=True)
class MatchCount:
    """How many eligible candidates matching has for a vacancy, or why it cannot say.

    ``state`` is "counted", "preparing" (counted so far, but matching still has new profiles or vacancies to
    encode, so the count may grow), "not_ranked" (matching does not know the vacancy yet, or it is not open
    there) or "unavailable"; ``more`` means there are more than ``count`` and counting stopped.
    """

    state: str
    count: int = 0
    more: bool = False


def count_candidates(port: MatchingPort, token: str, lang: str, vacancy_id: str, *, page_size: int = PAGE_SIZE,
                     max_pages: int = MAX_PAGES) -> MatchCount:
    """Count a vacancy's eligible candidates, following the API's pages up to ``max_pages``."""
    cursor, count, preparing = None, 0, False
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
        preparing = preparing or reply.body.get("preparing") is True
        cursor = reply.body.get("next_cursor")
        if not cursor:
            return MatchCount(PREPARING if preparing else COUNTED, count)
    return MatchCount(PREPARING if preparing else COUNTED, count, more=True)


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
