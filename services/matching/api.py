"""``GET /api/v1/matches``: ranked vacancies for a profile, or pseudonymous candidates for a vacancy; and the
admins' fairness audit and model report under ``/api/v1/matching``."""

from __future__ import annotations

import base64
import binascii

from flask import current_app, g, request
from flask_smorest import Blueprint

from services.matching.domain.explanation import LANGS
from services.matching.schemas import AuditQuery, AuditReport, MatchPage, MatchQuery, ModelReport
from services.matching.usecases import MatchingService, NotFound
from shared.auth import requires
from shared.http import problem

SERVICE_KEY = "matching.service"

blp = Blueprint("matches", __name__, url_prefix="/api/v1/matches", description="Ranked matches")
audit_blp = Blueprint("matching-audit", __name__, url_prefix="/api/v1/matching", description="Fairness audit")


def _service() -> MatchingService:
    return current_app.extensions[SERVICE_KEY]


def _offset(cursor: str | None) -> int | None:
    if cursor is None:
        return 0
    try:
        value = int(base64.urlsafe_b64decode(cursor.encode() + b"==").decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    return value if value >= 0 else None


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(str(offset).encode()).decode().rstrip("=")


def _language(query_lang: str | None) -> str:
    return query_lang or request.accept_languages.best_match(LANGS) or "en"


@blp.get("")
@blp.arguments(MatchQuery, location="query")
@blp.response(200, MatchPage)
@blp.doc(security=[{"bearerAuth": []}])
@requires("counsellor", "admin", "employer")
def matches(query):
    """Rank open vacancies for a profile (counsellors, admins), or candidates for a vacancy (its employer too).

    Every eligible item comes before every ineligible one, each group by score; ineligible items carry what
    blocks them and the next step. Pairs that are no match at all are left out rather than ranked: those
    scoring below both the blend's ``plausible`` threshold and half the ranking's best score (another trade or
    field; weights ``plausible`` and ``plausible_relative`` in settings). A plausible job in a place the person
    will not move to is listed, ineligible, with its ``location`` blocker. Employers see only eligible
    candidates who consented to introductions, by pseudonymous id. Once a re-ranker learned from placement
    outcomes beats the blend on held-out outcomes, ``score`` is its probability of an interview or a hire and
    ``model_version`` names it (see ``/api/v1/matching/model``).
    """
    offset = _offset(query["cursor"])
    if offset is None:
        return problem(400, "Bad Request", "the cursor is not one this API issued",
                       errors=[{"pointer": "/cursor", "reason": "is not a cursor from a previous page"}])
    try:
        page = _service().matches_for(g.principal, profile=query.get("profile"), vacancy=query.get("vacancy"),
                                      offset=offset, limit=query["limit"], lang=_language(query["lang"]))
    except NotFound as exc:
        return problem(404, "Not Found", str(exc))
    return {"items": page.items, "model_version": page.model_version,
            "next_cursor": None if page.next_offset is None else _cursor(page.next_offset)}


@audit_blp.get("/audit")
@audit_blp.arguments(AuditQuery, location="query")
@audit_blp.response(200, AuditReport)
@audit_blp.doc(security=[{"bearerAuth": []}])
@requires("admin")
def audit(query):
    """Report exposure (share of top-k slots over every open vacancy's candidates) and placement rates by group.

    Matching holds no nationality, sex, age, disability or ethnicity, so the groups are the registering centre
    or the person's current country; groups too small to stay anonymous keep their counts without rates.
    """
    return _service().audit_for(by=query["by"], top=query["top"])


@audit_blp.get("/model")
@audit_blp.response(200, ModelReport)
@audit_blp.doc(security=[{"bearerAuth": []}])
@requires("admin")
def model():
    """Report what ranks now: the blend, or the re-ranker learned from placement outcomes, and why.

    Interviews and hires count as good outcomes, rejections as bad ones. The re-ranker is trained on the
    outcomes of most profiles and compared with the blend on the rest; it replaces the blend only when its
    ROC AUC there is higher by the policy's margin and the bootstrap interval of the gain stays above zero.
    """
    return _service().current_model()
