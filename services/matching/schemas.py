"""The matching API's request and response schemas."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.matching.domain.audit import AUDIT_GROUPS
from services.matching.domain.explanation import LANGS

MAX_LIMIT = 100
UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


class MatchQuery(Schema):
    profile = fields.String(validate=validate.Regexp(UUID, error="must be a profile id (UUID)"))
    vacancy = fields.String(validate=validate.Regexp(UUID, error="must be a vacancy id (UUID)"))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_LIMIT))
    cursor = fields.String(load_default=None, validate=validate.Length(max=64))
    lang = fields.String(load_default=None, validate=validate.OneOf(LANGS), metadata={
        "description": "the language of messages and explanations; else Accept-Language, else (for a ranking of "
                       "jobs) the person's own language"})
    eligible = fields.Boolean(load_default=None, metadata={
        "description": "true: only eligible items; false: only blocked ones, with their blockers and next steps "
                       "(counsellors and admins; employers see eligible candidates only)"})
    min_score = fields.Float(load_default=None, validate=validate.Range(min=0, max=1), metadata={
        "description": "leave out items scoring below this, on top of the ranking's own relevance floor"})

    @validates_schema
    def _one_target(self, data, **kwargs):
        if ("profile" in data) == ("vacancy" in data):
            raise ValidationError("give exactly one of profile or vacancy", "profile")


class Blocker(Schema):
    code = fields.String(required=True, metadata={"enum": ["work_authorization", "licence_required", "language",
                                                           "location"]})
    message = fields.String(required=True)
    next_step = fields.String(required=True)


class Concept(Schema):
    code = fields.String(required=True)
    label = fields.String(allow_none=True, required=True, metadata={"description": "in the reader's language"})


class OccupationFit(Schema):
    vacancy = fields.String(allow_none=True, required=True, metadata={"description": "ISCO-08 unit group"})
    vacancy_label = fields.String(allow_none=True, required=True)
    closest = fields.String(allow_none=True, required=True,
                            metadata={"description": "the person's occupation nearest the vacancy's"})
    closest_label = fields.String(allow_none=True, required=True)
    isco_distance = fields.Integer(required=True, metadata={
        "description": "0 same unit group, 1 same minor group, 2 same sub-major group, 3 same major group, 4 none"})


class RequiredLanguage(Schema):
    code = fields.String(required=True)
    required = fields.String(required=True, metadata={"description": "CEFR level"})


class ReadAloud(Schema):
    lang = fields.String(required=True, metadata={"enum": list(LANGS)})
    sentence = fields.String(required=True)


class Explanation(Schema):
    matched_skills = fields.List(fields.Nested(Concept), required=True)
    missing_skills = fields.List(fields.Nested(Concept), required=True)
    occupation = fields.Nested(OccupationFit, required=True)
    credential_status = fields.String(required=True, metadata={
        "description": "not_required, recognised, none, or the assessment's status"})
    languages = fields.List(fields.Nested(RequiredLanguage), required=True)
    components = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True), required=True,
                             metadata={"description": "each part of the score blend in 0..1, null where it does "
                                                      "not apply"})
    model_version = fields.String(required=True)
    lang = fields.String(required=True, metadata={"enum": list(LANGS),
                                                  "description": "the language of why, missing, next_steps, sentence"})
    why = fields.String(required=True, metadata={"description": "why this job: the match's strength, how its "
                                                 "occupation relates to the person's, the skills they have"})
    missing = fields.List(fields.String(), required=True,
                          metadata={"description": "what is missing, one whole sentence each (empty when nothing)"})
    next_steps = fields.List(fields.String(), required=True, metadata={"description": "one whole sentence each"})
    sentence = fields.String(required=True, metadata={
        "description": "why, what is missing and the next step as one paragraph a counsellor can read aloud"})
    read_aloud = fields.Nested(ReadAloud, metadata={
        "description": "for a ranking of jobs, the paragraph in the person's language when it is not lang"})


class MatchItem(Schema):
    vacancy_id = fields.String()
    profile_id = fields.String()
    score = fields.Float(required=True, metadata={"minimum": 0, "maximum": 1})
    eligible = fields.Boolean(required=True)
    blockers = fields.List(fields.Nested(Blocker), required=True)
    explanation = fields.Nested(Explanation, required=True)


class MatchPage(Schema):
    items = fields.List(fields.Nested(MatchItem), required=True)
    next_cursor = fields.String(allow_none=True, required=True)
    model_version = fields.String(required=True)
    preparing = fields.Boolean(required=True, metadata={
        "description": "true while matching still has events to apply (new profiles or vacancies being encoded): "
                       "the list may grow; known in the embedded mode, always false on Kafka for now"})


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
