"""``GET /api/v1/matches``: ranked vacancies for a profile, or pseudonymous candidates for a vacancy."""

from __future__ import annotations

import base64
import binascii

from flask import current_app, g, request
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.matching.domain import AUDIT_GROUPS, LANGS, blockers_out, explain
from services.matching.sql_store import SqlReadModelStore
from services.matching.wiring import CONSUMES, matcher_of
from shared.auth import requires
from shared.http import problem
from shared.service import consumer_behind

blp = Blueprint("matches", __name__, url_prefix="/api/v1/matches", description="Ranked matches")
MAX_LIMIT = 100
UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


class MatchQuery(Schema):
    profile = fields.String(validate=validate.Regexp(UUID, error="must be a profile id (UUID)"))
    vacancy = fields.String(validate=validate.Regexp(UUID, error="must be a vacancy id (UUID)"))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_LIMIT))
    cursor = fields.String(load_default=None, validate=validate.Length(max=64))
    lang = fields.String(load_default=None, validate=validate.OneOf(LANGS))

    @validates_schema
    def _one_target(self, data, **kwargs):
        if ("profile" in data) == ("vacancy" in data):
            raise ValidationError("give exactly one of profile or vacancy", "profile")


class Blocker(Schema):
    code = fields.String(required=True, metadata={"enum": ["work_authorization", "licence_required", "language",
                                                           "location"]})
    message = fields.String(required=True)
    next_step = fields.String(required=True)


class MatchItem(Schema):
    vacancy_id = fields.String()
    profile_id = fields.String()
    score = fields.Float(required=True, metadata={"minimum": 0, "maximum": 1})
    eligible = fields.Boolean(required=True)
    blockers = fields.List(fields.Nested(Blocker), required=True)
    explanation = fields.Dict(required=True, metadata={"description": "matched and missing skills, occupation "
                                                       "match, credential status, languages, components, sentence"})


class MatchPage(Schema):
    items = fields.List(fields.Nested(MatchItem), required=True)
    next_cursor = fields.String(allow_none=True, required=True)
    model_version = fields.String(required=True)
    preparing = fields.Boolean(required=True, metadata={
        "description": "true while matching still has events to apply (new profiles or vacancies being encoded): "
                       "the list may grow; known in the embedded mode, always false on Kafka for now"})


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
    container = current_app.extensions["puente.container"]
    offset = _offset(query["cursor"])
    if offset is None:
        return problem(400, "Bad Request", "the cursor is not one this API issued",
                       errors=[{"pointer": "/cursor", "reason": "is not a cursor from a previous page"}])
    lang, principal, matcher = _language(query["lang"]), g.principal, matcher_of(container)
    with container.sessions() as session:
        store = SqlReadModelStore(session)
        matcher.sync(store)
        if "profile" in query:
            principal.require("counsellor", "admin")
            profile = store.get_profile(query["profile"])
            if profile is None:
                return problem(404, "Not Found", "no profile with this id takes part in matching")
            principal.require("counsellor", "admin", org=profile.centre)
            ranked = matcher.for_profile(store, profile.profile_id) or []
            vacancies = {v.vacancy_id: v for v in store.vacancies([m.vacancy_id for m in ranked])}
            key = "vacancy_id"
        else:
            vacancy = store.get_vacancy(query["vacancy"])
            if vacancy is None or vacancy.status != "open":
                return problem(404, "Not Found", "no open vacancy with this id")
            principal.require("counsellor", "admin", "employer", org=vacancy.employer_id
                              if principal.role == "employer" else None)
            employer = principal.role == "employer"
            ranked = matcher.for_vacancy(store, vacancy.vacancy_id, introductions_only=employer) or []
            if employer:  # a person's situation is the counsellor's business, not the employer's
                ranked = [m for m in ranked if m.eligible]
            vacancies = {vacancy.vacancy_id: vacancy}
            key = "profile_id"
    page = ranked[offset: offset + query["limit"]]
    items = [{key: getattr(m, key), "score": m.score, "eligible": m.eligible, "blockers": blockers_out(m, lang),
              "explanation": explain(m, vacancies[m.vacancy_id], matcher.taxonomy, lang)} for m in page]
    more = offset + query["limit"] < len(ranked)
    # The version the items were ranked with, even if a retraining swapped the model since.
    return {"items": items, "next_cursor": _cursor(offset + query["limit"]) if more else None,
            "model_version": ranked[0].model_version if ranked else matcher.model_version,
            "preparing": consumer_behind(container, CONSUMES)}


