"""Registering a person in one sitting, as five steps that are each saved and can be resumed: identity and
consents (consent first, in the person's language), languages, experience and skills (Puente's suggestions
confirmed one by one), education and credentials (assessed at once), wishes and availability.

Find the person first: a duplicate is the most common mistake, so the intake starts with a search, and the
profiles service's duplicate warnings are shown as soon as it returns them.
"""

from __future__ import annotations

from datetime import date

from flask import abort, flash, g, jsonify, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from services.portal.forms import options
from services.portal.ports import Reply, ServiceUnavailable
from services.portal.web import lang, service_token, signed_in
from services.portal.workspace import logic
from services.portal.workspace.common import (
    COUNSELLOR,
    attach,
    centre_name,
    credentials,
    label,
    page_blueprint,
    place_service_errors,
    profiles,
    resolve_occupation,
    summary_of,
)
from services.portal.workspace.forms import (
    CREDENTIAL_STATUSES,
    PERSON_LANGUAGES,
    CredentialForm,
    CredentialStatusForm,
    ExperienceForm,
    IdentityForm,
    LanguagesForm,
    MergeForm,
    PeopleFilterForm,
    WishesForm,
)
from services.portal.workspace.people import _text_language, get_profile_or_404
from shared.taxonomy import load_taxonomy

intake = page_blueprint("intake", "/workspace")

STEP_NAMES = {"identity": _l("Identity and consent"), "languages": _l("Languages"),
              "experience": _l("Experience and skills"), "education": _l("Education and credentials"),
              "wishes": _l("Wishes and availability")}


def _keep_trying() -> str:
    return _("We could not reach the profiles service. Your answers are kept; try again in a minute.")


def _next_url(profile_id: str, step: str) -> str:
    """Return where "save and continue" goes after ``step``: the next step, or the person's page."""
    steps = logic.INTAKE_STEPS
    following = steps[steps.index(step) + 1] if steps.index(step) + 1 < len(steps) else None
    if request.form.get("action") == "later" or following is None:
        return url_for("workspace.person", profile_id=profile_id)
    return url_for("intake.step", profile_id=profile_id, step=following)


def _save(form, profile_id: str, etag: str, body: dict, pointers: dict, extra: list) -> Reply | None:
    """Replace the profile; on refusal put the reasons beside the fields. Return the reply when it was saved."""
    try:
        reply = profiles().update_profile(service_token(), lang(), profile_id, etag, body)
    except ServiceUnavailable:
        extra.append((None, _keep_trying()))
        return None
    if reply.ok:
        return reply
    if reply.status == 412:
        g.conflict = True  # the page is shown again with the version just read, so the next save can go
        extra.append((None, _("Someone saved this profile while you were working on it. Check the answers below "
                              "and save again.")))
    elif reply.status == 404:
        abort(404)
    else:
        place_service_errors(form, reply, pointers, extra)
    return None


def _page(template: str, form, profile: dict | None, step: str, extra: list, **context):
    errors = summary_of(form, extra) if request.method == "POST" else list(extra)
    done = logic.steps_done(profile or {}, context.pop("credential_count", 0)) if profile else {}
    warnings = session.get("duplicates", {}).get(profile["id"], []) if profile else []
    etag = g.get("read_etag") if g.get("conflict") or request.method == "GET" else g.get("sent_etag")
    page = render_template(template, form=form, errors=errors, profile=profile, step=step, done=done,
                           steps=logic.INTAKE_STEPS, step_names=STEP_NAMES, warnings=warnings,
                           merge_form=MergeForm(), etag=etag, **context)
    return page, (422 if errors else 200)


# -- find the person first --------------------------------------------------------------------------------
@intake.get("/people/new")
@signed_in(COUNSELLOR)
def find_first():
    """Search the centre's people before registering someone new."""
    form = PeopleFilterForm(formdata=request.args)
    results = None
    q = (form.q.data or "").strip()
    if q:
        reply = profiles().list_profiles(service_token(), lang(), {"q": q}, limit=10)
        results = list((reply.body or {}).get("items") or []) if reply.ok else []
    return render_template("workspace/find.html", form=form, results=results, q=q)


