"""HTTP views of the vacancies service: thin (load -> use case -> dump)."""

from __future__ import annotations

import json

from flask import Response, current_app, g, render_template, request, url_for
from flask_smorest import Blueprint

from services.vacancies import feed, jobpage
from services.vacancies.domain.gate import GateResult
from services.vacancies.domain.jobposting import to_jobposting
from services.vacancies.domain.messages import finding_message
from services.vacancies.domain.model import Vacancy, status_for
from services.vacancies.schemas import (
    BulkOut,
    CheckOut,
    CloseIn,
    EmployerIn,
    EmployerOut,
    ListArgs,
    MinimumWageOut,
    OccupationArgs,
    OccupationsOut,
    ReviewIn,
    VacancyIn,
    VacancyOut,
    VacancyPage,
    VacancyPatch,
)
from services.vacancies.usecases import VacancyService
from shared.auth import requires
from shared.http import IF_MATCH_DOC, etag, if_match_version, language
from shared.idempotency import idempotent

SERVICE_KEY = "vacancies.service"
vacancies = Blueprint("vacancies", __name__, url_prefix="/api/v1/vacancies", description="Vacancies and the gate")
employers = Blueprint("employers", __name__, url_prefix="/api/v1/employers", description="Employing organisations")
public = Blueprint("jobs", __name__, url_prefix="/jobs", description="Public job pages (schema.org JobPosting)",
                   template_folder="templates")
SECURED = {"security": [{"bearerAuth": []}]}


def service() -> VacancyService:
    """Return the use cases of the running app."""
    return current_app.extensions[SERVICE_KEY]


def findings_out(findings) -> list[dict]:
    """Return findings as a person reads them, in the caller's language."""
    lang = language()
    out = []
    for f in findings:
        item = {"code": f.code, "field": f.field, "severity": f.severity,
                "message": finding_message(f.code, f.params, lang)}
        if "evidence" in f.params:
            item["evidence"] = f.params["evidence"]
        out.append(item)
    return out


def vacancy_out(v: Vacancy, suggestions=(), names: dict[str, str] | None = None) -> dict:
    """Return the API view of a vacancy; ``names`` keeps employers' names already read for a list."""
    names = {} if names is None else names
    if v.employer_id not in names:
        names[v.employer_id] = service().employer_name(v)
    body = {**v.draft.to_dict(), "start_date": v.draft.start_date, "closing_date": v.draft.closing_date,
            "id": v.id, "employer_id": v.employer_id, "employer_name": names[v.employer_id], "status": v.status,
            "findings": findings_out(v.findings), "version": v.version, "created_at": v.created_at,
            "updated_at": v.updated_at, "published_at": v.published_at, "closed_at": v.closed_at,
            "close_reason": v.close_reason, "monthly_equivalent": v.monthly_equivalent,
            "reviews": [r.__dict__ for r in v.reviews] if g.principal.role == "admin" or
            g.principal.org == v.employer_id else []}
    if suggestions:
        body["occupation_suggestions"] = [s.__dict__ for s in suggestions]
    if v.is_open:
        body["url"] = url_for("jobs.page", vacancy_id=v.id, _external=True)
    return body


def etag_header(v: Vacancy) -> dict[str, str]:
    """Return the ETag header of a vacancy's version."""
    return {"ETag": etag(v.version)}


@vacancies.post("")
@idempotent
@vacancies.arguments(VacancyIn)
@vacancies.response(201, VacancyOut)
@vacancies.doc(**SECURED)
@requires("employer", "ministry")
def create(body):
    """Post a vacancy; the decent-work gate publishes it, publishes it with warnings, or holds it."""
    outcome = service().create(g.principal, body)
    return vacancy_out(outcome.vacancy, outcome.suggestions), 201, {
        **etag_header(outcome.vacancy), "Location": url_for("vacancies.read", vacancy_id=outcome.vacancy.id)}


