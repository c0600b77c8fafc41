"""One request per operation of every service's API and per portal page, as each role of the authorisation matrix
sends it: the body the owner of the thing would send, so that whatever refuses it is the authorisation.

Each builder takes the :class:`~tests.contract.world.World` and returns a :class:`Call`. A builder that changes or
destroys what it acts on makes a fresh thing first, so every cell of a row starts from the same state.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.contract.world import CREDENTIAL, EMPLOYER_RECORD, PROFILE, VACANCY, World


@dataclass
class Call:
    """One HTTP request."""

    method: str
    path: str
    json: object | None = None
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] | None = None  # pages: a form body; the CSRF token of the caller's session is added
    data: bytes | None = None  # a body sent as it is, with its Content-Type in headers


Builder = Callable[[World], Call]
API: dict[str, Builder] = {}
PAGES: dict[str, Builder] = {}


def api(key: str):
    """Register the builder of the API row ``key`` ("METHOD /path" or "METHOD /path [case]")."""

    def register(builder: Builder) -> Builder:
        API[key] = builder
        return builder

    return register


def page(key: str):
    """Register the builder of the page row ``key``."""

    def register(builder: Builder) -> Builder:
        PAGES[key] = builder
        return builder

    return register


def version(w: World, path: str) -> dict[str, str]:
    """Return the If-Match header naming the current version of what ``path`` reads (as an administrator or its
    owner reads it)."""
    for role in ("admin", "counsellor", "employer", "ministry"):
        response = w.call(role, "GET", path)
        if response.status_code == 200:
            return {"If-Match": response.headers["ETag"]}
    raise AssertionError(f"nobody reads {path}")


# -- vacancies ----------------------------------------------------------------------------------------------------
api("GET /jobs/{vacancy_id}")(lambda w: Call("GET", f"/jobs/{w.ids['vacancy']}"))
api("GET /jobs/{vacancy_id} [held]")(lambda w: Call("GET", f"/jobs/{w.ids['held_vacancy']}"))
api("GET /api/v1/vacancies/feed.jsonld")(lambda w: Call("GET", "/api/v1/vacancies/feed.jsonld"))
api("GET /api/v1/vacancies/minimum-wages/{country}")(lambda w: Call("GET", "/api/v1/vacancies/minimum-wages/PE"))
api("GET /api/v1/vacancies/occupations")(lambda w: Call("GET", "/api/v1/vacancies/occupations",
                                                         query={"q": "cocinero", "lang": "es"}))
api("POST /api/v1/vacancies/check")(lambda w: Call("POST", "/api/v1/vacancies/check", json=VACANCY))
api("POST /api/v1/vacancies")(lambda w: Call("POST", "/api/v1/vacancies", json=VACANCY))
api("POST /api/v1/vacancies/bulk")(lambda w: Call(
    "POST", "/api/v1/vacancies/bulk", data=json.dumps({**VACANCY, "external_id": secrets.token_hex(6)}).encode(),
    headers={"Content-Type": "application/x-ndjson"}))
api("GET /api/v1/vacancies")(lambda w: Call("GET", "/api/v1/vacancies"))
api("GET /api/v1/vacancies [held, by employer]")(lambda w: Call(
    "GET", "/api/v1/vacancies", query={"employer": "emp-andina", "status": "held"}))
api("GET /api/v1/vacancies/{vacancy_id}")(lambda w: Call("GET", f"/api/v1/vacancies/{w.ids['vacancy']}"))
api("GET /api/v1/vacancies/{vacancy_id} [held]")(lambda w: Call("GET", f"/api/v1/vacancies/{w.ids['held_vacancy']}"))
api("GET /api/v1/vacancies/{vacancy_id} [ministry's]")(lambda w: Call(
    "GET", f"/api/v1/vacancies/{w.ids['ministry_vacancy']}"))


@api("PATCH /api/v1/vacancies/{vacancy_id}")
def _patch_vacancy(w: World) -> Call:
    path = f"/api/v1/vacancies/{w.new_vacancy()}"
    return Call("PATCH", path, json={"openings": 3}, headers=version(w, path))


@api("PATCH /api/v1/vacancies/{vacancy_id} [ministry's]")
def _patch_ministry_vacancy(w: World) -> Call:
    path = f"/api/v1/vacancies/{w.new_vacancy(role='ministry')}"
    return Call("PATCH", path, json={"openings": 3}, headers=version(w, path))


api("POST /api/v1/vacancies/{vacancy_id}/close")(lambda w: Call(
    "POST", f"/api/v1/vacancies/{w.new_vacancy()}/close", json={"reason": "filled"}))
api("POST /api/v1/vacancies/{vacancy_id}/review")(lambda w: Call(
    "POST", f"/api/v1/vacancies/{w.new_vacancy(HELD)}/review", json={"decision": "release", "note": "checked"}))
HELD = {**VACANCY, "pay": {"amount": 300, "currency": "PEN", "period": "month"}}
api("POST /api/v1/employers")(lambda w: Call("POST", "/api/v1/employers", json=EMPLOYER_RECORD))
api("GET /api/v1/employers/{org_id}")(lambda w: Call("GET", "/api/v1/employers/emp-andina"))


# -- profiles -----------------------------------------------------------------------------------------------------
api("POST /api/v1/profiles")(lambda w: Call("POST", "/api/v1/profiles", json={
    **PROFILE, "identity": {"given_names": "Luis", "family_names": "Pérez"}}))
api("GET /api/v1/profiles")(lambda w: Call("GET", "/api/v1/profiles"))
api("POST /api/v1/profiles/suggestions")(lambda w: Call("POST", "/api/v1/profiles/suggestions",
                                                         json={"text": "cocina criolla", "lang": "es"}))
api("GET /api/v1/profiles/{profile_id}")(lambda w: Call("GET", f"/api/v1/profiles/{w.ids['profile']}"))


@api("PUT /api/v1/profiles/{profile_id}")
def _put_profile(w: World) -> Call:
    path = f"/api/v1/profiles/{w.ids['profile']}"
    return Call("PUT", path, json=PROFILE, headers=version(w, path))


api("DELETE /api/v1/profiles/{profile_id}")(lambda w: Call("DELETE", f"/api/v1/profiles/{w.new_profile()}"))
api("POST /api/v1/profiles/{profile_id}/merge")(lambda w: Call(
    "POST", f"/api/v1/profiles/{w.new_profile('Carla')}/merge", json={"other_id": w.new_profile('Carla')}))
api("POST /api/v1/placements")(lambda w: Call("POST", "/api/v1/placements", json={
    "profile_id": w.new_profile("Pedro"), "vacancy_id": w.ids["vacancy"]}))
api("GET /api/v1/placements")(lambda w: Call("GET", "/api/v1/placements"))
api("GET /api/v1/placements/{placement_id}")(lambda w: Call("GET", f"/api/v1/placements/{w.ids['placement']}"))


@api("POST /api/v1/placements/{placement_id}/stages")
def _stage(w: World) -> Call:
    path = f"/api/v1/placements/{w.new_placement()}"
    return Call("POST", f"{path}/stages", json={"stage": "not_hired", "note": "Prefiere otro turno"},
                headers=version(w, path))


api("POST /api/v1/introductions")(lambda w: Call("POST", "/api/v1/introductions", json={
    "profile_id": w.new_profile("Inés"), "vacancy_id": w.ids["vacancy"],
    "consent": {"given": True, "language": "es", "read_aloud": False}}))
api("GET /api/v1/introductions")(lambda w: Call("GET", "/api/v1/introductions",
                                                 query={"vacancy_id": w.ids["vacancy"]}))
api("POST /api/v1/introduction-requests")(lambda w: Call("POST", "/api/v1/introduction-requests", json={
    "vacancy_id": w.ids["vacancy"], "candidate": w.new_profile("Julia")}))
api("GET /api/v1/introduction-requests")(lambda w: Call("GET", "/api/v1/introduction-requests"))
api("GET /api/v1/audit")(lambda w: Call("GET", "/api/v1/audit", query={"profile_id": w.ids["profile"]}))

# -- credentials --------------------------------------------------------------------------------------------------
api("POST /api/v1/credentials")(lambda w: Call("POST", "/api/v1/credentials", json={
    **CREDENTIAL, "profile_id": w.ids["profile"]}))
api("GET /api/v1/credentials")(lambda w: Call("GET", "/api/v1/credentials", query={"profile_id": w.ids["profile"]}))
api("GET /api/v1/credentials/{credential_id}")(lambda w: Call("GET", f"/api/v1/credentials/{w.ids['credential']}"))
api("POST /api/v1/credentials/{credential_id}/assessments")(lambda w: Call(
    "POST", f"/api/v1/credentials/{w.new_credential()}/assessments", json={"destination": "PE"}))


@api("POST /api/v1/credentials/{credential_id}/status")
def _credential_status(w: World) -> Call:
    path = f"/api/v1/credentials/{w.new_credential()}"
    w.ok("counsellor", "POST", f"{path}/assessments", json={"destination": "PE"})
    return Call("POST", f"{path}/status", json={"status": "procedure_started"}, headers=version(w, path))


# -- matching, insights, identity ---------------------------------------------------------------------------------
api("GET /api/v1/matches")(lambda w: Call("GET", "/api/v1/matches", query={"profile": w.ids["profile"]}))
api("GET /api/v1/matches [candidates]")(lambda w: Call("GET", "/api/v1/matches", query={"vacancy": w.ids["vacancy"]}))
api("GET /api/v1/matching/audit")(lambda w: Call("GET", "/api/v1/matching/audit"))
api("GET /api/v1/matching/model")(lambda w: Call("GET", "/api/v1/matching/model"))
api("GET /api/v1/insights/vacancies")(lambda w: Call("GET", "/api/v1/insights/vacancies"))
api("POST /api/v1/auth/token")(lambda w: Call("POST", "/api/v1/auth/token", json={"api_key": w.api_key}))
api("GET /api/v1/auth/whoami")(lambda w: Call("GET", "/api/v1/auth/whoami"))
api("POST /api/v1/auth/api-keys")(lambda w: Call("POST", "/api/v1/auth/api-keys", json={
    "role": "ministry", "org": "mtpe-peru", "label": "statistics"}))


# -- portal pages -------------------------------------------------------------------------------------------------
def _pages() -> None:
    def get(path: Callable[[World], str]) -> Builder:
        return lambda w: Call("GET", path(w))

    def post(path: Callable[[World], str], form: Callable[[World], dict[str, str]] | None = None) -> Builder:
        return lambda w: Call("POST", path(w), form=form(w) if form else {})

    v = lambda w: w.ids["vacancy"]  # noqa: E731
    p = lambda w: w.ids["profile"]  # noqa: E731
    for key, builder in {
        "GET /": get(lambda w: "/"),
        "GET /signin": get(lambda w: "/signin"),
        "GET /signup/employer": get(lambda w: "/signup/employer"),
        "GET /signup/sent": get(lambda w: "/signup/sent"),
        "GET /signup/confirm/<secret>": get(lambda w: "/signup/confirm/no-such-secret"),
        "GET /language/<code>": get(lambda w: "/language/pt"),
        "GET /assets/portal/<path:filename>": get(lambda w: "/assets/portal/portal.css"),
        "GET /static/<path:filename>": get(lambda w: "/static/no-such-file.css"),
        "POST /signout": post(lambda w: "/signout"),
        "GET /employer/vacancies": get(lambda w: "/employer/vacancies"),
        "GET /employer/vacancies/new": get(lambda w: "/employer/vacancies/new"),
        "POST /employer/vacancies/new": post(lambda w: "/employer/vacancies/new"),
        "POST /employer/vacancies/check": post(lambda w: "/employer/vacancies/check"),
        "GET /employer/occupations": lambda w: Call("GET", "/employer/occupations", query={"q": "cocinero"}),
        "GET /employer/vacancies/<vacancy_id>/edit": get(lambda w: f"/employer/vacancies/{v(w)}/edit"),
        "POST /employer/vacancies/<vacancy_id>/edit": post(lambda w: f"/employer/vacancies/{v(w)}/edit"),
        "POST /employer/vacancies/<vacancy_id>/close": post(lambda w: f"/employer/vacancies/{w.new_vacancy()}/close"),
        "GET /employer/vacancies/<vacancy_id>/candidates": get(lambda w: f"/employer/vacancies/{v(w)}/candidates"),
        "POST /employer/vacancies/<vacancy_id>/candidates/request": post(
            lambda w: f"/employer/vacancies/{v(w)}/candidates/request", lambda w: {"candidate": w.ids["profile"]}),
        "GET /workspace/": get(lambda w: "/workspace/"),
        "GET /workspace/people/new": get(lambda w: "/workspace/people/new"),
        "GET /workspace/people/new/identity": get(lambda w: "/workspace/people/new/identity"),
        "POST /workspace/people/new/identity": post(lambda w: "/workspace/people/new/identity"),
        "POST /workspace/suggestions": post(lambda w: "/workspace/suggestions", lambda w: {"text": "cocina"}),
        "GET /workspace/people/<profile_id>": get(lambda w: f"/workspace/people/{p(w)}"),
        "GET /workspace/people/<profile_id>/intake/<step>": get(
            lambda w: f"/workspace/people/{p(w)}/intake/languages"),
        "POST /workspace/people/<profile_id>/intake/<step>": post(
            lambda w: f"/workspace/people/{p(w)}/intake/languages"),
        "POST /workspace/people/<profile_id>/duplicates/dismiss": post(
            lambda w: f"/workspace/people/{p(w)}/duplicates/dismiss"),
        "POST /workspace/people/<profile_id>/merge": post(lambda w: f"/workspace/people/{p(w)}/merge"),
        "POST /workspace/people/<profile_id>/credentials/<credential_id>/status": post(
            lambda w: f"/workspace/people/{p(w)}/credentials/{w.ids['credential']}/status"),
        "GET /workspace/people/<profile_id>/matches": get(lambda w: f"/workspace/people/{p(w)}/matches"),
        "POST /workspace/people/<profile_id>/matches/<vacancy_id>/propose": post(
            lambda w: f"/workspace/people/{p(w)}/matches/{v(w)}/propose"),
        "POST /workspace/people/<profile_id>/matches/<vacancy_id>/decline": post(
            lambda w: f"/workspace/people/{p(w)}/matches/{v(w)}/decline"),
        "GET /workspace/people/<profile_id>/introduce/<vacancy_id>": get(
            lambda w: f"/workspace/people/{p(w)}/introduce/{v(w)}"),
        "POST /workspace/people/<profile_id>/introduce/<vacancy_id>": post(
            lambda w: f"/workspace/people/{p(w)}/introduce/{v(w)}"),
        "GET /workspace/people/<profile_id>/print": get(lambda w: f"/workspace/people/{p(w)}/print"),
        "GET /workspace/placements/<placement_id>/stage": get(
            lambda w: f"/workspace/placements/{w.ids['placement']}/stage"),
        "POST /workspace/placements/<placement_id>/stage": post(
            lambda w: f"/workspace/placements/{w.ids['placement']}/stage"),
        "GET /employer/notifications": get(lambda w: "/employer/notifications"),
        "POST /employer/notifications": post(lambda w: "/employer/notifications"),
        "GET /employer/vacancies/export.<fmt>": get(lambda w: "/employer/vacancies/export.csv"),
        "GET /employer/vacancies/<vacancy_id>/candidates/export.<fmt>": get(
            lambda w: f"/employer/vacancies/{v(w)}/candidates/export.csv"),
        "GET /manifest.webmanifest": get(lambda w: "/manifest.webmanifest"),
        "GET /sw.js": get(lambda w: "/sw.js"),
        "GET /offline": get(lambda w: "/offline"),
        "GET /workspace/export.<fmt>": get(lambda w: "/workspace/export.csv"),
        "GET /workspace/people/<profile_id>/matches/export.<fmt>": get(
            lambda w: f"/workspace/people/{p(w)}/matches/export.csv"),
        "GET /workspace/alerts/<alert_id>": get(lambda w: "/workspace/alerts/999999"),
        "POST /workspace/people/<profile_id>/alerts": post(lambda w: f"/workspace/people/{p(w)}/alerts"),
        "POST /workspace/searches": post(lambda w: "/workspace/searches"),
        "POST /workspace/searches/<search_id>/delete": post(lambda w: "/workspace/searches/999999/delete"),
        "POST /signin": post(lambda w: "/signin",
                                lambda w: {"email": f"nobody-{secrets.token_hex(4)}@contract.example",
                                           "password": "wrong one"}),
        "POST /signup/employer": post(lambda w: "/signup/employer"),
        "POST /signup/confirm/<secret>": post(lambda w: "/signup/confirm/no-such-secret"),
    }.items():
        PAGES[key] = builder


_pages()