# -- step 1: identity and consents ------------------------------------------------------------------------
def consent_statement(person_lang: str, centre: str) -> dict[str, str]:
    """Return what the person is told and asked before anything is recorded, in their language."""
    with force_locale(_text_language(person_lang)):
        return {
            "intro": _("%(centre)s uses Puente to help you find decent work. We will write down your name, "
                       "contact details, languages, work experience and papers.", centre=centre),
            "who": _("Only the counsellors of this centre see your name and contact details. An employer sees "
                     "them only if you agree, each time, for one job."),
            "rights": _("You can ask us at any time to show you, correct or delete your information. Saying no "
                        "does not change the help you get here."),
            "consent_matching": _("Do you agree that Puente looks for jobs that suit you?"),
            "consent_introductions": _("Do you agree that we ask you, each time, before we give your name and "
                                       "phone to an employer?"),
            "consent_statistics": _("Do you agree to be counted, without your name, in statistics?"),
            "consent_notifications": _("Do you agree that we send you a message, by WhatsApp or email, when we "
                                       "introduce you to an employer or find new jobs that suit you?"),
            "yes": _("Yes"), "no": _("No"),
        }


IDENTITY_POINTERS = {"/identity/given_names": "given_names", "/identity/family_names": "family_names",
                     "/identity/date_of_birth": "date_of_birth", "/identity/nationalities": "nationality",
                     "/identity/documents": "document_number", "/identity/phone": "phone",
                     "/identity/email": "email", "/location/country": "country", "/location/city": "city",
                     "/consents/matching": "consent_matching", "/consents/introductions": "consent_introductions",
                     "/consents/statistics": "consent_statistics",
                     "/consents/notifications": "consent_notifications", "/consents": "consent_matching",
                     "/text_language": "person_language"}


def _identity_changes(form, profile: dict | None, extra: list) -> dict | None:
    """Return the identity, location, consents and language the form records, on top of the profile's own."""
    old = (profile or {}).get("identity") or {}
    documents = list(old.get("documents") or [])
    if form.document_type.data:
        issuer = form.document_country.data or form.nationality.data
        if not issuer:
            attach(form, "document_country", _("Choose the country that issued the document"), extra)
            return None
        document = {"type": form.document_type.data, "number": form.document_number.data.strip(), "country": issuer}
        documents[:1] = [document]
    elif documents:
        documents = documents[1:]
    nationalities = list(old.get("nationalities") or [])
    nationalities[:1] = [form.nationality.data] if form.nationality.data else []
    identity = {**old, "given_names": form.given_names.data.strip(), "family_names": form.family_names.data.strip(),
                "date_of_birth": form.date_of_birth.data.isoformat() if form.date_of_birth.data else None,
                "nationalities": nationalities, "documents": documents,
                "phone": (form.phone.data or "").strip() or None, "whatsapp": bool(form.whatsapp.data),
                "email": (form.email.data or "").strip() or None}
    old_location = (profile or {}).get("location") or {}
    location = {"willing_to_relocate": False, "relocation_countries": [], **old_location,
                "country": form.country.data, "city": (form.city.data or "").strip() or None}
    consents = {p: getattr(form, f"consent_{p}").data == "yes" for p in logic.CONSENT_PURPOSES}
    return {"identity": identity, "location": location, "consents": consents,
            "text_language": form.person_language.data}


def _answer(consent: dict | None, purpose: str) -> str | None:
    """Return a recorded consent as the form's answer; a question never asked (messages, added later) has none."""
    if consent is None and purpose == "notifications":
        return None
    return "yes" if (consent or {}).get("given") else "no"


