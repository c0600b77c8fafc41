"""The profiles REST API: thin views (load -> use case -> dump); shared.http renders the use cases' refusals."""

from __future__ import annotations

import dataclasses
from urllib.parse import urlencode

from flask import current_app, g, request
from flask_smorest import Blueprint

from services.profiles.domain.access import DEFAULT_PURPOSES, PURPOSE_HEADER, PURPOSES
from services.profiles.domain.duplicates import DuplicateMatch
from services.profiles.domain.messages import DUPLICATE_WARNINGS
from services.profiles.domain.model import Actor, Profile, ProfileDetails, from_plain
from services.profiles.ports import AccessFilters, ListFilters, PlacementFilters
from services.profiles.schemas import (
    AccessArgs,
    AccessPage,
    IntroducedOut,
    IntroducedPage,
    IntroductionArgs,
    IntroductionIn,
    ListArgs,
    MergeIn,
    PageArgs,
    PlacementArgs,
    PlacementIn,
    PlacementOut,
    PlacementPage,
    ProfileCreated,
    ProfileIn,
    ProfileOut,
    ProfilePage,
    RequestIn,
    RequestOut,
    RequestPage,
    StageIn,
    SuggestIn,
    Suggestions,
)
from services.profiles.usecases import (
    COUNSELLOR,
    IntroducedPerson,
    PlacementService,
    PlacementView,
    ProfileService,
    RequestView,
)
from shared.auth import requires
from shared.errors import Conflict, PreconditionFailed
from shared.http import etag, extra_parameters, if_match_version, language
from shared.i18n import translate
from shared.idempotency import idempotent
from shared.pagination import Page

blp = Blueprint("profiles", __name__, url_prefix="/api/v1/profiles",
                description="Migrants' skill profiles, kept by their orientation centre")
placements_blp = Blueprint("placements", __name__, url_prefix="/api/v1/placements",
                           description="The pipeline: a person put forward for a vacancy, step by step")
introductions_blp = Blueprint("introductions", __name__, url_prefix="/api/v1/introductions",
                              description="People introduced to an employer, each with their consent")
requests_blp = Blueprint("introduction-requests", __name__, url_prefix="/api/v1/introduction-requests",
                         description="Employers asking a centre to introduce a candidate")
access_blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit",
                       description="Who read which person's identifying fields, when and why (admins only)")
BLUEPRINTS = (blp, placements_blp, introductions_blp, requests_blp, access_blp)
SECURITY = [{"bearerAuth": []}]
SERVICE_KEY = "puente.profiles"
PLACEMENTS_KEY = "puente.placements"
NO_VERSION = -1  # what an If-Match naming no version holds: it matches none
IF_MATCH_DOC = [{"in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"},
                 "description": "The ETag you read"}]
PURPOSE_DOC = [{"in": "header", "name": PURPOSE_HEADER, "required": False,
                "schema": {"type": "string", "enum": list(PURPOSES)},
                "description": "Why you read this person's data; recorded with the read in the access log (GET "
                               "/api/v1/audit). Without it: " + ", ".join(f"{purpose} for {role}s" for role, purpose
                                                                          in DEFAULT_PURPOSES.items()) + "."}]


def service() -> ProfileService:
    """Return the profiles use cases of the running app."""
    return current_app.extensions[SERVICE_KEY]


def placements() -> PlacementService:
    """Return the pipeline use cases of the running app."""
    return current_app.extensions[PLACEMENTS_KEY]


def actor() -> Actor:
    """Return the caller as the domain sees it."""
    p = g.principal
    return Actor(p.subject, p.role, p.org)


def purpose() -> str | None:
    """Return the purpose the caller gives for reading a person's data (None: their role's default)."""
    return request.headers.get(PURPOSE_HEADER)


def split_input(body: dict) -> tuple[ProfileDetails, dict[str, bool]]:
    """Return the loaded body as domain details and consent answers."""
    body = dict(body)
    consents = body.pop("consents")
    return from_plain(ProfileDetails, body), consents


def profile_view(profile: Profile, redacted: bool) -> dict:
    """Return a profile as the output schema reads it."""
    details = {f.name: getattr(profile.details, f.name) for f in dataclasses.fields(profile.details)}
    return {**details, "id": profile.id, "centre": profile.centre, "version": profile.version,
            "created_at": profile.created_at, "updated_at": profile.updated_at, "redacted": redacted,
            "consents": profile.consents, "consent_history": profile.consent_history}


