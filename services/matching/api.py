"""``GET /api/v1/matches``: ranked vacancies for a profile, or pseudonymous candidates for a vacancy; and the
admins' fairness audit and model report under ``/api/v1/matching``."""

from __future__ import annotations

from flask import current_app, g, request
from flask_smorest import Blueprint

from services.matching.events import CONSUMES
from services.matching.schemas import AuditQuery, AuditReport, MatchPage, MatchQuery, ModelReport
from services.matching.usecases import MatchingService
from shared.auth import requires
from shared.i18n import LANGUAGES
from shared.service import consumer_behind

SERVICE_KEY = "matching.service"

blp = Blueprint("matches", __name__, url_prefix="/api/v1/matches", description="Ranked matches")
audit_blp = Blueprint("matching-audit", __name__, url_prefix="/api/v1/matching", description="Fairness audit")


def _service() -> MatchingService:
    return current_app.extensions[SERVICE_KEY]


def stated_language() -> str | None:
    """Return the language the reader asked for (``?lang=``, else Accept-Language), or None when they named
    none we have: a ranking of jobs is then explained in the person's own language."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES)


@blp.get("")
@blp.arguments(MatchQuery, location="query")
@blp.response(200, MatchPage)
@blp.doc(security=[{"bearerAuth": []}])
@requires("counsellor", "admin", "employer")
def matches(query):
    """Rank open vacancies for a profile (counsellors, admins), or candidates for a vacancy (its employer too).

    Items are ordered by usefulness to the person. A job they can take now ranks by its score; a job a next
    step would unlock (a licence or a recognition, a language course, a permit under way) ranks by its score
    times the blend's ``blocked`` factor (0.9 by default), so a job in the person's own trade that recognition
    unlocks comes above an eligible job in an unrelated trade, and below an eligible job of the same fit. Jobs
    the person cannot reach (a place they ruled out, a work permit they neither hold nor applied for) come
    after every reachable one. Every blocked item has ``eligible: false``, its blockers and the next steps.

    Pairs that are no match at all are left out rather than ranked (the relevance floor): those scoring below
    both the blend's ``plausible`` threshold and half the best reachable score (another trade or field; weights
    ``plausible`` and ``plausible_relative`` in settings). ``eligible=true`` or ``eligible=false`` filters the
    ranking after that floor, so a filtered list is never padded with unrelated jobs; ``min_score`` raises the
    floor. Employers see only eligible candidates who consented to introductions, by pseudonymous id
    (``eligible=false`` is a 403 for them). Once a re-ranker learned from placement outcomes beats the blend on
    held-out outcomes, ``score`` is its probability of an interview or a hire and ``model_version`` names it
    (see ``/api/v1/matching/model``).
    """
    page = _service().matches_for(g.principal, profile=query.get("profile"), vacancy=query.get("vacancy"),
                                  cursor=query["cursor"], limit=query["limit"], lang=stated_language(),
                                  eligible=query["eligible"], min_score=query["min_score"])
    return {"items": page.items, "next_cursor": page.next_cursor, "model_version": page.model_version,
            "preparing": consumer_behind(current_app.extensions["puente.container"], CONSUMES)}


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
