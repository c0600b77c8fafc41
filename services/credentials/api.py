"""REST API of the credentials service: thin views (load -> use case -> dump); outcomes are guidance."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime

from flask import current_app, g, request, url_for
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from services.credentials.domain.assessment import GUIDANCE
from services.credentials.domain.model import (
    ACCREDITATIONS,
    DOCUMENT_KINDS,
    ORIENTATIONS,
    PARTIAL_DOCUMENTS,
    WORKFLOW,
    Credential,
    DomainError,
    Evidence,
)
from shared.auth import requires

blp = Blueprint("credentials", __name__, url_prefix="/api/v1/credentials",
                description="Foreign credentials and their recognition, as guidance for counsellors")
ISO = validate.Regexp(r"^[A-Z]{2}$")
UUID = validate.Regexp(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
CONTENT_LANGS = ("es", "pt", "en", "fr")


class EvidenceSchema(Schema):
    interview_completed = fields.Boolean(load_default=False)
    interview_date = fields.Date(allow_none=True, load_default=None)
    partial_documents = fields.List(fields.String(validate=validate.OneOf(PARTIAL_DOCUMENTS)), load_default=list)
    qualifications_passport = fields.Boolean(load_default=False,
                                             metadata={"description": "Holds a UNESCO Qualifications Passport"})
    notes = fields.String(load_default="", validate=validate.Length(max=2000),
                          metadata={"description": "Structured-interview notes; stay in this service"})


class DeclareSchema(Schema):
    profile_id = fields.String(required=True, validate=UUID, metadata={"description": "The holder's pseudonym"})
    title = fields.String(required=True, validate=validate.Length(min=1, max=300),
                          metadata={"description": "Title as written on the diploma"})
    level = fields.Integer(required=True, validate=validate.Range(0, 8), metadata={"description": "ISCED 2011 level"})
    orientation = fields.String(required=True, validate=validate.OneOf(ORIENTATIONS))
    field = fields.String(allow_none=True, load_default=None, validate=validate.Regexp(r"^[0-9]{2,4}$"),
                          metadata={"description": "ISCED-F 2013 code"})
    country = fields.String(required=True, validate=ISO, metadata={"description": "Issuing country"})
    institution = fields.String(required=True, validate=validate.Length(min=1, max=300))
    year = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(1940, 2100))
    documents = fields.List(fields.String(validate=validate.OneOf(DOCUMENT_KINDS)), required=True,
                            validate=validate.Length(min=1))
    accreditations = fields.List(fields.String(validate=validate.OneOf(ACCREDITATIONS)), load_default=list)
    evidence = fields.Nested(EvidenceSchema, load_default=None, allow_none=True)


class AssessSchema(Schema):
    destination = fields.String(required=True, validate=ISO, metadata={"description": "Destination country"})


class StatusSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(WORKFLOW[2:]))
    note = fields.String(load_default="", validate=validate.Length(max=500))


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


def service():
    """Return the credentials use cases of the running app."""
    return current_app.extensions["puente.credentials"]


def language(offered=CONTENT_LANGS) -> str:
    """Return the caller's language from Accept-Language."""
    return request.accept_languages.best_match(offered, default="en")


def present(c: Credential) -> dict:
    """Return the representation of a credential, with the assessment in the caller's language."""
    lang, taxonomy = language(), current_app.extensions["puente.taxonomy"]
    out = {**c.__dict__, "evidence": c.evidence.__dict__, "history": [h.__dict__ for h in c.history],
           "assessment": None}
    a = c.assessment
    if a is not None:
        def occupations(codes):
            return [{"code": code, "label": taxonomy.label(code, lang)} for code in codes]

        out["assessment"] = {
            **a.__dict__, "guidance": GUIDANCE[lang], "typical_weeks": list(a.weeks) if a.weeks else None,
            "cost_band": a.cost, "occupations_now": occupations(a.occupations_now),
            "occupations_after_recognition": occupations(a.occupations_after_recognition),
            "occupations_later": occupations(a.occupations_later),
            "next_steps": [{"code": s.code, "text": s.text[lang], "texts": s.text} for s in a.steps],
            "sources": [s.__dict__ for s in a.sources]}
    return out