def _identity_data(profile: dict) -> dict:
    identity, location = profile.get("identity") or {}, profile.get("location") or {}
    document = (identity.get("documents") or [{}])[0]
    consents = profile.get("consents") or {}
    return {"person_language": profile.get("text_language") or lang(),
            **{f"consent_{p}": _answer(consents.get(p), p) for p in logic.CONSENT_PURPOSES},
            "given_names": identity.get("given_names"), "family_names": identity.get("family_names"),
            "date_of_birth": date.fromisoformat(identity["date_of_birth"]) if identity.get("date_of_birth") else None,
            "nationality": (identity.get("nationalities") or [""])[0], "document_type": document.get("type", ""),
            "document_number": document.get("number", ""), "document_country": document.get("country", ""),
            "phone": identity.get("phone"), "whatsapp": identity.get("whatsapp"), "email": identity.get("email"),
            "country": location.get("country"), "city": location.get("city")}


def _identity_page(form, profile, extra, from_centre):
    person_lang = form.person_language.data or lang()
    statement = consent_statement(person_lang, centre_name())
    return _page("workspace/intake_identity.html", form, profile, "identity", extra, statement=statement,
                 person_lang=person_lang, shown_in=_text_language(person_lang), from_centre=from_centre,
                 person_languages=PERSON_LANGUAGES)


@intake.route("/people/new/identity", methods=["GET", "POST"])
@signed_in(COUNSELLOR)
def register():
    """Step 1 for someone new: consent first, then identity; the profile is created here."""
    form, extra = IdentityForm(), []
    if request.method == "GET":
        asked = request.args.get("in")
        form.person_language.data = asked if asked in dict(PERSON_LANGUAGES) else lang()
    if request.method == "POST" and form.validate():
        changes = _identity_changes(form, None, extra)
        if changes is not None:
            body = logic.profile_body({}, **changes)
            try:
                reply = profiles().create_profile(service_token(), lang(), body)
            except ServiceUnavailable:
                extra.append((None, _keep_trying()))
            else:
                if reply.status == 201:
                    created = reply.body
                    warnings = [{k: w.get(k) for k in ("scope", "reasons", "message", "profile_id")}
                                for w in created.get("warnings") or []]
                    if warnings:
                        session["duplicates"] = {**session.get("duplicates", {}), created["id"]: warnings}
                        flash(_("Check this first: the person may already be registered."), "warning")
                    else:
                        flash(_("%(name)s is registered. Their answers are saved at every step.",
                                name=logic.full_name(created)))
                    return redirect(_next_url(created["id"], "identity"))
                place_service_errors(form, reply, IDENTITY_POINTERS, extra)
    return _identity_page(form, None, extra, True)


@intake.route("/people/<profile_id>/intake/<step>", methods=["GET", "POST"])
@signed_in(COUNSELLOR)
def step(profile_id: str, step: str):
    """Show or save one step of a person's intake."""
    handlers = {"identity": _identity_step, "languages": _languages_step, "experience": _experience_step,
                "education": _education_step, "wishes": _wishes_step}
    if step not in handlers:
        abort(404)
    profile, etag = get_profile_or_404(service_token(), profile_id)
    g.read_etag, g.sent_etag = etag, request.form.get("etag") or etag or ""
    return handlers[step](profile, g.sent_etag)


def _identity_step(profile: dict, etag: str):
    form, extra = IdentityForm(data=_identity_data(profile)) if request.method == "GET" else IdentityForm(), []
    if request.method == "GET" and request.args.get("in") in dict(PERSON_LANGUAGES):
        form.person_language.data = request.args["in"]
    answers_before = _identity_data(profile)
    if request.method == "POST":
        changed = any(getattr(form, f"consent_{p}").data != answers_before[f"consent_{p}"]
                      for p in logic.CONSENT_PURPOSES)
        if not changed:
            form.consent_read.validators = []  # only a changed answer needs the text read again
        if form.validate():
            changes = _identity_changes(form, profile, extra)
            if changes is not None:
                body = logic.profile_body(profile, **changes)
                if _save(form, profile["id"], etag, body, IDENTITY_POINTERS, extra):
                    flash(_("Saved."))
                    return redirect(_next_url(profile["id"], "identity"))
    return _identity_page(form, profile, extra, False)


