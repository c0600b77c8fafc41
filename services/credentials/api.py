"""REST API of the credentials service: thin views (load -> use case -> dump); outcomes are guidance."""

from __future__ import annotations

from datetime import date

from flask import current_app, g, url_for
from flask_smorest import Blueprint

from services.credentials.domain.messages import GUIDANCE
from services.credentials.domain.model import Credential
from services.credentials.schemas import (
    AssessSchema,
    CredentialOut,
    CredentialPage,
    DeclareSchema,
    ListArgs,
    StatusSchema,
)
from shared.auth import requires
from shared.http import etag, if_match_version, language
from shared.i18n import translate
from shared.idempotency import idempotent

blp = Blueprint("credentials", __name__, url_prefix="/api/v1/credentials",
                description="Foreign credentials and their recognition, as guidance for counsellors")


def service():
    """Return the credentials use cases of the running app."""
    return current_app.extensions["puente.credentials"]


def present(c: Credential) -> dict:
    """Return the representation of a credential, with the assessment in the caller's language."""
    lang, taxonomy = language(), current_app.extensions["puente.taxonomy"]
    interviewed = c.evidence.interview_date  # kept as an ISO string; the schema dumps a date
    evidence = {**c.evidence.__dict__, "interview_date": date.fromisoformat(interviewed) if interviewed else None}
    out = {**c.__dict__, "evidence": evidence, "history": [h.__dict__ for h in c.history], "assessment": None}
    a = c.assessment
    if a is not None:
        def occupations(codes):
            return [{"code": code, "label": taxonomy.label(code, lang)} for code in codes]

        out["assessment"] = {
            **a.__dict__, "guidance": translate(GUIDANCE, lang), "typical_weeks": list(a.weeks) if a.weeks else None,
            "cost_band": a.cost, "occupations_now": occupations(a.occupations_now),
            "occupations_after_recognition": occupations(a.occupations_after_recognition),
            "occupations_later": occupations(a.occupations_later),
            "next_steps": [{"code": s.code, "text": s.text[lang], "texts": s.text} for s in a.steps],
            "sources": [s.__dict__ for s in a.sources]}
    return out


def etag_header(c: Credential) -> dict[str, str]:
    """Return the ETag header of a credential's version."""
    return {"ETag": etag(c.version)}


@blp.post("")
@idempotent
@blp.arguments(DeclareSchema)
@blp.response(201, CredentialOut)
@blp.doc(security=[{"bearerAuth": []}])
@requires("counsellor")
def declare_credential(body):
    """Declare a credential for a person of the counsellor's centre."""
    c = service().declare(g.principal, **body)
    return present(c), 201, {**etag_header(c), "Location": url_for("credentials.get_credential", credential_id=c.id)}


@blp.get("")
@blp.arguments(ListArgs, location="query")
@blp.response(200, CredentialPage)
@blp.doc(security=[{"bearerAuth": []}])
@requires("counsellor")
def list_credentials(args):
    """List a person's credentials held by the counsellor's centre (cursor pagination, oldest first)."""
    page = service().list_for_profile(g.principal, args["profile_id"], args["cursor"], args["limit"])
    headers = {}
    if page.next_cursor:
        link = url_for("credentials.list_credentials", profile_id=args["profile_id"], limit=args["limit"],
                       cursor=page.next_cursor)
        headers["Link"] = f'<{link}>; rel="next"'
    return {"items": [present(c) for c in page.items], "next_cursor": page.next_cursor}, 200, headers


@blp.get("/<uuid:credential_id>")
@blp.response(200, CredentialOut)
@blp.doc(security=[{"bearerAuth": []}])
@requires("counsellor")
def get_credential(credential_id):
    """Return one credential, its latest assessment and its history."""
    c = service().get(g.principal, str(credential_id))
    return present(c), 200, etag_header(c)


@blp.post("/<uuid:credential_id>/assessments")
@blp.arguments(AssessSchema)
@blp.response(200, CredentialOut)
@blp.doc(security=[{"bearerAuth": []}])
@requires("counsellor")
def assess_credential(body, credential_id):
    """Assess the credential for a destination country; the outcome is guidance with sources and dates."""
    c = service().assess(g.principal, str(credential_id), body["destination"])
    return present(c), 200, etag_header(c)


@blp.post("/<uuid:credential_id>/status")
@blp.arguments(StatusSchema)
@blp.response(200, CredentialOut)
@blp.doc(security=[{"bearerAuth": []}], parameters=[{"in": "header", "name": "If-Match", "required": True,
                                                     "schema": {"type": "string"}}])
@requires("counsellor")
def change_status(body, credential_id):
    """Move the credential along the workflow; send the ETag you read as If-Match."""
    expected = if_match_version()
    c = service().change_status(g.principal, str(credential_id), body["status"], body["note"], expected)
    return present(c), 200, etag_header(c)