audit_blp = Blueprint("matching-audit", __name__, url_prefix="/api/v1/matching", description="Fairness audit")


class AuditQuery(Schema):
    by = fields.String(load_default="centre", validate=validate.OneOf(AUDIT_GROUPS))
    top = fields.Integer(load_default=10, validate=validate.Range(min=1, max=50))


class AuditGroup(Schema):
    group = fields.String(required=True)
    profiles = fields.Integer(required=True)
    top_slots = fields.Integer(required=True)
    placed = fields.Integer(required=True, metadata={"description": "profiles with a hired outcome"})
    exposure = fields.Float(allow_none=True, required=True,
                            metadata={"description": "share of top slots; null for groups below min_group"})
    exposure_ratio = fields.Float(allow_none=True, required=True,
                                  metadata={"description": "share of slots / share of profiles (1 = parity)"})
    placement_rate = fields.Float(allow_none=True, required=True)


class AuditReport(Schema):
    by = fields.String(required=True)
    top = fields.Integer(required=True)
    vacancies = fields.Integer(required=True)
    slots = fields.Integer(required=True)
    min_group = fields.Integer(required=True)
    groups = fields.List(fields.Nested(AuditGroup), required=True)
    model_version = fields.String(required=True)


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
    container = current_app.extensions["puente.container"]
    matcher = matcher_of(container)
    with container.sessions() as session:
        store = SqlReadModelStore(session)
        matcher.sync(store)
        return matcher.audit(store, by=query["by"], top=query["top"])


class Training(Schema):
    adopted = fields.Boolean(required=True)
    reason = fields.String(required=True, metadata={"enum": ["adopted", "too_few_outcomes", "too_few_of_a_class",
                                                             "too_few_held_out", "no_better_than_blend"]})
    baseline = fields.String(required=True, metadata={"description": "the blend version compared against"})
    outcomes = fields.Integer(required=True, metadata={"description": "labelled (profile, vacancy) pairs"})
    positives = fields.Integer(required=True, metadata={"description": "pairs that reached an interview or a hire"})
    negatives = fields.Integer(required=True, metadata={"description": "pairs rejected without an interview"})
    candidate_version = fields.String(allow_none=True, required=True)
    train_pairs = fields.Integer(required=True)
    held_out_pairs = fields.Integer(required=True)
    blend_auc = fields.Float(allow_none=True, required=True, metadata={"description": "ROC AUC on held-out pairs"})
    model_auc = fields.Float(allow_none=True, required=True, metadata={"description": "ROC AUC on held-out pairs"})
    gain_low = fields.Float(allow_none=True, required=True,
                            metadata={"description": "lower bound of the bootstrap interval of the AUC gain"})
    coefficients = fields.Dict(keys=fields.String(), values=fields.Float(), allow_none=True, required=True,
                               metadata={"description": "logistic-regression weight per standardised feature"})


class Policy(Schema):
    min_outcomes = fields.Integer(required=True)
    min_per_class = fields.Integer(required=True)
    held_out = fields.Float(required=True, metadata={"description": "share of profiles kept for the comparison"})
    margin = fields.Float(required=True, metadata={"description": "AUC gain over the blend needed to adopt"})
    confidence = fields.Float(required=True)


class ModelReport(Schema):
    model_version = fields.String(required=True, metadata={"description": "what every ranking is made with now"})
    blend_version = fields.String(required=True)
    state = fields.String(required=True, metadata={"enum": ["disabled", "not_trained", "blend_kept", "adopted"]})
    training = fields.Nested(Training, allow_none=True, required=True)
    policy = fields.Nested(Policy, allow_none=True, required=True)


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
    container = current_app.extensions["puente.container"]
    matcher = matcher_of(container)
    with container.sessions() as session:
        matcher.sync(SqlReadModelStore(session))
    return matcher.model_report()