# -- step 2: languages ------------------------------------------------------------------------------------
def _languages_step(profile: dict, etag: str):
    form, extra = LanguagesForm() if request.method == "POST" else None, []
    if form is None:
        rows = [{"code": x["code"], "level": x["level"]} for x in profile.get("languages") or []]
        if not rows and profile.get("text_language"):
            rows = [{"code": profile["text_language"], "level": "native"}]
        form = LanguagesForm(data={"languages": rows + [{}] * max(1, 4 - len(rows))})
    if request.method == "POST" and form.validate():
        chosen, seen = [], set()
        for entry in form.languages.entries:
            row = entry.form
            if not row.code.data:
                continue
            if row.code.data in seen:
                attach(form, row.code.id, _("This language is already in the list"), extra)
            seen.add(row.code.data)
            chosen.append({"code": row.code.data, "level": row.level.data})
        if not summary_of(form, extra):
            body = logic.profile_body(profile, languages=chosen)
            if _save(form, profile["id"], etag, body, {}, extra):
                flash(_("Saved."))
                return redirect(_next_url(profile["id"], "languages"))
    return _page("workspace/intake_languages.html", form, profile, "languages", extra)


# -- step 3: experience and skills ------------------------------------------------------------------------
def _codes(raw: str | None) -> list[str]:
    return [c for c in (raw or "").split(",") if c]


def suggestions_for(text: str, kind: str, exclude: set[str], limit: int) -> list[dict]:
    """Return what Puente reads in a text (occupations or skills), leaving out codes already decided."""
    text = text.strip()
    if len(text) < 3:
        return []
    reply = profiles().suggest(service_token(), lang(), text[:2000], None, kind, limit)
    items = list((reply.body or {}).get("items") or []) if reply.ok else []
    return [s for s in items if s.get("code") not in exclude]


def _experience_form(profile: dict) -> ExperienceForm:
    rows = []
    for job in profile.get("experience") or []:
        rows.append({"title": job.get("title"), "occupation": job.get("occupation") or "",
                     "country": job.get("country") or "", "description": job.get("description") or "",
                     "start_year": int(job["start"][:4]) if job.get("start") else None,
                     "end_year": int(job["end"][:4]) if job.get("end") else None})
    rows += [{}] * (max(3, len(rows) + 1) - len(rows))
    return ExperienceForm(data={"jobs": rows, "skills_text": profile.get("skills_text") or "",
                                "skills": list(profile.get("skills") or [])})


def _occupation_choices(form, profile: dict, suggested: dict[int, list[dict]]) -> None:
    """Offer, for each job, its confirmed occupation and the ones Puente read in its story."""
    lang_ = lang()
    for index, entry in enumerate(form.jobs.entries):
        row = entry.form
        current = row.occupation.data or ""
        choices = [(current, label(current, lang_))] if current else []
        # Named in the counsellor's language: the service names them in the story's.
        choices += [(s["code"], label(s["code"], lang_)) for s in suggested.get(index, []) if s["code"] != current]
        row.occupation.choices = options([*choices, ("", _("None of these, or not sure"))])
        if not current:
            row.occupation.data = ""