def warning_view(match: DuplicateMatch, lang: str) -> dict:
    """Return a duplicate warning; another centre's profile is never identified."""
    scope = "this_centre" if match.same_centre else "other_centre"
    out = {"code": "possible_duplicate", "scope": scope, "reasons": list(match.reasons),
           "message": translate(DUPLICATE_WARNINGS[scope], lang)}
    if match.same_centre:
        out["profile_id"] = match.profile_id
    return out


def etag_header(profile: Profile) -> dict[str, str]:
    """Return the ETag header of a profile's version."""
    return {"ETag": etag(profile.version)}


def link_header(page: Page) -> dict[str, str]:
    """Return the Link header to the next page (none on the last)."""
    if not page.next_cursor:
        return {}
    query = {**{k: v for k, v in request.args.items() if k != "cursor"}, "cursor": page.next_cursor}
    return {"Link": f'<{request.path}?{urlencode(query)}>; rel="next"'}


def expected_version() -> int:
    """Return the version If-Match names (428 when it is missing).

    One that names no version matches none: the use case then answers 412 with the current ETag, after
    the checks that come first (the body's rules, whether the profile exists), as this API always has.
    """
    try:
        return if_match_version()
    except PreconditionFailed:
        return NO_VERSION


@blp.post("")
@idempotent
@blp.arguments(ProfileIn)
@blp.response(201, ProfileCreated)
@blp.doc(security=SECURITY)
@requires("counsellor")
def create_profile(body):
    """Register a person in the caller's centre; likely duplicates come back as warnings."""
    details, consents = split_input(body)
    created = service().create(actor(), details, consents)
    lang = language()
    out = {**profile_view(created.profile, False), "warnings": []}
    for match in created.duplicates:
        warning = warning_view(match, lang)
        if match.same_centre:
            warning["merge"] = f"{blp.url_prefix}/{created.profile.id}/merge"
        out["warnings"].append(warning)
    return out, 201, {**etag_header(created.profile), "Location": f"{blp.url_prefix}/{created.profile.id}"}


@blp.get("")
@blp.arguments(ListArgs, location="query")
@blp.response(200, ProfilePage)
@blp.doc(security=SECURITY, **extra_parameters(*PURPOSE_DOC))
@requires("counsellor")
def list_profiles(args):
    """List the caller's centre's profiles, oldest first, with filters and cursor pagination (each listed person's
    names read is recorded in the access log)."""
    limit, cursor = args.pop("limit"), args.pop("cursor", None)
    page = service().list(actor(), ListFilters(**args), limit, cursor, purpose())
    items = []
    for listed in page.items:
        p, d = listed.profile, listed.profile.details
        occupations = [j.occupation for j in d.experience if j.occupation] + d.desired_occupations
        items.append({"id": p.id, "given_names": d.identity.given_names, "family_names": d.identity.family_names,
                      "country": d.location.country, "city": d.location.city,
                      "occupations": list(dict.fromkeys(occupations)), "skills": d.skills,
                      "availability": d.availability, "matching": p.consents_to("matching"),
                      "version": p.version, "updated_at": p.updated_at,
                      "last_contact_at": listed.last_contact_at, "latest_stage": listed.latest_stage})
    return {"items": items, "next_cursor": page.next_cursor}, 200, link_header(page)


@blp.post("/suggestions")
@blp.arguments(SuggestIn)
@blp.response(200, Suggestions)
@blp.doc(security=SECURITY)
@requires("counsellor")
def suggest(body):
    """Suggest taxonomy skills or occupations for free text, for the counsellor to confirm."""
    found = service().suggest(actor(), body["text"], body["lang"], body["kind"], body["limit"])
    return {"items": [dataclasses.asdict(s) for s in found]}


@blp.get("/<profile_id>")
@blp.response(200, ProfileOut)
@blp.doc(security=SECURITY, **extra_parameters(*PURPOSE_DOC))
@requires("counsellor", "admin")
def get_profile(profile_id):
    """Read a profile; sensitive fields only for the owning centre's counsellors. The read is recorded in the access
    log with its purpose."""
    caller = actor()
    profile = service().get(caller, profile_id, purpose())
    return profile_view(profile, not service().shows_sensitive(caller, profile)), 200, etag_header(profile)


@blp.put("/<profile_id>")
@blp.arguments(ProfileIn)
@blp.response(200, ProfileOut)
@blp.doc(security=SECURITY, parameters=IF_MATCH_DOC)
@requires("counsellor")
def update_profile(body, profile_id):
    """Replace a profile's details and consents (If-Match required); publishes or withdraws as consent says."""
    details, consents = split_input(body)
    profile = service().update(actor(), profile_id, details, consents, expected_version())
    return profile_view(profile, False), 200, etag_header(profile)


