"""Request and response schemas of the credentials API (marshmallow); loading yields the domain's values."""

from __future__ import annotations

from marshmallow import Schema, fields, post_load, validate

from services.credentials.domain.model import (
    ACCREDITATIONS,
    DOCUMENT_KINDS,
    ORIENTATIONS,
    PARTIAL_DOCUMENTS,
    WORKFLOW,
    Evidence,
)
from shared.schemas import CountryCode, Line, Name, Text

UUID = validate.Regexp(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class EvidenceSchema(Schema):
    interview_completed = fields.Boolean(load_default=False)
    interview_date = fields.Date(allow_none=True, load_default=None)
    partial_documents = fields.List(fields.String(validate=validate.OneOf(PARTIAL_DOCUMENTS)), load_default=list)
    qualifications_passport = fields.Boolean(load_default=False,
                                             metadata={"description": "Holds a UNESCO Qualifications Passport"})
    notes = Text(load_default="", max_length=2000,
                 metadata={"description": "Structured-interview notes; stay in this service"})

    @post_load
    def _evidence(self, data, **_kwargs) -> Evidence:
        date = data["interview_date"]
        return Evidence(**{**data, "partial_documents": tuple(data["partial_documents"]),
                           "interview_date": date.isoformat() if date else None})


class DeclareSchema(Schema):
    profile_id = fields.String(required=True, validate=UUID, metadata={"description": "The holder's pseudonym"})
    title = Line(required=True, max_length=300, metadata={"description": "Title as written on the diploma"})
    level = fields.Integer(required=True, validate=validate.Range(0, 8), metadata={"description": "ISCED 2011 level"})
    orientation = fields.String(required=True, validate=validate.OneOf(ORIENTATIONS))
    field = fields.String(allow_none=True, load_default=None, validate=validate.Regexp(r"^[0-9]{2,4}$"),
                          metadata={"description": "ISCED-F 2013 code"})
    country = CountryCode(required=True, metadata={"description": "Issuing country"})
    institution = Name(required=True, max_length=300)
    year = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(1940, 2100))
    documents = fields.List(fields.String(validate=validate.OneOf(DOCUMENT_KINDS)), required=True,
                            validate=validate.Length(min=1))
    accreditations = fields.List(fields.String(validate=validate.OneOf(ACCREDITATIONS)), load_default=list)
    evidence = fields.Nested(EvidenceSchema, load_default=None, allow_none=True)

    @post_load
    def _tuples(self, data, **_kwargs) -> dict:
        return {**data, "documents": tuple(data["documents"]), "accreditations": tuple(data["accreditations"])}


class AssessSchema(Schema):
    destination = CountryCode(required=True, metadata={"description": "Destination country"})


class StatusSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(WORKFLOW[2:]))
    note = Text(load_default="", max_length=500)


class ListArgs(Schema):
    profile_id = fields.String(required=True, validate=UUID)
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 100))
    cursor = fields.String(load_default=None)


class SourceOut(Schema):
    title = fields.String()
    url = fields.String()
    date = fields.String()


class OccupationOut(Schema):
    code = fields.String(metadata={"description": "ISCO-08 unit group"})
    label = fields.String()


class StepOut(Schema):
    code = fields.String()
    text = fields.String(metadata={"description": "In the language asked for"})
    texts = fields.Dict(keys=fields.String(), values=fields.String(), metadata={"description": "es, pt, en and fr"})


class AssessmentOut(Schema):
    guidance = fields.String(metadata={"description": "This outcome is guidance; the recognition office decides"})
    destination = fields.String()
    status = fields.String()
    recognised_level = fields.Integer(allow_none=True)
    regulated = fields.Boolean()
    profession = fields.String(allow_none=True)
    agreement = fields.String(allow_none=True)
    authority = fields.String(allow_none=True)
    procedure = fields.String(allow_none=True)
    licensing_body = fields.String(allow_none=True)
    typical_weeks = fields.List(fields.Integer(), allow_none=True)
    cost_band = fields.String(allow_none=True)
    occupations_now = fields.List(fields.Nested(OccupationOut))
    occupations_after_recognition = fields.List(fields.Nested(OccupationOut))
    occupations_later = fields.List(fields.Nested(OccupationOut))
    next_steps = fields.List(fields.Nested(StepOut))
    sources = fields.List(fields.Nested(SourceOut))
    rules_version = fields.String()
    assessed_at = fields.String()


class ChangeOut(Schema):
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    by = fields.String()
    at = fields.DateTime()
    note = fields.String()


class CredentialOut(Schema):
    id = fields.String()
    profile_id = fields.String()
    title = fields.String()
    level = fields.Integer()
    orientation = fields.String()
    field = fields.String(allow_none=True)
    country = fields.String()
    institution = fields.String()
    year = fields.Integer(allow_none=True)
    documents = fields.List(fields.String())
    accreditations = fields.List(fields.String())
    evidence = fields.Nested(EvidenceSchema)
    workflow_status = fields.String()
    version = fields.Integer()
    declared_at = fields.DateTime()
    history = fields.List(fields.Nested(ChangeOut))
    assessment = fields.Nested(AssessmentOut, allow_none=True)


class CredentialPage(Schema):
    items = fields.List(fields.Nested(CredentialOut))
    next_cursor = fields.String(allow_none=True)