def _experience_step(profile: dict, etag: str):
    lang_, extra = lang(), []
    form = ExperienceForm() if request.method == "POST" else _experience_form(profile)
    confirmed = list(dict.fromkeys([*(profile.get("skills") or []), *(form.skills.data or [])]))
    form.skills.choices = options((c, label(c, lang_)) for c in confirmed)
    offered = _codes(form.suggested.data)
    rejected = set(_codes(form.rejected.data))
    accepted = [c for c in offered if request.form.get(f"skill-{c}") == "yes"]
    rejected |= {c for c in offered if request.form.get(f"skill-{c}") == "no"}
    skill_suggestions: list[dict] = []
    job_suggestions: dict[int, list[dict]] = {}
    action = request.form.get("action")
    if request.method == "POST" and action == "suggest":
        stories = " . ".join(filter(None, [form.skills_text.data, *(e.form.description.data for e in form.jobs)]))
        decided = set(form.skills.data or []) | set(accepted) | rejected
        skill_suggestions = suggestions_for(stories, "skill", decided, 10)
        for index, entry in enumerate(form.jobs.entries):
            story = " . ".join(filter(None, [entry.form.title.data, entry.form.description.data]))
            job_suggestions[index] = suggestions_for(story, "occupation", set(), 4)
        form.skills.choices += options((c, label(c, lang_)) for c in accepted if c not in confirmed)
        form.skills.data = list(dict.fromkeys([*(form.skills.data or []), *accepted]))
        form.suggested.data = ",".join(s["code"] for s in skill_suggestions)
        form.rejected.data = ",".join(sorted(rejected))
        _occupation_choices(form, profile, job_suggestions)
        return _page("workspace/intake_experience.html", form, profile, "experience", extra,
                     skill_suggestions=skill_suggestions, read=True, label=label)
    _occupation_choices(form, profile, {})
    if request.method == "POST" and form.validate():
        taxonomy = load_taxonomy()
        jobs = []
        for entry in form.jobs.entries:
            row = entry.form
            story = [row.title.data, row.description.data, row.start_year.data, row.end_year.data]
            if not (row.title.data or "").strip():
                if any(story[1:]):
                    attach(form, row.title.id, _("Enter the job, or clear this row"), extra)
                continue
            occupation = row.occupation.data or None
            if occupation and not taxonomy.is_occupation(occupation):
                attach(form, row.occupation.id, _("Choose one of the occupations offered"), extra)
            jobs.append({"title": row.title.data.strip(), "occupation": occupation,
                         "country": row.country.data or None, "description": (row.description.data or "").strip(),
                         "start": date(row.start_year.data, 1, 1).isoformat() if row.start_year.data else None,
                         "end": date(row.end_year.data, 12, 31).isoformat() if row.end_year.data else None})
        skills = [c for c in dict.fromkeys([*(form.skills.data or []), *accepted]) if taxonomy.is_skill(c)]
        if not summary_of(form, extra):
            body = logic.profile_body(profile, experience=jobs, skills=skills,
                                      skills_text=(form.skills_text.data or "").strip())
            if _save(form, profile["id"], etag, body, {"/skills": "skills", "/skills_text": "skills_text"}, extra):
                flash(_("Saved."))
                return redirect(_next_url(profile["id"], "experience"))
    return _page("workspace/intake_experience.html", form, profile, "experience", extra,
                 skill_suggestions=[], read=False, label=label)


@intake.post("/suggestions")
@signed_in(COUNSELLOR)
def live_suggestions():
    """Return, for the page's script, what Puente reads in a text as the counsellor types (HTML to insert)."""
    try:
        validate_csrf(request.headers.get("X-CSRFToken"))
    except (ValidationError, CSRFError):
        abort(400)
    kind = request.form.get("kind") if request.form.get("kind") in ("skill", "occupation") else "skill"
    exclude = set(_codes(request.form.get("exclude")))
    try:
        found = suggestions_for(request.form.get("text") or "", kind, exclude, 10 if kind == "skill" else 4)
    except ServiceUnavailable:
        return jsonify(html=None), 503
    row = request.form.get("row", "")
    if kind == "occupation" and not row.isdigit():
        abort(400)
    html = render_template("workspace/_suggestions.html", kind=kind, suggestions=found, row=row, label=label)
    return jsonify(html=html, codes=[s["code"] for s in found])


# -- step 4: education and credentials --------------------------------------------------------------------
CREDENTIAL_POINTERS = {"/title": "title", "/level": "level", "/orientation": "orientation", "/field": "field_code",
                       "/country": "country", "/institution": "institution", "/year": "year",
                       "/documents": "documents"}