@vacancies.get("")
@vacancies.arguments(ListArgs, location="query")
@vacancies.response(200, VacancyPage)
@vacancies.doc(**SECURED)
@requires()
def list_(args):
    """List vacancies: an employer sees its own; others see published ones, and with ``employer`` set to their
    own organisation (a ministry's feed) its vacancies in every status; admins see all."""
    page = service().list(g.principal, **args)
    headers = {}
    if page.next_cursor:
        next_url = url_for("vacancies.list_", _external=True, **{**args, "cursor": page.next_cursor})
        headers["Link"] = f'<{next_url}>; rel="next"'
    names: dict[str, str] = {}
    return {"items": [vacancy_out(v, names=names) for v in page.items], "next_cursor": page.next_cursor}, 200, headers


@vacancies.post("/check")
@vacancies.arguments(VacancyIn)
@vacancies.response(200, CheckOut)
@vacancies.doc(**SECURED)
@requires("employer", "ministry", "admin", "counsellor")
def check(body):
    """Run the gate on a draft without storing it: findings and the pay set against the minimum wage."""
    checked = service().check(body)
    return check_out(checked.result, checked.suggestions)


def check_out(result: GateResult, suggestions) -> dict:
    """Return the API view of a gate run."""
    return {"status": status_for(result.findings), "findings": findings_out(result.findings),
            # The response schema formats the date itself.
            "pay_check": {**result.pay_check.to_dict(), "effective_date": result.pay_check.effective_date}
            if result.pay_check else None,
            "occupation_suggestions": [s.__dict__ for s in suggestions]}


@vacancies.get("/minimum-wages/<country>")
@vacancies.response(200, MinimumWageOut)
def minimum_wage(country):
    """Return a country's minimum wage, weekly-hours limit and pay conversion in force today."""
    wage = service().minimum_wage(country)
    return {**wage.__dict__, "conversion": wage.conversion.__dict__}


@vacancies.get("/occupations")
@vacancies.arguments(OccupationArgs, location="query")
@vacancies.response(200, OccupationsOut)
def occupations(args):
    """Suggest ISCO-08 occupations for a job title as it is typed."""
    return {"items": [s.__dict__ for s in service().suggest_occupations(args["q"], args["lang"], args["limit"])]}


@vacancies.get("/feed.jsonld")
@vacancies.doc(responses={"200": {"description": "A schema.org ItemList of JobPostings", "content": {
    "application/ld+json": {"schema": {"type": "object"}}}}})
def jobposting_feed():
    """Return published vacancies as a JSON-LD list of schema.org JobPostings (public; ?cursor= pages on)."""
    page = service().list(None, limit=100, cursor=request.args.get("cursor"), public=True)
    doc = {"@context": "https://schema.org/", "@graph": [_jobposting(v) for v in page.items]}
    if page.next_cursor:
        doc["next"] = url_for("vacancies.jobposting_feed", cursor=page.next_cursor, _external=True)
    return Response(json.dumps(doc, ensure_ascii=False, default=str), mimetype="application/ld+json",
                    headers=jobpage.FEED_HEADERS)


BULK_BODY = {"required": True, "content": {
    "application/x-ndjson": {"schema": {"type": "string"}}, "text/csv": {"schema": {"type": "string"}},
    # An array of rows (a row that is not a vacancy is reported in its own result), or one JobPosting or @graph.
    "application/json": {"schema": {"oneOf": [{"type": "array", "items": {}}, {"type": "object"}]}}}}


@vacancies.post("/bulk")
@idempotent
@vacancies.response(200, BulkOut)
@vacancies.doc(**SECURED, requestBody=BULK_BODY)
@requires("employer", "ministry")
def bulk():
    """Submit many vacancies (JSON Lines, CSV or a JSON array of JobPostings); each row gets its own result."""
    body = request.get_data()
    if request.mimetype == "application/json":
        feed.refuse_unusable_json(body)
    results = service().bulk(g.principal, feed.rows(body, request.content_type or ""))
    rows = [{**r.__dict__, "findings": findings_out(r.findings)} for r in results]
    counts = feed.outcome_counts(results)
    return {"total": len(results), "created": counts["created"], "updated": counts["updated"],
            "unchanged": counts["unchanged"], "errors": counts["error"], "rows": rows}


