"""Marshmallow schemas of the vacancies API (they generate contracts/openapi/vacancies.json)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.vacancies.domain.model import CEFR, CONTRACT_TYPES, LANGUAGES, PERIODS, STATUSES
from shared.i18n import N_
from shared.schemas import Amount, CountryCode, CurrencyCode, Line, Name, Text

COUNTRY = validate.Regexp(r"^[A-Z]{2}$", error=N_("Must be an ISO 3166-1 alpha-2 code such as PE."))
SKILL = fields.String(validate=validate.Regexp(r"^S\d{4}$", error=N_("Must be a skill code such as S1001.")))


class PaySchema(Schema):
    amount = Amount(required=True)
    currency = CurrencyCode(required=True)
    period = fields.String(required=True, validate=validate.OneOf(PERIODS))


class LanguageRequirement(Schema):
    code = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    min_level = fields.String(required=True, validate=validate.OneOf(CEFR))


class CredentialRequirement(Schema):
    min_level = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=8),
                               metadata={"description": "ISCED 2011 level"})
    field = fields.String(allow_none=True, validate=validate.Length(max=200))


class Benefits(Schema):
    social_security = fields.Boolean(allow_none=True)
    housing = fields.Boolean(allow_none=True)
    transport = fields.Boolean(allow_none=True)


class VacancyIn(Schema):
    """A vacancy as an employer or a feed submits it."""

    title = Line(required=True, min_length=3, max_length=200)
    description = Text(required=True, min_length=20, max_length=10000)
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    occupation = fields.String(allow_none=True, validate=validate.Regexp(r"^\d{4}$", error=N_("Must be 4 digits.")),
                               metadata={"description": "ISCO-08 unit group; suggested from the title when left out"})
    required_skills = fields.List(SKILL, load_default=list, validate=validate.Length(max=50))
    nice_skills = fields.List(SKILL, load_default=list, validate=validate.Length(max=50))
    languages = fields.List(fields.Nested(LanguageRequirement), load_default=list, validate=validate.Length(max=10))
    country = CountryCode(required=True)
    city = fields.String(allow_none=True, validate=validate.Length(max=120))
    remote = fields.Boolean(load_default=False)
    openings = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10000))
    pay = fields.Nested(PaySchema, required=True)
    hours_per_week = fields.Float(required=True, validate=validate.Range(min=1, max=168))
    shifts = fields.String(allow_none=True, validate=validate.Length(max=500))
    contract_type = fields.String(required=True, validate=validate.OneOf(CONTRACT_TYPES))
    start_date = fields.Date(allow_none=True)
    closing_date = fields.Date(allow_none=True)
    licence_required = fields.Boolean(load_default=False)
    credential_required = fields.Nested(CredentialRequirement, allow_none=True)
    work_authorization_required = fields.Boolean(load_default=False)
    benefits = fields.Nested(Benefits, load_default=dict)
    external_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=200),
                                metadata={"description": "The feed's own id; (submitter, external_id) is unique"})


class VacancyPatch(VacancyIn):
    """Any subset of a vacancy's fields."""


class FindingOut(Schema):
    code = fields.String(required=True)
    field = fields.String(required=True, metadata={"description": "JSON Pointer to the field"})
    severity = fields.String(required=True, validate=validate.OneOf(("hold", "warning")))
    message = fields.String(required=True, metadata={"description": "In the caller's language"})
    evidence = fields.String(metadata={"description": "The phrase that triggered a text rule"})


class SuggestionOut(Schema):
    code = fields.String(required=True)
    label = fields.String(required=True)
    score = fields.Float(required=True)


class ReviewOut(Schema):
    decision = fields.String(required=True)
    note = fields.String(required=True)
    reviewer = fields.String(required=True)
    at = fields.DateTime(required=True)


class PayCheckOut(Schema):
    monthly_equivalent = fields.Float(required=True)
    minimum_monthly = fields.Float(required=True, metadata={"description": "Pro-rated to the weekly hours"})
    full_time_minimum = fields.Float(required=True)
    currency = fields.String(required=True)
    effective_date = fields.Date(required=True)
    ratio = fields.Float(required=True)
    data_stale = fields.Boolean(required=True, metadata={"description": "The country data is past its review date"})
    source = fields.Dict(keys=fields.String(), values=fields.String())