def _education_step(profile: dict, etag: str):
    token, lang_, extra = service_token(), lang(), []
    form = CredentialForm()
    if request.method == "GET":
        form.destination.data = (profile.get("location") or {}).get("country")
    if request.method == "POST" and form.validate():
        body = {"profile_id": profile["id"], "title": form.title.data.strip(), "level": int(form.level.data),
                "orientation": form.orientation.data, "field": form.field_code.data or None,
                "country": form.country.data, "institution": form.institution.data.strip(),
                "year": form.year.data, "documents": list(form.documents.data)}
        try:
            declared = credentials().declare(token, lang_, body)
        except ServiceUnavailable:
            declared = None
            extra.append((None, _("We could not reach the credentials service. Your answers are kept; try again "
                                  "in a minute.")))
        if declared is not None and declared.status == 201:
            credential = declared.body
            assessed = credentials().assess(token, lang_, credential["id"], form.destination.data)
            education = [*(profile.get("education") or []),
                         {"title": body["title"], "level": body["level"], "field": None, "country": body["country"],
                          "institution": body["institution"], "year": body["year"],
                          "credential_id": credential["id"]}]
            # Declaring only adds a line to the profile as read a moment ago, so its own ETag guards the write.
            saved = _save(form, profile["id"], g.read_etag or etag, logic.profile_body(profile, education=education),
                          {}, extra)
            if saved is not None:
                if assessed.ok:
                    flash(_("Declared and assessed. The recognition route and its next steps are below."))
                else:
                    flash(_("Declared. The assessment could not be made just now; try it again later."), "warning")
                return redirect(url_for("intake.step", profile_id=profile["id"], step="education",
                                        _anchor=f"credential-{credential['id']}"))
        elif declared is not None:
            place_service_errors(form, declared, CREDENTIAL_POINTERS, extra)
    try:
        creds, creds_ok = list((credentials().list_for_profile(token, lang_, profile["id"]).body or {})
                               .get("items") or []), True
    except ServiceUnavailable:
        creds, creds_ok = [], False
    return _page("workspace/intake_education.html", form, profile, "education", extra, credentials=creds,
                 credentials_ok=creds_ok, status_names=CREDENTIAL_STATUSES, status_form=CredentialStatusForm(),
                 credential_count=len(creds))


@intake.post("/people/<profile_id>/credentials/<credential_id>/status")
@signed_in(COUNSELLOR)
def credential_status(profile_id: str, credential_id: str):
    """Move a credential's recognition procedure along (started, recognised, denied)."""
    form = CredentialStatusForm()
    back = url_for("intake.step", profile_id=profile_id, step="education", _anchor=f"credential-{credential_id}")
    if not form.validate():
        abort(400)
    reply = credentials().change_status(service_token(), lang(), credential_id, form.etag.data or "",
                                        form.status.data, (form.note.data or "").strip())
    if reply.ok:
        flash(_("Saved: %(status)s.", status=CREDENTIAL_STATUSES[form.status.data]))
    elif reply.status == 404:
        abort(404)
    elif reply.status == 412:
        flash(_("Someone changed this credential a moment ago. Check its status and try again."), "warning")
    else:
        flash(_("The credential cannot move to this status from where it is now."), "warning")
    return redirect(back)


# -- step 5: wishes and availability ----------------------------------------------------------------------
def _wishes_data(profile: dict) -> dict:
    location = profile.get("location") or {}
    pay = profile.get("pay_expectation") or {}
    permits = profile.get("work_authorizations") or []
    here = next((w for w in permits if w.get("country") == location.get("country")), permits[0] if permits else {})
    return {"desired": list(profile.get("desired_occupations") or []), "availability": profile.get("availability"),
            "pay_amount": pay.get("amount"), "pay_currency": pay.get("currency"),
            "pay_period": pay.get("period") or "month",
            "willing_to_relocate": location.get("willing_to_relocate"),
            "relocation_countries": list(location.get("relocation_countries") or []),
            "permit_country": here.get("country") or location.get("country"), "permit_status": here.get("status"),
            "permit_expires": date.fromisoformat(here["expires"]) if here.get("expires") else None}


WISHES_POINTERS = {"/desired_occupations": "other_occupation", "/availability": "availability",
                   "/pay_expectation": "pay_amount", "/location/relocation_countries": "relocation_countries",
                   "/location": "willing_to_relocate", "/work_authorizations": "permit_status"}