@blp.delete("/<profile_id>")
@blp.response(204)
@blp.doc(security=SECURITY)
@requires("counsellor", "admin")
def erase_profile(profile_id):
    """Erase the person's data from Puente (rows deleted, withdrawal announced, tombstone written)."""
    service().erase(actor(), profile_id)
    return "", 204


@blp.post("/<profile_id>/merge")
@blp.arguments(MergeIn)
@blp.response(200, ProfileOut)
@blp.doc(security=SECURITY)
@requires("counsellor")
def merge_profiles(body, profile_id):
    """Fold a duplicate of the same centre into this profile and erase the duplicate."""
    profile = service().merge(actor(), profile_id, body["other_id"])
    return profile_view(profile, False), 200, etag_header(profile)


# --- placements --------------------------------------------------------------------------------------------

def placement_view(view: PlacementView) -> dict:
    """Return a placement as the output schema reads it."""
    p, v = view.placement, view.vacancy
    return {"id": p.id, "profile_id": p.profile_id, "vacancy_id": p.vacancy_id,
            "vacancy_title": v.title if v else None, "employer_org": v.employer_org if v else None,
            "stage": p.stage, "history": [dataclasses.asdict(s) for s in p.history], "version": p.version,
            "created_at": p.created_at, "updated_at": p.updated_at}


def placement_headers(view: PlacementView) -> dict[str, str]:
    """Return the ETag and Location headers of a placement."""
    return {"ETag": etag(view.placement.version),
            "Location": f"{placements_blp.url_prefix}/{view.placement.id}"}


@placements_blp.post("")
@placements_blp.arguments(PlacementIn)
@placements_blp.response(201, PlacementOut)
@placements_blp.doc(security=SECURITY, responses={"409": {"description": "The person already has a placement for "
                                                                         "this vacancy (Location names it), or the "
                                                                         "vacancy is not open"}})
@requires("counsellor")
def create_placement(body):
    """Put a person of the caller's centre forward for an open vacancy (stage proposed)."""
    try:
        view = placements().propose(actor(), body["profile_id"], body["vacancy_id"], body["note"])
    except Conflict as exc:
        if "placement_id" in exc.params:
            exc.headers["Location"] = f"{placements_blp.url_prefix}/{exc.params['placement_id']}"
        raise
    return placement_view(view), 201, placement_headers(view)


@placements_blp.get("")
@placements_blp.arguments(PlacementArgs, location="query")
@placements_blp.response(200, PlacementPage)
@placements_blp.doc(security=SECURITY)
@requires("counsellor")
def list_placements(args):
    """List the caller's centre's placements, oldest first, with filters and cursor pagination."""
    limit, cursor = args.pop("limit"), args.pop("cursor", None)
    page = placements().list(actor(), PlacementFilters(**args), limit, cursor)
    return {"items": [placement_view(v) for v in page.items], "next_cursor": page.next_cursor}, 200, \
        link_header(page)


@placements_blp.get("/<placement_id>")
@placements_blp.response(200, PlacementOut)
@placements_blp.doc(security=SECURITY)
@requires("counsellor")
def get_placement(placement_id):
    """Read a placement of the caller's centre, with its history."""
    view = placements().get(actor(), placement_id)
    return placement_view(view), 200, {"ETag": etag(view.placement.version)}


@placements_blp.post("/<placement_id>/stages")
@placements_blp.arguments(StageIn)
@placements_blp.response(200, PlacementOut)
@placements_blp.doc(security=SECURITY, parameters=IF_MATCH_DOC, responses={
    "409": {"description": "The pipeline does not allow this move ('introduced' only through /introductions)"}})
@requires("counsellor")
def move_placement(body, placement_id):
    """Record the placement's next stage, with the day it happened and a note for the centre (If-Match)."""
    view = placements().move(actor(), placement_id, body["stage"], expected_version(), note=body["note"],
                             on=body["on"])
    return placement_view(view), 200, {"ETag": etag(view.placement.version)}


# --- introductions -----------------------------------------------------------------------------------------

def introduced_person_view(person: IntroducedPerson, for_centre: bool) -> dict:
    """Return an introduced person; the consent's details only for their own centre."""
    i, ident = person.introduction, person.identity
    out = {"id": i.id, "placement_id": i.placement_id, "profile_id": i.profile_id, "vacancy_id": i.vacancy_id,
           "stage": person.stage, "consented_at": i.consented_at, "given_names": ident.given_names,
           "family_names": ident.family_names, "phone": ident.phone, "whatsapp": ident.whatsapp,
           "email": ident.email, "languages": [dataclasses.asdict(lang) for lang in person.languages]}
    if for_centre:
        out["consent"] = {"language": i.consent.language, "read_aloud": i.consent.read_aloud,
                          "recorded_by": i.consent.recorded_by}
    return out