@vacancies.get("/<vacancy_id>")
@vacancies.response(200, VacancyOut)
@vacancies.doc(**SECURED)
@requires()
def read(vacancy_id):
    """Return one vacancy."""
    v = service().get(g.principal, vacancy_id)
    return vacancy_out(v), 200, etag_header(v)


@vacancies.patch("/<vacancy_id>")
@vacancies.arguments(VacancyPatch(partial=True))
@vacancies.response(200, VacancyOut)
@vacancies.doc(**SECURED, parameters=IF_MATCH_DOC)
@requires("employer", "ministry", "admin")
def patch(changes, vacancy_id):
    """Change a vacancy (send If-Match with its ETag); the gate judges it again."""
    outcome = service().update(g.principal, vacancy_id, changes, if_match_version())
    return vacancy_out(outcome.vacancy, outcome.suggestions), 200, etag_header(outcome.vacancy)


@vacancies.post("/<vacancy_id>/close")
@vacancies.arguments(CloseIn)
@vacancies.response(200, VacancyOut)
@vacancies.doc(**SECURED)
@requires("employer", "ministry", "admin")
def close(body, vacancy_id):
    """Close a vacancy because it was filled or withdrawn."""
    v = service().close(g.principal, vacancy_id, body["reason"])
    return vacancy_out(v), 200, etag_header(v)


@vacancies.post("/<vacancy_id>/review")
@vacancies.arguments(ReviewIn)
@vacancies.response(200, VacancyOut)
@vacancies.doc(**SECURED)
@requires("admin")
def review(body, vacancy_id):
    """Release or reject a held vacancy (administrators); the decision is recorded with who and when."""
    v = service().review(g.principal, vacancy_id, body["decision"], body["note"])
    return vacancy_out(v), 200, etag_header(v)


@employers.post("")
@idempotent
@employers.arguments(EmployerIn)
@employers.response(201, EmployerOut)
@employers.doc(**SECURED)
@requires("employer")
def register(body):
    """Register the caller's own organisation as an employer."""
    employer = service().register_employer(g.principal, body)
    return employer.__dict__, 201, {"Location": url_for("employers.employer", org_id=employer.org_id)}


@employers.get("/<org_id>")
@employers.response(200, EmployerOut)
@employers.doc(**SECURED)
@requires()
def employer(org_id):
    """Return an employer's record: to its own organisation and administrators; 404 for anyone else."""
    return service().get_employer(g.principal, org_id).__dict__


def _jobposting(v: Vacancy, employer_name: str | None = None) -> dict:
    name = employer_name if employer_name is not None else service().employer_name(v)
    return to_jobposting(v, name, url_for("jobs.page", vacancy_id=v.id, _external=True))


@public.get("/<vacancy_id>")
def page(vacancy_id):
    """Return the public page of a published vacancy in its language (``?lang=`` es, pt, en or fr for another),
    with how to apply and its schema.org JobPosting JSON-LD."""
    v = service().get_public(vacancy_id)
    employer_name = service().employer_name(v)
    # '<' escaped so a description can never close the script element.
    jsonld = json.dumps(_jobposting(v, employer_name), ensure_ascii=False, default=str).replace("<", "\\u003c")
    lang = jobpage.page_language(request.args.get("lang"), v.draft.language, language())
    html = render_template("vacancies/job.html", **jobpage.context(
        v, employer_name, lang, jsonld, lambda code: url_for("jobs.page", vacancy_id=v.id, lang=code)))
    return html, 200, {**jobpage.PAGE_HEADERS, "Content-Language": lang, "Vary": "Accept-Language, Cookie"}


__all__ = ["SERVICE_KEY", "employers", "public", "vacancies"]