def _wishes_step(profile: dict, etag: str):
    lang_, extra = lang(), []
    form = WishesForm(data=_wishes_data(profile)) if request.method == "GET" else WishesForm()
    if request.method == "GET" and not form.pay_currency.data:
        from services.portal.forms import CURRENCY_OF

        form.pay_currency.data = CURRENCY_OF.get((profile.get("location") or {}).get("country"), "USD")
    worked = [j["occupation"] for j in profile.get("experience") or [] if j.get("occupation")]
    offered = list(dict.fromkeys([*worked, *(profile.get("desired_occupations") or [])]))
    form.desired.choices = options((c, label(c, lang_)) for c in offered)
    if request.method == "POST" and form.validate():
        desired = [c for c in form.desired.data if c in offered]
        if (form.other_occupation.data or "").strip():
            code, near = resolve_occupation(form.other_occupation.data, lang_)
            if code is None:
                names = ", ".join(f"{name} ({c})" for c, name in near)
                attach(form, "other_occupation", _("We do not know this occupation. Type another name or a 4-digit "
                                                   "ISCO-08 code.") + (f" {names}" if names else ""), extra)
            elif code not in desired:
                desired.append(code)
        location = {**(profile.get("location") or {}), "willing_to_relocate": bool(form.willing_to_relocate.data),
                    "relocation_countries": list(form.relocation_countries.data)
                    if form.willing_to_relocate.data else []}
        permits = [w for w in profile.get("work_authorizations") or [] if w.get("country") != form.permit_country.data]
        if form.permit_status.data:
            old = next((w for w in profile.get("work_authorizations") or []
                        if w.get("country") == form.permit_country.data), {})
            permits.append({**old, "country": form.permit_country.data, "status": form.permit_status.data,
                            "expires": form.permit_expires.data.isoformat() if form.permit_expires.data else None})
        pay = ({"amount": float(form.pay_amount.data), "currency": form.pay_currency.data,
                "period": form.pay_period.data} if form.pay_amount.data else None)
        if not summary_of(form, extra):
            body = logic.profile_body(profile, desired_occupations=desired[:10], availability=form.availability.data
                                      or None, pay_expectation=pay, location=location, work_authorizations=permits)
            if _save(form, profile["id"], etag, body, WISHES_POINTERS, extra):
                flash(_("Saved. The registration is complete; matching reads the profile within a few minutes."))
                return redirect(_next_url(profile["id"], "wishes"))
    return _page("workspace/intake_wishes.html", form, profile, "wishes", extra)


# -- duplicates -------------------------------------------------------------------------------------------
@intake.post("/people/<profile_id>/merge")
@signed_in(COUNSELLOR)
def merge(profile_id: str):
    """Fold a new registration (``other_id``) into this person's existing profile, and go on with that one."""
    form = MergeForm()
    if not form.validate():
        abort(400)
    reply = profiles().merge_profiles(service_token(), lang(), profile_id, form.other_id.data)
    if not reply.ok:
        flash(_("The two profiles could not be merged."), "warning")
        return redirect(url_for("workspace.person", profile_id=form.other_id.data))
    duplicates = dict(session.get("duplicates", {}))
    duplicates.pop(form.other_id.data, None)
    session["duplicates"] = duplicates
    flash(_("Merged: the new registration is now part of this profile."))
    return redirect(url_for("workspace.person", profile_id=profile_id))


@intake.post("/people/<profile_id>/duplicates/dismiss")
@signed_in(COUNSELLOR)
def dismiss_duplicates(profile_id: str):
    """Say the possible duplicates are other people, so the warning goes away."""
    if not _csrf_ok():
        abort(400)
    duplicates = dict(session.get("duplicates", {}))
    duplicates.pop(profile_id, None)
    session["duplicates"] = duplicates
    return redirect(url_for("workspace.person", profile_id=profile_id))


def _csrf_ok() -> bool:
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError):
        return False
    return True
