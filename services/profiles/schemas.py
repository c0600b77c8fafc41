"""The profiles API's marshmallow schemas (the OpenAPI document is generated from them)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.profiles.domain.access import ACTIONS, PURPOSES
from services.profiles.domain.messages import VACANCY_ID_FORMAT
from services.profiles.domain.model import (
    AUTHORIZATION_STATUSES,
    AVAILABILITY,
    CEFR_LEVELS,
    CONSENT_PURPOSES,
    DOCUMENT_TYPES,
    LANGUAGE_CODES,
    PAY_PERIODS,
)
from services.profiles.domain.placements import NOTE_MAX, REQUEST_STATUSES, STAGES
from services.profiles.usecases import MAX_PAGE
from shared.schemas import Amount, CurrencyCode, Name

COUNTRY = validate.Regexp(r"^[A-Z]{2}$")
ISCO_UNIT = validate.Regexp(r"^[0-9]{4}$")
SKILL_CODE = validate.Regexp(r"^S[0-9]{4}$")
TEXT_LANGS = ("es", "pt", "en", "fr", "ht", "other")
UUID = validate.Regexp(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
                       error=VACANCY_ID_FORMAT)


def _country(**kw):
    return fields.String(validate=COUNTRY, metadata={"description": "ISO 3166-1 alpha-2", "example": "CO"}, **kw)


class DocumentSchema(Schema):
    type = fields.String(required=True, validate=validate.OneOf(DOCUMENT_TYPES))
    number = Name(required=True, max_length=40)
    country = _country(required=True)


class IdentitySchema(Schema):
    given_names = Name(required=True, max_length=120)
    family_names = Name(required=True, max_length=120)
    date_of_birth = fields.Date(allow_none=True, load_default=None)
    nationalities = fields.List(_country(), load_default=list, validate=validate.Length(max=5))
    documents = fields.List(fields.Nested(DocumentSchema), load_default=list, validate=validate.Length(max=10))
    phone = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=40),
                          metadata={"description": "Any usual form; stored as E.164"})
    whatsapp = fields.Boolean(load_default=False, metadata={"description": "The phone takes WhatsApp messages"})
    email = fields.Email(allow_none=True, load_default=None)


class LanguageSchema(Schema):
    code = fields.String(required=True, validate=validate.OneOf(LANGUAGE_CODES))
    level = fields.String(required=True, validate=validate.OneOf(CEFR_LEVELS),
                          metadata={"description": "CEFR level, or native"})


class LocationSchema(Schema):
    country = _country(required=True)
    city = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=120))
    willing_to_relocate = fields.Boolean(load_default=False)
    relocation_countries = fields.List(_country(), load_default=list, validate=validate.Length(max=20))


class WorkAuthorizationSchema(Schema):
    country = _country(required=True)
    status = fields.String(required=True, validate=validate.OneOf(AUTHORIZATION_STATUSES))
    permit_type = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=120),
                                metadata={"description": "Sensitive: owning centre's counsellors only"})
    expires = fields.Date(allow_none=True, load_default=None)
    details = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=2000),
                            metadata={"description": "Sensitive: owning centre's counsellors only"})


class ExperienceSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(1, 200))
    occupation = fields.String(allow_none=True, load_default=None, validate=ISCO_UNIT,
                               metadata={"description": "ISCO-08 unit group confirmed by the counsellor"})
    country = _country(allow_none=True, load_default=None)
    start = fields.Date(allow_none=True, load_default=None)
    end = fields.Date(allow_none=True, load_default=None)
    description = fields.String(load_default="", validate=validate.Length(max=4000))


class EducationSchema(Schema):
    title = fields.String(required=True, validate=validate.Length(1, 200))
    level = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(0, 8),
                           metadata={"description": "ISCED 2011 level"})
    field = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=200))
    country = _country(allow_none=True, load_default=None)
    institution = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=200))
    year = fields.Integer(allow_none=True, load_default=None)
    credential_id = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=64))


class PaySchema(Schema):
    amount = Amount(required=True)
    currency = CurrencyCode(required=True, metadata={"example": "COP"})
    period = fields.String(required=True, validate=validate.OneOf(PAY_PERIODS))


class DetailsSchema(Schema):
    """What a counsellor records about a person."""

    identity = fields.Nested(IdentitySchema, required=True)
    location = fields.Nested(LocationSchema, required=True)
    languages = fields.List(fields.Nested(LanguageSchema), load_default=list, validate=validate.Length(max=12))
    work_authorizations = fields.List(fields.Nested(WorkAuthorizationSchema), load_default=list,
                                      validate=validate.Length(max=12))
    experience = fields.List(fields.Nested(ExperienceSchema), load_default=list, validate=validate.Length(max=30))
    skills_text = fields.String(load_default="", validate=validate.Length(max=4000),
                                metadata={"description": "The person's skills in their own words"})
    skills = fields.List(fields.String(validate=SKILL_CODE), load_default=list, validate=validate.Length(max=100),
                         metadata={"description": "Skill codes confirmed by the counsellor"})
    education = fields.List(fields.Nested(EducationSchema), load_default=list, validate=validate.Length(max=20))
    desired_occupations = fields.List(fields.String(validate=ISCO_UNIT), load_default=list,
                                      validate=validate.Length(max=10))
    availability = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(AVAILABILITY))
    pay_expectation = fields.Nested(PaySchema, allow_none=True, load_default=None)
    accessibility_needs = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=2000),
                                        metadata={"description": "Sensitive: owning centre's counsellors only"})
    situation_notes = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=4000),
                                    metadata={"description": "Sensitive: owning centre's counsellors only"})
    text_language = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(TEXT_LANGS),
                                  metadata={"description": "Language of the free texts; detected when absent"})


class ConsentAnswers(Schema):
    matching = fields.Boolean(required=True, metadata={"description": "Be matched with vacancies"})
    introductions = fields.Boolean(required=True, metadata={"description": "Be introduced to employers"})
    statistics = fields.Boolean(required=True, metadata={"description": "Count in anonymous statistics"})
    notifications = fields.Boolean(metadata={
        "description": "Be sent a message (WhatsApp or email) when introduced to an employer or when new strong "
                       "matches are found; optional: left out, the answer recorded before stands (none: not given)"})


class ProfileIn(DetailsSchema):
    consents = fields.Nested(ConsentAnswers, required=True)


class ConsentOut(Schema):
    given = fields.Boolean(required=True)
    recorded_at = fields.DateTime(required=True)
    recorded_by = fields.String(required=True)


class ConsentChangeOut(ConsentOut):
    purpose = fields.String(required=True, validate=validate.OneOf(CONSENT_PURPOSES))


class ConsentsOut(Schema):
    matching = fields.Nested(ConsentOut)
    introductions = fields.Nested(ConsentOut)
    statistics = fields.Nested(ConsentOut)
    notifications = fields.Nested(ConsentOut, metadata={"description": "Absent until the person is asked"})


class ProfileOut(DetailsSchema):
    id = fields.String(required=True, metadata={"description": "Random id; the person's pseudonym"})
    centre = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": "Also the ETag; send it in If-Match"})
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    redacted = fields.Boolean(required=True, metadata={"description": "Sensitive fields were left out"})
    consents = fields.Nested(ConsentsOut, required=True)
    consent_history = fields.List(fields.Nested(ConsentChangeOut), required=True)


class DuplicateWarning(Schema):
    code = fields.String(required=True, metadata={"example": "possible_duplicate"})
    scope = fields.String(required=True, validate=validate.OneOf(("this_centre", "other_centre")))
    reasons = fields.List(fields.String(), required=True)
    message = fields.String(required=True)
    profile_id = fields.String(metadata={"description": "Only for a duplicate in the caller's own centre"})
    merge = fields.String(metadata={"description": "POST here with {other_id} to merge (own centre only)"})


class ProfileCreated(ProfileOut):
    warnings = fields.List(fields.Nested(DuplicateWarning), required=True)


class ProfileSummary(Schema):
    id = fields.String(required=True)
    given_names = fields.String(required=True)
    family_names = fields.String(required=True)
    country = fields.String(required=True)
    city = fields.String(allow_none=True)
    occupations = fields.List(fields.String(), required=True)
    skills = fields.List(fields.String(), required=True)
    availability = fields.String(allow_none=True)
    matching = fields.Boolean(required=True, metadata={"description": "The person consents to matching"})
    version = fields.Integer(required=True)
    updated_at = fields.DateTime(required=True)
    last_contact_at = fields.DateTime(required=True, metadata={
        "description": "The latest of: profile created or changed, a placement step or introduction recorded"})
    latest_stage = fields.String(required=True, allow_none=True, validate=validate.OneOf(STAGES), metadata={
        "description": "The stage of the person's most recently moved placement; null without placements"})


class ProfilePage(Schema):
    items = fields.List(fields.Nested(ProfileSummary), required=True)
    next_cursor = fields.String(allow_none=True, metadata={"description": "Pass as ?cursor= for the next page"})


class ListArgs(Schema):
    country = _country()
    city = fields.String(validate=validate.Length(1, 120))
    occupation = fields.String(validate=ISCO_UNIT)
    skill = fields.String(validate=SKILL_CODE)
    language = fields.String(validate=validate.OneOf(LANGUAGE_CODES))
    availability = fields.String(validate=validate.OneOf(AVAILABILITY))
    matching = fields.Boolean(metadata={"description": "Only people who do (or do not) consent to matching"})
    q = fields.String(validate=validate.Length(1, 120), metadata={
        "description": "Given or family names (any word's beginning, accents and case aside), a document number "
                       "(compared as the duplicate check compares them) or a phone number"})
    stage = fields.String(validate=validate.OneOf(STAGES),
                          metadata={"description": "Only people with a placement at this stage now"})
    stale = fields.Boolean(metadata={"description": "Only people whose last contact is older (true) or not older "
                                                    "(false) than 30 days"})
    limit = fields.Integer(load_default=20, validate=validate.Range(1, MAX_PAGE))
    cursor = fields.String(validate=validate.Length(1, 400))


class MergeIn(Schema):
    other_id = fields.String(required=True, validate=validate.Length(1, 64),
                             metadata={"description": "The duplicate to fold into this profile and erase"})


class SuggestIn(Schema):
    text = fields.String(required=True, validate=validate.Length(1, 2000))
    lang = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(TEXT_LANGS))
    kind = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(("skill", "occupation")))
    limit = fields.Integer(load_default=5, validate=validate.Range(1, 20))


class Suggestion(Schema):
    code = fields.String(required=True)
    kind = fields.String(required=True)
    label = fields.String(required=True)
    score = fields.Float(required=True)
    via = fields.String(required=True)


class Suggestions(Schema):
    items = fields.List(fields.Nested(Suggestion), required=True)


# --- placements and introductions ----------------------------------------------------------------------------

def _note(**kw):
    return fields.String(allow_none=True, load_default=None, validate=validate.Length(max=NOTE_MAX),
                         metadata={"description": "Free text for the centre; never published"}, **kw)


class PlacementIn(Schema):
    profile_id = fields.String(required=True, validate=validate.Length(1, 64))
    vacancy_id = fields.String(required=True, validate=UUID)
    note = _note()


class StageIn(Schema):
    stage = fields.String(required=True, validate=validate.OneOf(STAGES), metadata={
        "description": "The next stage; 'introduced' is only set through /introductions"})
    note = _note()
    on = fields.Date(allow_none=True, load_default=None,
                     metadata={"description": "The day it happened (default: today)"})


class StepOut(Schema):
    stage = fields.String(required=True, validate=validate.OneOf(STAGES))
    at = fields.DateTime(required=True, metadata={"description": "When the step was recorded"})
    on = fields.Date(required=True, metadata={"description": "The day it happened"})
    note = fields.String(allow_none=True)
    by = fields.String(required=True, metadata={"description": "Who recorded it"})


class PlacementOut(Schema):
    id = fields.String(required=True)
    profile_id = fields.String(required=True)
    vacancy_id = fields.String(required=True)
    vacancy_title = fields.String(allow_none=True, metadata={"description": "As the vacancies topic last said"})
    employer_org = fields.String(allow_none=True)
    stage = fields.String(required=True, validate=validate.OneOf(STAGES))
    history = fields.List(fields.Nested(StepOut), required=True)
    version = fields.Integer(required=True, metadata={"description": "Also the ETag; send it in If-Match"})
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class PlacementPage(Schema):
    items = fields.List(fields.Nested(PlacementOut), required=True)
    next_cursor = fields.String(allow_none=True, metadata={"description": "Pass as ?cursor= for the next page"})


class PlacementArgs(Schema):
    profile_id = fields.String(validate=validate.Length(1, 64))
    vacancy_id = fields.String(validate=validate.Length(1, 64))
    stage = fields.String(validate=validate.OneOf(STAGES))
    limit = fields.Integer(load_default=20, validate=validate.Range(1, MAX_PAGE))
    cursor = fields.String(validate=validate.Length(1, 400))


class ConsentIn(Schema):
    given = fields.Boolean(required=True, metadata={
        "description": "The person agrees to share their name and contact with this vacancy's employer"})
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGE_CODES),
                             metadata={"description": "The language the consent was explained in"})
    read_aloud = fields.Boolean(load_default=False, metadata={"description": "The consent text was read aloud"})


class IntroductionIn(Schema):
    profile_id = fields.String(required=True, validate=validate.Length(1, 64))
    vacancy_id = fields.String(required=True, validate=UUID)
    consent = fields.Nested(ConsentIn, required=True)


class IntroductionOut(Schema):
    id = fields.String(required=True)
    vacancy_id = fields.String(required=True)
    employer_org = fields.String(required=True)
    consented_at = fields.DateTime(required=True)


class IntroducedOut(Schema):
    placement = fields.Nested(PlacementOut, required=True)
    introduction = fields.Nested(IntroductionOut, required=True)


class IntroductionArgs(Schema):
    vacancy_id = fields.String(required=True, validate=validate.Length(1, 64))
    limit = fields.Integer(load_default=20, validate=validate.Range(1, MAX_PAGE))
    cursor = fields.String(validate=validate.Length(1, 400))


class ConsentOutForCentre(Schema):
    language = fields.String(required=True)
    read_aloud = fields.Boolean(required=True)
    recorded_by = fields.String(required=True)


class IntroducedPersonOut(Schema):
    id = fields.String(required=True, metadata={"description": "The introduction's id"})
    placement_id = fields.String(required=True)
    profile_id = fields.String(required=True, metadata={"description": "The person's pseudonymous id"})
    vacancy_id = fields.String(required=True)
    stage = fields.String(required=True, validate=validate.OneOf(STAGES))
    consented_at = fields.DateTime(required=True)
    given_names = fields.String(required=True)
    family_names = fields.String(required=True)
    phone = fields.String(allow_none=True)
    whatsapp = fields.Boolean(required=True)
    email = fields.String(allow_none=True)
    languages = fields.List(fields.Nested(LanguageSchema), required=True)
    consent = fields.Nested(ConsentOutForCentre, metadata={"description": "Only for the person's centre"})


class IntroducedPage(Schema):
    items = fields.List(fields.Nested(IntroducedPersonOut), required=True)
    next_cursor = fields.String(allow_none=True, metadata={"description": "Pass as ?cursor= for the next page"})


class RequestIn(Schema):
    vacancy_id = fields.String(required=True, validate=UUID)
    candidate = fields.String(required=True, validate=validate.Length(1, 64),
                              metadata={"description": "The pseudonymous profile id matching showed"})


class RequestOut(Schema):
    id = fields.String(required=True)
    vacancy_id = fields.String(required=True)
    vacancy_title = fields.String(allow_none=True)
    employer_org = fields.String(required=True)
    candidate = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(REQUEST_STATUSES))
    requested_at = fields.DateTime(required=True)
    closed_at = fields.DateTime(allow_none=True)
    given_names = fields.String(metadata={"description": "Only for the person's centre"})
    family_names = fields.String(metadata={"description": "Only for the person's centre"})


class RequestPage(Schema):
    items = fields.List(fields.Nested(RequestOut), required=True)
    next_cursor = fields.String(allow_none=True, metadata={"description": "Pass as ?cursor= for the next page"})


class PageArgs(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(1, MAX_PAGE))
    cursor = fields.String(validate=validate.Length(1, 400))


# --- the access log ---------------------------------------------------------------------------------------

class AccessArgs(Schema):
    profile_id = fields.String(validate=validate.Length(1, 36), metadata={"description": "Only reads of this person"})
    actor = fields.String(validate=validate.Length(1, 200), metadata={"description": "Only reads by this user"})
    since = fields.AwareDateTime(metadata={"description": "Only reads at or after this time (ISO 8601 with offset)"})
    limit = fields.Integer(load_default=20, validate=validate.Range(1, MAX_PAGE))
    cursor = fields.String(validate=validate.Length(1, 400))


class AccessRecordOut(Schema):
    id = fields.Integer(required=True, metadata={"description": "The record's number, in the order recorded"})
    at = fields.DateTime(required=True)
    actor = fields.String(required=True, metadata={"description": "Who read: the user's or client's subject"})
    actor_role = fields.String(required=True)
    actor_org = fields.String(required=True)
    profile_id = fields.String(required=True, metadata={"description": "Whose data: the pseudonymous profile id "
                                                                       "(kept after the person is erased)"})
    action = fields.String(required=True, validate=validate.OneOf(ACTIONS))
    purpose = fields.String(required=True, validate=validate.OneOf(PURPOSES))


class AccessPage(Schema):
    items = fields.List(fields.Nested(AccessRecordOut), required=True)
    next_cursor = fields.String(allow_none=True, metadata={"description": "Pass as ?cursor= for the next page"})