class VacancyOut(VacancyIn):
    """A stored vacancy with the gate's outcome."""

    id = fields.String(required=True)
    employer_id = fields.String(required=True)
    employer_name = fields.String(required=True, metadata={
        "description": "The employer's name, as the vacancy's public page shows it (the organisation id when it "
                       "never registered); the employer's record itself is its own"})
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    findings = fields.List(fields.Nested(FindingOut), required=True)
    occupation_suggestions = fields.List(fields.Nested(SuggestionOut))
    monthly_equivalent = fields.Float()
    version = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    published_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    close_reason = fields.String(allow_none=True)
    reviews = fields.List(fields.Nested(ReviewOut))
    url = fields.String(metadata={"description": "Public page with JobPosting JSON-LD, when published"})


class VacancyPage(Schema):
    items = fields.List(fields.Nested(VacancyOut), required=True)
    next_cursor = fields.String(allow_none=True)


class ListArgs(Schema):
    employer = fields.String()
    status = fields.String(validate=validate.OneOf(STATUSES))
    country = fields.String(validate=COUNTRY)
    occupation = fields.String(validate=validate.Regexp(r"^\d{4}$"))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    cursor = fields.String()


class CheckOut(Schema):
    status = fields.String(required=True, metadata={"description": "What the status would be"})
    findings = fields.List(fields.Nested(FindingOut), required=True)
    pay_check = fields.Nested(PayCheckOut, allow_none=True)
    occupation_suggestions = fields.List(fields.Nested(SuggestionOut))


class CloseIn(Schema):
    reason = fields.String(load_default="withdrawn", validate=validate.OneOf(("filled", "withdrawn")))


class ReviewIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(("release", "reject")))
    note = fields.String(required=True, validate=validate.Length(min=3, max=2000))


class EmployerIn(Schema):
    name = Name(required=True, min_length=2, max_length=200)
    tax_id = Name(required=True, min_length=3, max_length=64)
    country = CountryCode(required=True)
    sector = Line(required=True, min_length=2, max_length=120)
    contact_email = fields.Email(required=True)


class EmployerOut(EmployerIn):
    org_id = fields.String(required=True)
    created_at = fields.DateTime(required=True)


class Source(Schema):
    authority = fields.String()
    instrument = fields.String()
    url = fields.String()


class MinimumWageOut(Schema):
    country = fields.String(required=True)
    name = fields.String(required=True)
    monthly_minimum = fields.Float(required=True)
    currency = fields.String(required=True)
    effective_date = fields.Date(required=True)
    max_weekly_hours = fields.Float(required=True)
    hours_effective_date = fields.Date(required=True)
    source = fields.Nested(Source, required=True)
    hours_source = fields.Nested(Source, required=True)
    conversion = fields.Dict(required=True)
    data_stale = fields.Boolean(required=True)
    verified = fields.Boolean(required=True)


class OccupationArgs(Schema):
    q = fields.String(required=True, validate=validate.Length(min=1, max=200))
    lang = fields.String(load_default="es", validate=validate.OneOf(("es", "pt", "en", "fr")))
    limit = fields.Integer(load_default=5, validate=validate.Range(min=1, max=20))


class OccupationsOut(Schema):
    items = fields.List(fields.Nested(SuggestionOut), required=True)


class BulkRowOut(Schema):
    row = fields.Integer(required=True, metadata={"description": "1-based position in the upload"})
    external_id = fields.String(allow_none=True)
    outcome = fields.String(required=True, validate=validate.OneOf(("created", "updated", "unchanged", "error")))
    id = fields.String(allow_none=True)
    status = fields.String(allow_none=True)
    errors = fields.List(fields.Dict())
    findings = fields.List(fields.Nested(FindingOut))


class BulkOut(Schema):
    total = fields.Integer(required=True)
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    errors = fields.Integer(required=True)
    rows = fields.List(fields.Nested(BulkRowOut), required=True)
