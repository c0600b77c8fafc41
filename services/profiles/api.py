"""The profiles REST API: thin views (load -> use case -> dump); shared.http renders the use cases' refusals."""

from __future__ import annotations

import dataclasses
from urllib.parse import urlencode

from flask import current_app, g, request
from flask_smorest import Blueprint

from services.profiles.domain.duplicates import DuplicateMatch
from services.profiles.domain.messages import DUPLICATE_WARNINGS
from services.profiles.domain.model import Actor, Profile, ProfileDetails, from_plain
from services.profiles.ports import ListFilters
from services.profiles.schemas import (
    ListArgs,
    MergeIn,
    ProfileCreated,
    ProfileIn,
    ProfileOut,
    ProfilePage,
    SuggestIn,
    Suggestions,
)
from services.profiles.usecases import ProfileService
from shared.auth import requires
from shared.errors import PreconditionFailed
from shared.http import etag, if_match_version, language
from shared.i18n import translate
from shared.idempotency import idempotent

blp = Blueprint("profiles", __name__, url_prefix="/api/v1/profiles",
                description="Migrants' skill profiles, kept by their orientation centre")
SECURITY = [{"bearerAuth": []}]
SERVICE_KEY = "puente.profiles"
NO_VERSION = -1  # what an If-Match naming no version holds: it matches none


def service() -> ProfileService:
    """Return the profiles use cases of the running app."""
    return current_app.extensions[SERVICE_KEY]


def actor() -> Actor:
    """Return the caller as the domain sees it."""
    p = g.principal
    return Actor(p.subject, p.role, p.org)


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
@blp.doc(security=SECURITY)
@requires("counsellor")
def list_profiles(args):
    """List the caller's centre's profiles, oldest first, with filters and cursor pagination."""
    limit, cursor = args.pop("limit"), args.pop("cursor", None)
    page = service().list(actor(), ListFilters(**args), limit, cursor)
    items = []
    for p in page.items:
        d = p.details
        occupations = [j.occupation for j in d.experience if j.occupation] + d.desired_occupations
        items.append({"id": p.id, "given_names": d.identity.given_names, "family_names": d.identity.family_names,
                      "country": d.location.country, "city": d.location.city,
                      "occupations": list(dict.fromkeys(occupations)), "skills": d.skills,
                      "availability": d.availability, "matching": p.consents_to("matching"),
                      "version": p.version, "updated_at": p.updated_at})
    headers = {}
    if page.next_cursor:
        query = {**{k: v for k, v in request.args.items() if k != "cursor"}, "cursor": page.next_cursor}
        headers["Link"] = f'<{request.path}?{urlencode(query)}>; rel="next"'
    return {"items": items, "next_cursor": page.next_cursor}, 200, headers


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
@blp.doc(security=SECURITY)
@requires("counsellor", "admin")
def get_profile(profile_id):
    """Read a profile; sensitive fields only for the owning centre's counsellors."""
    caller = actor()
    profile = service().get(caller, profile_id)
    return profile_view(profile, not service().shows_sensitive(caller, profile)), 200, etag_header(profile)


@blp.put("/<profile_id>")
@blp.arguments(ProfileIn)
@blp.response(200, ProfileOut)
@blp.doc(security=SECURITY, parameters=[{"in": "header", "name": "If-Match", "required": True,
                                         "schema": {"type": "string"}, "description": "The ETag you read"}])
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
