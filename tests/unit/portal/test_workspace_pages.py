"""The counsellor's workspace and the employer's candidates, driven like a person without JavaScript, against
fakes of the profiles, credentials, matching and vacancies services (the workspace contract)."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from services.portal.accounts import Organisation
from services.portal.adapters.memory import match_item
from tests.unit.portal.conftest import OTHER_CENTRE, csrf, signed_in_as, submit
from tests.unit.portal.workspace_helpers import (
    EMPLOYER_ID,
    OTHER_CENTRE_ID,
    PageCheck,
    add_person,
    add_vacancy,
    place,
    rank,
    text,
    token,
)

EMPLOYER_ORG = Organisation(EMPLOYER_ID, "Constructora Andina", "employer")
IDENTITY = {"person_language": "es", "consent_read": "y", "consent_matching": "yes",
            "consent_introductions": "yes", "consent_statistics": "no", "consent_notifications": "no",
            "given_names": "Yolanda", "family_names": "Castillo Rojas", "date_of_birth": "1990-05-20",
            "nationality": "VE",
            "document_type": "national_id", "document_number": "V-18.456.789", "document_country": "",
            "phone": "+57 310 555 1234", "whatsapp": "y", "email": "", "country": "CO", "city": "Cúcuta",
            "action": "next"}


def other_role(app, role, org):
    return signed_in_as(app, f"someone@{org.id}.example", role, org)


# -- who may come in --------------------------------------------------------------------------------------
def test_a_counsellor_who_signs_in_lands_on_their_centres_people(app, counsellor):
    home = counsellor.get("/")
    assert home.status_code == 302 and home.location.endswith("/workspace/")
    page = text(counsellor.get("/workspace/"))
    assert "My centre's people" in page and "Centro de orientación Cúcuta" in page
    assert "on their way" not in text(counsellor.get("/workspace/"))


def pages_of_a_person(profiles, fake):
    pid = add_person(profiles)
    vid = add_vacancy(fake, profiles)
    placement = place(profiles, pid, vid)
    return [("get", "/workspace/"), ("get", "/workspace/people/new"), ("get", "/workspace/people/new/identity"),
            ("get", f"/workspace/people/{pid}"), ("get", f"/workspace/people/{pid}/matches"),
            ("get", f"/workspace/people/{pid}/print"), ("get", f"/workspace/people/{pid}/introduce/{vid}"),
            ("get", f"/workspace/placements/{placement}/stage"),
            *[("get", f"/workspace/people/{pid}/intake/{s}") for s in
              ("identity", "languages", "experience", "education", "wishes")],
            ("post", f"/workspace/people/{pid}/matches/{vid}/propose"), ("post", "/workspace/suggestions")]


def test_strangers_are_sent_to_sign_in_and_other_roles_are_refused(app, visitor, profiles, fake):
    employer = other_role(app, "employer", EMPLOYER_ORG)
    admin = other_role(app, "admin", Organisation("puente", "Puente", "platform"))
    ministry = other_role(app, "ministry", Organisation("ministry-mtpe-pe", "MTPE", "ministry"))
    for method, path in pages_of_a_person(profiles, fake):
        anonymous = getattr(visitor, method)(path)
        assert anonymous.status_code == 302 and "/signin?next=" in anonymous.location, path
        for client in (employer, admin, ministry):
            refused = getattr(client, method)(path)
            assert refused.status_code == 403 and "This page is not for your account." in text(refused), path
    assert profiles.calls == [c for c in profiles.calls if c[0] in ("create_profile", "create_placement")]


def test_every_page_renders_for_a_counsellor_as_well_formed_html_with_a_label_for_every_input(
        counsellor, profiles, fake, matching):
    paths = [path for method, path in pages_of_a_person(profiles, fake) if method == "get"]
    pid = paths[3].rsplit("/", 1)[-1]
    vid = paths[6].rsplit("/", 1)[-1]
    rank(matching, pid, match_item(vid, 0.8, blockers=({"code": "language", "message": "B2", "next_step": "x"},)))
    for path in paths:
        response = counsellor.get(path)
        assert response.status_code == 200, path
        assert PageCheck().check(text(response)) == [], path


# -- the queue, search and filters ------------------------------------------------------------------------
def test_with_nobody_to_see_the_queue_says_so_and_offers_to_register_a_walk_in(counsellor):
    page = text(counsellor.get("/workspace/"))
    assert "No one needs action today." in page and "New walk-in?" in page
    assert 'href="/workspace/people/new"' in page


def test_the_queue_lists_who_needs_action_most_urgent_first(app, counsellor, profiles, fake, matching):
    add_person(profiles, "Olga", "Stale", contact_days_ago=45)
    waiting = add_person(profiles, "Nina", "Waiting")
    interview = add_person(profiles, "Ivan", "Interview")
    strong = add_person(profiles, "Sara", "Strong")
    asked = add_person(profiles, "Rosa", "Requested")
    calm = add_person(profiles, "Carla", "Calm")
    vacancy = add_vacancy(fake, profiles, "Cocinero")
    place(profiles, waiting, vacancy, "introduced")
    profiles.profiles[waiting]["_last_contact_at"] = datetime.now(UTC) - timedelta(days=10)
    place(profiles, interview, vacancy, "introduced", "applied", "interview")
    rank(matching, strong, match_item(vacancy, 0.7))
    rank(matching, calm, match_item(vacancy, 0.3))
    profiles.request_introduction(token(EMPLOYER_ID, "employer"), "en", vacancy, asked)
    page = text(counsellor.get("/workspace/"))
    queue = page[page.index("Needs action today"):page.index('id="everyone-title"')]
    names = re.findall(r'<h3><a href="/workspace/people/[^"]+">([^<]+)</a></h3>', queue)
    assert names == ["Rosa Requested", "Ivan Interview", "Sara Strong", "Nina Waiting", "Olga Stale"]
    assert "An employer asks for an introduction" in queue and "New strong matches: 1" in queue
    assert f'/workspace/people/{asked}/introduce/{vacancy}' in queue and "Carla" not in queue


def test_only_the_counsellors_own_centre_is_listed_and_asked_for(app, counsellor, profiles):
    add_person(profiles, "Mine", "Here")
    add_person(profiles, "Theirs", "Elsewhere", centre=OTHER_CENTRE_ID, contact_days_ago=60)
    page = text(counsellor.get("/workspace/"))
    assert "Mine Here" in page and "Theirs" not in page
    lima = signed_in_as(app, "orientacion@centro-lima.example", "counsellor", OTHER_CENTRE)
    assert "Theirs Elsewhere" in text(lima.get("/workspace/")) and "Mine Here" not in text(lima.get("/workspace/"))
    assert {c[1].get("q") for c in profiles.calls if c[0] == "list_profiles"} == {None}


@pytest.mark.parametrize("query", ["yolanda", "CASTILLO", "V-18.456.789", "18456789", "310 555 1234"])
def test_search_finds_a_person_by_name_document_or_phone(counsellor, profiles, query):
    add_person(profiles, "Yolanda", "Castillo",
               **{"identity": {"given_names": "Yolanda", "family_names": "Castillo", "phone": "+57 310 555 1234",
                               "documents": [{"type": "national_id", "number": "V-18.456.789", "country": "VE"}]}})
    add_person(profiles, "Pedro", "Otro")
    page = text(counsellor.get("/workspace/", query_string={"q": query}))
    assert "Yolanda Castillo" in page and "Pedro" not in page and "Needs action today" not in page


def test_filters_reach_the_service_and_an_unknown_occupation_is_explained_beside_the_field(counsellor, profiles):
    add_person(profiles, "Ana", "Cocinera", desired_occupations=["5120"], languages=[{"code": "fr", "level": "B1"}])
    add_person(profiles, "Beto", "Albañil", desired_occupations=["7112"], contact_days_ago=40)
    assert "Ana Cocinera" in text(counsellor.get("/workspace/?occupation=cocinero"))
    assert "Beto" not in text(counsellor.get("/workspace/?occupation=5120"))
    only_french = text(counsellor.get("/workspace/?language=fr"))
    assert "Ana Cocinera" in only_french and "Beto" not in only_french
    stale = text(counsellor.get("/workspace/?contact=stale"))
    assert "Beto Albañil" in stale and "Ana" not in stale
    assert profiles.calls[-1][1] == {"stale": "true"}
    refused = counsellor.get("/workspace/?occupation=juggler+of+fire")
    assert refused.status_code == 422
    assert '<a href="#occupation">We do not know this occupation.' in text(refused)
    assert 'id="occupation-error"' in text(refused)


def test_the_stage_filter_lists_people_at_that_stage(counsellor, profiles, fake):
    hired = add_person(profiles, "Hugo", "Hired")
    add_person(profiles, "Nadie", "Todavia")
    vacancy = add_vacancy(fake, profiles)
    place(profiles, hired, vacancy, "introduced", "applied", "interview", "hired")
    page = text(counsellor.get("/workspace/?stage=hired"))
    assert "Hugo Hired" in page and "Nadie" not in page and 'class="tag tag-hired">Hired' in page


def test_the_list_pages_on_with_a_cursor(counsellor, profiles):
    for n in range(23):
        add_person(profiles, f"Person{n:02d}", "Paged")
    first = text(counsellor.get("/workspace/?q=paged"))
    assert first.count("Paged</a></h3>") == 20 and "Person22" not in first
    link = re.search(r'href="(/workspace/\?[^"]*cursor=[^"]+)"', first).group(1).replace("&amp;", "&")
    second = text(counsellor.get(link))
    assert second.count("Paged</a></h3>") == 3 and "Person22" in second and "Person00" not in second


# -- intake -----------------------------------------------------------------------------------------------
def test_registering_starts_by_looking_for_the_person(counsellor, profiles):
    add_person(profiles, "Yolanda", "Castillo")
    page = text(counsellor.get("/workspace/people/new?q=castillo"))
    assert "People found: 1" in page and "Yolanda Castillo" in page and "Register a new person" in page
    assert "Nobody in your centre matches" in text(counsellor.get("/workspace/people/new?q=zzz"))


def test_consent_is_asked_first_in_the_persons_language(counsellor):
    page = text(counsellor.get("/workspace/people/new/identity?in=pt"))
    assert page.index("Consent, before anything else") < page.index("Who the person is")
    assert '<div class="read-aloud" lang="pt">' in page and "Você concorda" in page
    creole = text(counsellor.get("/workspace/people/new/identity?in=ht"))
    assert '<div class="read-aloud" lang="fr">' in creole and "read it aloud in Haitian Creole" in creole


def test_nobody_is_registered_before_their_consent_answers_are_recorded_and_read_to_them(counsellor, profiles):
    response = submit(counsellor, "/workspace/people/new/identity",
                      {**IDENTITY, "consent_read": "", "consent_matching": ""})
    page = text(response)
    assert response.status_code == 422 and not profiles.profiles
    assert '<a href="#consent_matching">Record the person&#39;s answer</a>' in page
    assert '<a href="#consent_read">Read the text to the person before you record their answers</a>' in page
    assert 'value="Yolanda"' in page  # nothing typed is lost


def test_step_one_creates_the_profile_with_the_consents_and_goes_on_to_languages(counsellor, profiles):
    response = submit(counsellor, "/workspace/people/new/identity", IDENTITY)
    (pid, profile), = profiles.profiles.items()
    assert response.status_code == 302 and response.location.endswith(f"/workspace/people/{pid}/intake/languages")
    assert profile["centre"] == "centre-cucuta" and profile["text_language"] == "es"
    assert {k: v["given"] for k, v in profile["consents"].items()} == {
        "matching": True, "introductions": True, "statistics": False, "notifications": False}
    assert profile["identity"]["documents"] == [{"type": "national_id", "number": "V-18.456.789", "country": "VE"}]
    assert profile["location"]["country"] == "CO" and profile["identity"]["whatsapp"] is True


def test_a_duplicate_is_announced_as_soon_as_the_profile_is_created_and_can_be_merged(counsellor, profiles):
    existing = add_person(profiles, "Yolanda", "Castillo Rojas",
                          identity={"given_names": "Yolanda", "family_names": "Castillo Rojas",
                                    "documents": [{"type": "national_id", "number": "18456789", "country": "VE"}]})
    response = submit(counsellor, "/workspace/people/new/identity", IDENTITY)
    new = next(p for p in profiles.profiles if p != existing)
    page = text(counsellor.get(response.location))
    assert "This person may already be registered" in page and f"/workspace/people/{existing}" in page
    merged = counsellor.post(f"/workspace/people/{existing}/merge", data={"csrf_token": csrf(page), "other_id": new})
    assert merged.status_code == 302 and merged.location.endswith(f"/workspace/people/{existing}")
    assert new not in profiles.profiles and ("merge_profiles", existing, new) in profiles.calls
    assert "may already be registered" not in text(counsellor.get(merged.location))


def test_the_profiles_services_refusal_lands_beside_the_field_it_names(counsellor, profiles):
    response = submit(counsellor, "/workspace/people/new/identity", {**IDENTITY, "phone": "call me"})
    page = text(response)
    assert response.status_code == 422 and not profiles.profiles
    assert '<a href="#phone">This is not a valid phone number' in page and 'id="phone-error"' in page


def intake(counsellor, profiles):
    submit(counsellor, "/workspace/people/new/identity", IDENTITY)
    (pid,) = profiles.profiles
    return pid


def test_each_step_saves_and_the_persons_page_resumes_where_the_intake_stopped(counsellor, profiles):
    pid = intake(counsellor, profiles)
    person = text(counsellor.get(f"/workspace/people/{pid}"))
    assert "The registration is not finished." in person and f"/workspace/people/{pid}/intake/languages" in person
    later = submit(counsellor, f"/workspace/people/{pid}/intake/languages",
                   {"languages-0-code": "es", "languages-0-level": "native", "languages-1-code": "en",
                    "languages-1-level": "A2", "action": "later"})
    assert later.location.endswith(f"/workspace/people/{pid}")
    assert profiles.profiles[pid]["languages"] == [{"code": "es", "level": "native"}, {"code": "en", "level": "A2"}]
    resumed = text(counsellor.get(f"/workspace/people/{pid}"))
    assert f"/workspace/people/{pid}/intake/experience" in resumed
    again = text(counsellor.get(f"/workspace/people/{pid}/intake/languages"))
    assert '<option selected value="en">' in again and '<option selected value="A2">' in again
    assert profiles.profiles[pid]["consents"]["statistics"]["given"] is False  # other steps never touch consents


def test_fixing_a_phone_needs_no_new_reading_but_a_changed_consent_does(counsellor, profiles):
    pid = intake(counsellor, profiles)
    path = f"/workspace/people/{pid}/intake/identity"
    fixed = submit(counsellor, path, {**IDENTITY, "consent_read": "", "phone": "+57 310 555 9999", "action": "later"})
    assert fixed.status_code == 302 and profiles.profiles[pid]["identity"]["phone"] == "+57 310 555 9999"
    changed = submit(counsellor, path, {**IDENTITY, "consent_read": "", "consent_statistics": "yes"})
    assert changed.status_code == 422 and profiles.profiles[pid]["consents"]["statistics"]["given"] is False
    read = submit(counsellor, path, {**IDENTITY, "consent_statistics": "yes"})
    assert read.status_code == 302 and profiles.profiles[pid]["consents"]["statistics"]["given"] is True


def test_a_language_without_a_level_or_listed_twice_is_refused(counsellor, profiles):
    pid = intake(counsellor, profiles)
    response = submit(counsellor, f"/workspace/people/{pid}/intake/languages",
                      {"languages-0-code": "es", "languages-0-level": "", "languages-1-code": "es",
                       "languages-1-level": "B1"})
    page = text(response)
    assert response.status_code == 422 and profiles.profiles[pid]["languages"] == []
    assert '<a href="#languages-0-level">Choose the level</a>' in page


def test_skills_puente_reads_are_confirmed_or_rejected_one_by_one(counsellor, profiles):
    pid = intake(counsellor, profiles)
    story = {"jobs-0-title": "Albañil", "jobs-0-description": "Hacía mampostería y enlucido en obras.",
             "jobs-0-country": "VE", "jobs-0-start_year": "2012", "jobs-0-end_year": "2019",
             "skills_text": "encofrado y concreto"}
    read = submit(counsellor, f"/workspace/people/{pid}/intake/experience", {**story, "action": "suggest"})
    page = text(read)
    offered = re.findall(r'name="skill-(S\d{4})" value="yes"', page)
    occupations = re.findall(r'name="jobs-0-occupation" type="radio" value="(\d{4})"', page)
    assert len(offered) >= 2 and occupations and profiles.profiles[pid]["skills"] == []
    keep, drop = offered[0], offered[1]
    saved = counsellor.post(f"/workspace/people/{pid}/intake/experience", data={
        **story, "csrf_token": csrf(page), "etag": re.search(r'name="etag" value="([^"]+)"', page).group(1)
        .replace("&#34;", '"'), "suggested": ",".join(offered), "rejected": "", f"skill-{keep}": "yes",
        f"skill-{drop}": "no", "jobs-0-occupation": occupations[0], "action": "next"})
    assert saved.status_code == 302 and saved.location.endswith("/intake/education")
    stored = profiles.profiles[pid]
    assert stored["skills"] == [keep]
    assert stored["experience"] == [{"title": "Albañil", "occupation": occupations[0], "country": "VE",
                                     "description": "Hacía mampostería y enlucido en obras.",
                                     "start": "2012-01-01", "end": "2019-12-31"}]


def test_what_puente_reads_in_a_french_story_is_named_in_the_counsellors_language(counsellor, profiles):
    pid = intake(counsellor, profiles)
    story = {"jobs-0-title": "Soudeur", "jobs-0-description": "Soudage MIG de portails en acier.",
             "skills_text": "soudage MIG", "action": "suggest"}
    page = text(submit(counsellor, f"/workspace/people/{pid}/intake/experience", story))
    assert 'value="7212"' in page and 'name="skill-S1512"' in page
    assert "Welders and flamecutters" in page and "MIG/MAG welding (GMAW)" in page
    assert "Soudeurs et oxycoupeurs" not in page and "Soudage MIG/MAG" not in page
    html = counsellor.post("/workspace/suggestions", data={"text": "soudage MIG de portails", "kind": "skill"},
                           headers={"X-CSRFToken": csrf(page)}).json["html"]
    assert "MIG/MAG welding (GMAW)" in html and "Soudage MIG/MAG" not in html


def test_a_job_row_with_a_story_but_no_job_is_refused(counsellor, profiles):
    pid = intake(counsellor, profiles)
    response = submit(counsellor, f"/workspace/people/{pid}/intake/experience",
                      {"jobs-1-description": "Cuidé a dos niños.", "action": "next"})
    assert response.status_code == 422 and '<a href="#jobs-1-title">Enter the job, or clear this row</a>' in text(
        response)


def test_the_script_gets_suggestions_as_the_counsellor_types(counsellor, profiles):
    pid = intake(counsellor, profiles)
    page = text(counsellor.get(f"/workspace/people/{pid}/intake/experience"))
    answer = counsellor.post("/workspace/suggestions", data={"text": "pega de ladrillo", "kind": "skill"},
                             headers={"X-CSRFToken": csrf(page)})
    assert answer.status_code == 200 and answer.json["codes"]
    assert f'name="skill-{answer.json["codes"][0]}"' in answer.json["html"]
    assert counsellor.post("/workspace/suggestions", data={"text": "pega de ladrillo"}).status_code == 400


def test_declaring_a_credential_shows_its_recognition_and_next_steps_at_once(counsellor, profiles, credentials):
    pid = intake(counsellor, profiles)
    response = submit(counsellor, f"/workspace/people/{pid}/intake/education", {
        "title": "Licenciatura en Enfermería", "level": "6", "orientation": "general", "field_code": "0913",
        "country": "VE", "institution": "Universidad Central de Venezuela", "year": "2010",
        "documents": ["original"], "destination": "CO"})
    (credential,) = credentials.credentials.values()
    assert response.status_code == 302 and response.location.endswith(f"#credential-{credential['id']}")
    assert credential["assessment"]["destination"] == "CO" and credential["profile_id"] == pid
    assert profiles.profiles[pid]["education"][0]["credential_id"] == credential["id"]
    page = text(counsellor.get(response.location))
    assert "Needs a recognition procedure" in page and "Have the degree apostilled" in page
    assert "Record progress of the procedure" in page


def test_moving_a_credentials_procedure_along(counsellor, profiles, credentials):
    pid = intake(counsellor, profiles)
    submit(counsellor, f"/workspace/people/{pid}/intake/education", {
        "title": "Bachiller", "level": "3", "orientation": "general", "country": "VE", "institution": "Liceo",
        "documents": ["apostilled"], "destination": "CO"})
    (credential,) = credentials.credentials.values()
    page = text(counsellor.get(f"/workspace/people/{pid}/intake/education"))
    moved = counsellor.post(f"/workspace/people/{pid}/credentials/{credential['id']}/status",
                            data={"csrf_token": csrf(page), "status": "procedure_started", "note": "",
                                  "etag": f'"{credential["version"]}"'})
    assert moved.status_code == 302 and credential["workflow_status"] == "procedure_started"


def test_a_step_saved_over_someone_elses_change_is_not_applied(counsellor, profiles):
    pid = intake(counsellor, profiles)
    page = text(counsellor.get(f"/workspace/people/{pid}/intake/wishes"))
    profiles.profiles[pid]["version"] += 1  # another counsellor saved meanwhile
    response = counsellor.post(f"/workspace/people/{pid}/intake/wishes", data={
        "csrf_token": csrf(page), "etag": '"1"', "availability": "immediate", "pay_currency": "COP",
        "pay_period": "month", "permit_country": "CO", "action": "next"})
    assert response.status_code == 422 and "Someone saved this profile" in text(response)
    assert profiles.profiles[pid]["availability"] is None
    assert 'name="etag" value="&#34;2&#34;"' in text(response)


def test_wishes_and_permission_to_work_are_saved(counsellor, profiles):
    pid = intake(counsellor, profiles)
    response = submit(counsellor, f"/workspace/people/{pid}/intake/wishes", {
        "other_occupation": "5120", "availability": "within_month", "pay_amount": "1500000",
        "pay_currency": "COP", "pay_period": "month", "willing_to_relocate": "y", "relocation_countries": ["PE"],
        "permit_country": "CO", "permit_status": "permit", "permit_expires": "2027-01-31", "action": "next"})
    stored = profiles.profiles[pid]
    assert response.status_code == 302 and response.location.endswith(f"/workspace/people/{pid}")
    assert stored["desired_occupations"] == ["5120"] and stored["availability"] == "within_month"
    assert stored["pay_expectation"] == {"amount": 1500000.0, "currency": "COP", "period": "month"}
    assert stored["location"]["relocation_countries"] == ["PE"] and stored["location"]["country"] == "CO"
    assert stored["work_authorizations"] == [{"country": "CO", "status": "permit", "expires": "2027-01-31"}]


# -- matches and the pipeline -----------------------------------------------------------------------------
def ranked_person(profiles, fake, matching):
    pid = add_person(profiles, "Carlos", "Mendoza")
    near = add_vacancy(fake, profiles, "Albañil de obra", amount=1800000)
    far = add_vacancy(fake, profiles, "Ayudante de construcción", country="PE", city="Lima", amount=1600)
    other = add_vacancy(fake, profiles, "Mesero", amount=1500000)
    rank(matching, pid,
         match_item(near, 0.82, matched=("S4501",), missing=("S4503",)),
         match_item(other, 0.5, distance=3, occupation="5131", closest="7112",
                    components={"semantic": 0.3, "experience": None}),
         match_item(far, 0.45, blockers=({"code": "location", "message": "La vacante está en PE.",
                                          "next_step": "Confirmar si aceptaría mudarse."},),
                    components={"location": 0.0}))
    return pid, near, far, other


def test_matches_show_pay_fit_skills_blockers_next_steps_and_why_not_higher(counsellor, profiles, fake, matching):
    pid, near, far, other = ranked_person(profiles, fake, matching)
    page = text(counsellor.get(f"/workspace/people/{pid}/matches", headers={"Accept-Language": "es"}))
    assert page.index("Albañil de obra") < page.index("Mesero") < page.index("Ayudante de construcción")
    assert "1.800.000 COP al mes" in page and "salario mínimo 1.423.500 COP" in page
    assert "Constructora Andina" in page and "hace 3 días" in page and "Mismo oficio" in page
    assert "La vacante está en PE." in page and "Confirmar si aceptaría mudarse." in page
    why = page[page.index(f'id="vacancy-{far}"'):]
    assert "Primero van los empleos que la persona puede tomar ahora" in why
    assert "no quiere mudarse" in why
    mesero = page[page.index(f'id="vacancy-{other}"'):page.index(f'id="vacancy-{far}"')]
    assert "Es otro oficio" in mesero and "No hay experiencia" in mesero


def test_matches_filter_by_eligibility_country_and_trade(counsellor, profiles, fake, matching):
    pid, near, far, other = ranked_person(profiles, fake, matching)
    eligible = text(counsellor.get(f"/workspace/people/{pid}/matches?eligible=1"))
    assert "Ayudante de construcción" not in eligible and "Mesero" in eligible
    peru = text(counsellor.get(f"/workspace/people/{pid}/matches?country=PE"))
    assert "Ayudante de construcción" in peru and "Albañil de obra" not in peru
    same = text(counsellor.get(f"/workspace/people/{pid}/matches?trade=same"))
    assert "Mesero" not in same and "Albañil de obra" in same
    none = text(counsellor.get(f"/workspace/people/{pid}/matches?country=AR"))
    assert "No match with these filters." in none


def test_matches_page_on_ten_at_a_time_keeping_their_rank(counsellor, profiles, fake, matching):
    pid = add_person(profiles)
    items = [match_item(add_vacancy(fake, profiles, f"Puesto {n:02d}"), 0.9 - n / 100) for n in range(13)]
    rank(matching, pid, *items)
    first = text(counsellor.get(f"/workspace/people/{pid}/matches"))
    assert "Puesto 09" in first and "Puesto 10" not in first
    more = re.search(r'href="([^"]+at=[^"]+)">More matches', first).group(1).replace("&amp;", "&")
    second = text(counsellor.get(more))
    assert '<span class="rank">11.</span> Puesto 10' in second and "Puesto 09" not in second


def test_matching_not_knowing_the_person_yet_is_said_plainly(counsellor, profiles):
    pid = add_person(profiles)
    assert "Matching does not know this person yet." in text(counsellor.get(f"/workspace/people/{pid}/matches"))


def test_proposing_puts_the_person_in_the_pipeline_once(counsellor, profiles, fake, matching):
    pid, near, _, _ = ranked_person(profiles, fake, matching)
    page = text(counsellor.get(f"/workspace/people/{pid}/matches"))
    for _ in range(2):
        response = counsellor.post(f"/workspace/people/{pid}/matches/{near}/propose",
                                   data={"csrf_token": csrf(page), "next": f"/workspace/people/{pid}/matches"})
        assert response.status_code == 302
    (placement,) = profiles.placements.values()
    assert (placement["profile_id"], placement["vacancy_id"], placement["stage"]) == (pid, near, "proposed")
    assert "already in the pipeline" in text(counsellor.get(f"/workspace/people/{pid}/matches"))


def test_not_for_this_person_is_recorded_with_the_reason(counsellor, profiles, fake, matching):
    pid, near, _, _ = ranked_person(profiles, fake, matching)
    page = text(counsellor.get(f"/workspace/people/{pid}/matches"))
    counsellor.post(f"/workspace/people/{pid}/matches/{near}/decline", data={"csrf_token": csrf(page),
                                                                              "reason": "pay"})
    (placement,) = profiles.placements.values()
    assert placement["stage"] == "not_hired" and placement["history"][-1]["note"] == "The pay is too low"


def test_an_introduction_needs_the_persons_answer_and_records_its_language_and_reading(
        counsellor, profiles, fake, matching):
    pid, near, _, _ = ranked_person(profiles, fake, matching)
    path = f"/workspace/people/{pid}/introduce/{near}"
    page = text(counsellor.get(path + "?in=fr"))
    assert '<div class="read-aloud" lang="fr">' in page and "Constructora Andina" in page
    missing = submit(counsellor, path, {"language": "fr", "read_aloud": "y"})
    assert missing.status_code == 422 and '<a href="#answer">Record the person&#39;s answer</a>' in text(missing)
    declined = submit(counsellor, path, {"language": "fr", "answer": "no"})
    assert declined.status_code == 302 and not profiles.introductions
    assert not [c for c in profiles.calls if c[0] == "introduce"]
    agreed = submit(counsellor, path, {"language": "ht", "answer": "yes", "read_aloud": "y"})
    assert agreed.status_code == 302 and agreed.location.endswith(f"/workspace/people/{pid}")
    (introduction,) = profiles.introductions
    assert introduction["consent"] == {"given": True, "language": "ht", "read_aloud": True}
    (placement,) = profiles.placements.values()
    assert placement["stage"] == "introduced"


def test_someone_who_refused_introductions_cannot_be_introduced(counsellor, profiles, fake):
    pid = add_person(profiles, consents={"matching": True, "introductions": False, "statistics": True})
    vacancy = add_vacancy(fake, profiles)
    path = f"/workspace/people/{pid}/introduce/{vacancy}"
    assert "did not agree to be introduced" in text(counsellor.get(path))
    response = submit(counsellor, path, {"language": "es", "answer": "yes"})
    assert response.status_code == 200 and not profiles.introductions


def test_the_next_stage_is_recorded_with_its_date_and_note_in_seconds(counsellor, profiles, fake):
    pid = add_person(profiles)
    vacancy = add_vacancy(fake, profiles)
    placement = place(profiles, pid, vacancy, "introduced")
    page = text(counsellor.get(f"/workspace/people/{pid}"))
    assert f'action="/workspace/placements/{placement}/stage"' in page and 'value="applied"' in page
    response = counsellor.post(f"/workspace/placements/{placement}/stage", data={
        "csrf_token": csrf(page), "etag": f'"{profiles.placements[placement]["version"]}"', "stage": "applied",
        "on": "2026-01-15", "note": "Envió la hoja de vida", "next": f"/workspace/people/{pid}"})
    assert response.status_code == 302 and response.location.endswith(f"/workspace/people/{pid}")
    assert profiles.placements[placement]["stage"] == "applied"
    assert profiles.placements[placement]["history"][-1] | {"at": None} == {
        "stage": "applied", "on": "2026-01-15", "note": "Envió la hoja de vida", "by": "user-" +
        profiles.placements[placement]["history"][-1]["by"].removeprefix("user-"), "at": None}


def test_a_stage_that_does_not_follow_or_a_future_date_is_refused(counsellor, profiles, fake):
    pid = add_person(profiles)
    placement = place(profiles, pid, add_vacancy(fake, profiles), "introduced")
    path = f"/workspace/placements/{placement}/stage"
    skipped = submit(counsellor, path, {"stage": "hired", "on": date.today().isoformat()})
    assert skipped.status_code == 422 and '<a href="#stage">Choose what happened</a>' in text(skipped)
    future = submit(counsellor, path, {"stage": "applied", "on": (date.today() + timedelta(days=3)).isoformat()})
    assert future.status_code == 422 and "The date cannot be in the future" in text(future)
    assert profiles.placements[placement]["stage"] == "introduced"


def test_the_one_page_summary_is_in_the_persons_language_with_a_print_stylesheet(
        counsellor, profiles, fake, matching, credentials):
    pid, near, far, _ = ranked_person(profiles, fake, matching)
    profiles.profiles[pid].update(text_language="pt", languages=[{"code": "es", "level": "native"}],
                                  skills=["S4501"])
    page = text(counsellor.get(f"/workspace/people/{pid}/print"))
    sheet = page[page.index('<article class="sheet"'):]
    assert '<article class="sheet" lang="pt">' in page and "Idiomas" in sheet and "Espanhol: Nativo" in sheet
    assert "Confirmar si aceptaría mudarse." in sheet and "Albañil de obra" in sheet
    assert 'href="/assets/portal/print.css" media="print"' in page
    assert "Language of the summary" in page  # the controls around it stay in the counsellor's language
    french = text(counsellor.get(f"/workspace/people/{pid}/print?lang=fr"))
    assert '<article class="sheet" lang="fr">' in french and "Langues" in french


# -- the employer's side ----------------------------------------------------------------------------------
def employer_with_candidates(app, profiles, fake, matching):
    employer = other_role(app, "employer", EMPLOYER_ORG)
    vacancy = add_vacancy(fake, profiles, "Albañil de obra")
    introduced = add_person(profiles, "Inés", "Introducida")
    suggested = add_person(profiles, "Sonia", "Sugerida")
    matching.owners[vacancy] = EMPLOYER_ID
    matching.ranked[vacancy] = [
        match_item(vacancy, 0.8, matched=("S4501",), languages=({"code": "es", "required": "B1"},))
        | {"profile_id": suggested},
        match_item(vacancy, 0.7) | {"profile_id": introduced}]
    place(profiles, introduced, vacancy, "introduced")
    return employer, vacancy, introduced, suggested


def test_the_employer_sees_names_and_contacts_only_of_people_introduced_with_consent(app, profiles, fake, matching):
    employer, vacancy, introduced, suggested = employer_with_candidates(app, profiles, fake, matching)
    page = text(employer.get(f"/employer/vacancies/{vacancy}/candidates"))
    assert "Inés Introducida" in page and "Sonia" not in page and "Sugerida" not in page
    assert "Candidate 1" in page and "Candidate 2" not in page  # the introduced person is not shown twice
    assert introduced not in page.split('id="suggested-title"')[1]
    assert "Spanish B1" in page and "S4501" in page
    assert PageCheck().check(page) == []
    listing = text(employer.get("/employer/vacancies"))
    assert f'href="/employer/vacancies/{vacancy}/candidates">Candidates' in listing


def test_an_introduced_persons_languages_read_as_names_and_levels_in_the_readers_language(
        app, counsellor, profiles, fake, matching):
    employer, vacancy, introduced, _ = employer_with_candidates(app, profiles, fake, matching)
    profiles.profiles[introduced]["languages"] = [{"code": "ht", "level": "native"}, {"code": "pt", "level": "B1"}]
    page = text(employer.get(f"/employer/vacancies/{vacancy}/candidates", headers={"Accept-Language": "pt"}))
    assert "Idiomas: Crioulo haitiano Nativo, Português B1" in page and "native" not in page
    person = text(counsellor.get(f"/workspace/people/{introduced}"))
    assert "Haitian Creole Native, Portuguese B1" in person


def test_an_employer_asks_for_an_introduction_and_the_centre_sees_it_first_in_its_queue(
        app, counsellor, profiles, fake, matching):
    employer, vacancy, _, suggested = employer_with_candidates(app, profiles, fake, matching)
    page = text(employer.get(f"/employer/vacancies/{vacancy}/candidates"))
    response = employer.post(f"/employer/vacancies/{vacancy}/candidates/request",
                             data={"csrf_token": csrf(page), "candidate": suggested})
    assert response.status_code == 302
    assert "You asked for an introduction" in text(employer.get(response.location))
    assert "Sonia" not in text(employer.get(response.location))
    queue = text(counsellor.get("/workspace/"))
    assert "Sonia Sugerida" in queue and "An employer asks for an introduction" in queue


def test_another_employer_cannot_see_the_candidates_of_a_vacancy(app, profiles, fake, matching):
    _, vacancy, _, suggested = employer_with_candidates(app, profiles, fake, matching)
    fake.vacancies[vacancy]["status"] = "held"  # only its employer may read it then
    stranger = other_role(app, "employer", Organisation("employer-other", "Other", "employer"))
    assert stranger.get(f"/employer/vacancies/{vacancy}/candidates").status_code == 404
    fake.vacancies[vacancy]["status"] = "published"  # its public page is anyone's; its candidates stay its own
    refused = stranger.get(f"/employer/vacancies/{vacancy}/candidates")
    assert refused.status_code == 404 and "Inés" not in text(refused) and suggested not in text(refused)
    own = text(stranger.get("/employer/vacancies"))
    assert stranger.post(f"/employer/vacancies/{vacancy}/candidates/request",
                         data={"csrf_token": csrf(own), "candidate": suggested}).status_code == 404
    assert not profiles.requests and ("candidates", vacancy, None) not in matching.calls


def test_the_candidates_page_is_for_employers_only(app, counsellor, visitor, profiles, fake, matching):
    _, vacancy, _, _ = employer_with_candidates(app, profiles, fake, matching)
    assert counsellor.get(f"/employer/vacancies/{vacancy}/candidates").status_code == 403
    assert visitor.get(f"/employer/vacancies/{vacancy}/candidates").status_code == 302