def etag(c: Credential) -> dict:
    """Return the ETag header of a credential's version."""
    return {"ETag": f'"{c.version}"'}


def encode_cursor(after) -> str:
    return base64.urlsafe_b64encode(json.dumps(after).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None):
    """Return the (declared_at, id) a cursor names, or raise DomainError."""
    if not cursor:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        datetime.fromisoformat(value[0])
    except (binascii.Error, ValueError, UnicodeDecodeError, TypeError, KeyError, IndexError):
        raise DomainError("bad_cursor", "/cursor") from None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
        raise DomainError("bad_cursor", "/cursor")
    return tuple(value)


@blp.post("")
@blp.arguments(DeclareSchema)
@blp.response(201, CredentialOut)
@blp.doc(security=[{"bearerAuth": []}])
@requires("counsellor")
def declare_credential(body):
    """Declare a credential for a person of the counsellor's centre."""
    evidence = body.pop("evidence") or {}
    evidence["partial_documents"] = tuple(evidence.get("partial_documents", ()))
    if evidence.get("interview_date"):
        evidence["interview_date"] = evidence["interview_date"].isoformat()
    c = service().declare(g.principal, documents=tuple(body.pop("documents")),
                          accreditations=tuple(body.pop("accreditations")), evidence=Evidence(**evidence), **body)
    return present(c), 201, {**etag(c), "Location": url_for("credentials.get_credential", credential_id=c.id)}


@blp.get("")
@blp.arguments(ListArgs, location="query")
@blp.response(200, CredentialPage)
@blp.doc(security=[{"bearerAuth": []}])
@requires("counsellor")
def list_credentials(args):
    """List a person's credentials held by the counsellor's centre (cursor pagination, oldest first)."""
    page = service().list_for_profile(g.principal, args["profile_id"], decode_cursor(args["cursor"]), args["limit"])
    next_cursor = encode_cursor(page.next_after) if page.next_after else None
    headers = {}
    if next_cursor:
        link = url_for("credentials.list_credentials", profile_id=args["profile_id"], limit=args["limit"],
                       cursor=next_cursor)
        headers["Link"] = f'<{link}>; rel="next"'
    return {"items": [present(c) for c in page.items], "next_cursor": next_cursor}, 200, headers


@blp.get("/<uuid:credential_id>")
@blp.response(200, CredentialOut)
@blp.doc(security=[{"bearerAuth": []}])
@requires("counsellor")
def get_credential(credential_id):
    """Return one credential, its latest assessment and its history."""
    c = service().get(g.principal, str(credential_id))
    return present(c), 200, etag(c)


@blp.post("/<uuid:credential_id>/assessments")
@blp.arguments(AssessSchema)
@blp.response(200, CredentialOut)
@blp.doc(security=[{"bearerAuth": []}])
@requires("counsellor")
def assess_credential(body, credential_id):
    """Assess the credential for a destination country; the outcome is guidance with sources and dates."""
    c = service().assess(g.principal, str(credential_id), body["destination"])
    return present(c), 200, etag(c)


@blp.post("/<uuid:credential_id>/status")
@blp.arguments(StatusSchema)
@blp.response(200, CredentialOut)
@blp.doc(security=[{"bearerAuth": []}], parameters=[{"in": "header", "name": "If-Match", "required": True,
                                                     "schema": {"type": "string"}}])
@requires("counsellor")
def change_status(body, credential_id):
    """Move the credential along the workflow; send the ETag you read as If-Match."""
    if_match = request.headers.get("If-Match")
    if not if_match:
        from flask_smorest import abort
        abort(428, message="Send If-Match with the ETag of the credential you read.")
    try:
        expected = int(if_match.strip().removeprefix("W/").strip('"'))
    except ValueError:
        expected = -1
    c = service().change_status(g.principal, str(credential_id), body["status"], body["note"], expected)
    return present(c), 200, etag(c)