@introductions_blp.post("")
@introductions_blp.arguments(IntroductionIn)
@introductions_blp.response(201, IntroducedOut)
@introductions_blp.doc(security=SECURITY, responses={
    "409": {"description": "The vacancy is not open, the profile refuses introductions, or the placement is past "
                           "proposed"}})
@requires("counsellor")
def introduce(body):
    """Record the person's consent to share their name and contact with the vacancy's employer, and introduce them
    (the placement moves to, or starts at, introduced)."""
    consent = body["consent"]
    done = placements().introduce(actor(), body["profile_id"], body["vacancy_id"], given=consent["given"],
                                  language=consent["language"], read_aloud=consent["read_aloud"])
    i = done.introduction
    out = {"placement": placement_view(done.placement),
           "introduction": {"id": i.id, "vacancy_id": i.vacancy_id, "employer_org": i.employer_org,
                            "consented_at": i.consented_at}}
    return out, 201, placement_headers(done.placement)


@introductions_blp.get("")
@introductions_blp.arguments(IntroductionArgs, location="query")
@introductions_blp.response(200, IntroducedPage)
@introductions_blp.doc(security=SECURITY, **extra_parameters(*PURPOSE_DOC))
@requires("counsellor", "employer")
def list_introductions(args):
    """List the people introduced for a vacancy: to its employer, with their names and contact; to a counsellor,
    their own centre's. Each person shown is recorded in the access log."""
    caller = actor()
    page = placements().introductions(caller, args["vacancy_id"], args["limit"], args.get("cursor"), purpose())
    items = [introduced_person_view(p, caller.role == COUNSELLOR) for p in page.items]
    return {"items": items, "next_cursor": page.next_cursor}, 200, link_header(page)


# --- introduction requests ---------------------------------------------------------------------------------

def request_view(view: RequestView) -> dict:
    """Return an introduction request; the person's names only when the caller is their centre."""
    r, v = view.request, view.vacancy
    out = {"id": r.id, "vacancy_id": r.vacancy_id, "vacancy_title": v.title if v else None,
           "employer_org": r.employer_org, "candidate": r.profile_id, "status": r.status,
           "requested_at": r.requested_at, "closed_at": r.closed_at}
    if view.identity is not None:
        out["given_names"], out["family_names"] = view.identity.given_names, view.identity.family_names
    return out


@requests_blp.post("")
@requests_blp.arguments(RequestIn)
@requests_blp.response(202, RequestOut)
@requests_blp.doc(security=SECURITY)
@requires("employer")
def request_introduction(body):
    """Ask the candidate's centre to introduce them for one of the caller's open vacancies."""
    return request_view(placements().request_introduction(actor(), body["vacancy_id"], body["candidate"])), 202


@requests_blp.get("")
@requests_blp.arguments(PageArgs, location="query")
@requests_blp.response(200, RequestPage)
@requests_blp.doc(security=SECURITY, **extra_parameters(*PURPOSE_DOC))
@requires("counsellor", "employer")
def list_introduction_requests(args):
    """List a counsellor's queue (their centre's open requests, each person named recorded in the access log) or an
    employer's own requests."""
    page = placements().introduction_requests(actor(), args["limit"], args.get("cursor"), purpose())
    return {"items": [request_view(v) for v in page.items], "next_cursor": page.next_cursor}, 200, link_header(page)


# --- the access log ----------------------------------------------------------------------------------------

@access_blp.get("")
@access_blp.arguments(AccessArgs, location="query")
@access_blp.response(200, AccessPage)
@access_blp.doc(security=SECURITY)
@requires("admin")
def read_access_log(args):
    """List the reads of people's identifying fields, oldest first: who, when, which person (pseudonymous id) and
    why; filter by person, reader and time. Records stay after the person is erased."""
    filters = AccessFilters(args.get("profile_id"), args.get("actor"), args.get("since"))
    page = service().access_log(actor(), filters, args["limit"], args.get("cursor"))
    items = [{"id": r.seq, "at": r.at, "actor": r.actor, "actor_role": r.actor_role, "actor_org": r.actor_org,
              "profile_id": r.profile_id, "action": r.action, "purpose": r.purpose} for r in page.items]
    return {"items": items, "next_cursor": page.next_cursor}, 200, link_header(page)
