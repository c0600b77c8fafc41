"""The counsellor's pages about people: the morning queue and search, a person's page, their ranked matches
with what blocks each, introductions with consent, the pipeline's stages, and the printable one-page profile.

Every call carries the signed-in counsellor's token: the services show only their centre's people.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import force_locale, format_percent
from flask_babel import gettext as _
from markupsafe import Markup

from services.portal.alerts import PEOPLE, PEOPLE_FILTERS
from services.portal.exports import MAX_ROWS
from services.portal.forms import CONTRACTS, options
from services.portal.notifications import EMAIL, WHATSAPP, employer_introduction_notice, introduction_notice
from services.portal.ports import Reply, ServiceUnavailable
from services.portal.web import lang, local_path, matching, service_token, signed_in, vacancies
from services.portal.workspace import logic
from services.portal.workspace.common import (
    COUNSELLOR,
    attach,
    centre_name,
    credentials,
    label,
    notice_settings,
    notifier,
    page_blueprint,
    place_service_errors,
    profiles,
    register_filters,
    resolve_occupation,
    searches,
    summary_of,
)
from services.portal.workspace.forms import (
    CREDENTIAL_STATUSES,
    DECLINE_REASONS,
    PERSON_COUNTRIES,
    PERSON_LANGUAGES,
    SPOKEN,
    STAGE_NAMES,
    TRADES,
    AlertForm,
    DeclineForm,
    DeleteForm,
    IntroductionConsentForm,
    PeopleFilterForm,
    ProposeForm,
    SaveSearchForm,
    StageForm,
)
from shared.errors import Invalid
from shared.pagination import decode_cursor, encode_cursor

workspace = page_blueprint("workspace", "/workspace")
register_filters(workspace)

PAGE_SIZE = 20
QUEUE_SOURCE = 20  # people per queue source (interviews, introduced, stale); the filtered list shows the rest
STRONG_CHECKS = 15  # people whose matches the queue checks for strong ones, to keep the page quick
MATCHES_PER_PAGE = 10
MATCHING_PAGE = 100  # the matching API's largest page
PRINT_LANGUAGES = ("es", "pt", "en", "fr")  # the catalogue's languages; Haitian Creole is read aloud from French


def _items(reply: Reply) -> list[dict]:
    return list((reply.body or {}).get("items") or []) if reply.ok and isinstance(reply.body, dict) else []


def get_profile_or_404(token: str, profile_id: str) -> tuple[dict, str | None]:
    """Return a person of the counsellor's centre and its ETag; any other answer is a 404 page."""
    reply = profiles().get_profile(token, lang(), profile_id)
    if not reply.ok:
        abort(404)
    return reply.body, reply.etag


# -- the queue and the list -------------------------------------------------------------------------------
def _queue(token: str, lang_: str) -> tuple[list[logic.Task], bool]:
    """Return who needs something done today, and whether part of it could not be loaded."""
    incomplete = False

    def people(**filters) -> list[dict]:
        nonlocal incomplete
        try:
            reply = profiles().list_profiles(token, lang_, filters, limit=QUEUE_SOURCE if filters else 50)
        except ServiceUnavailable:
            incomplete = True
            return []
        incomplete |= not reply.ok
        return _items(reply)

    interviews, introduced, stale, everyone = (people(stage="interview"), people(stage="introduced"),
                                               people(stale="true"), people())
    names = {p["id"]: logic.full_name(p) for p in (*interviews, *introduced, *stale, *everyone)}
    requests = []
    try:
        open_requests = _items(profiles().list_introduction_requests(token, lang_))
    except ServiceUnavailable:
        incomplete, open_requests = True, []
    for req in open_requests[:QUEUE_SOURCE]:
        person = req.get("candidate") or req.get("profile_id")
        if person not in names:
            reply = profiles().get_profile(token, lang_, person)
            names[person] = logic.full_name(reply.body) if reply.ok else _("A person of your centre")
        requests.append((req, names[person]))
    strong = []
    for person in [p for p in everyone if p.get("latest_stage") is None and p.get("matching")][:STRONG_CHECKS]:
        try:
            reply = matching().for_profile(token, lang_, person["id"], limit=5)
        except ServiceUnavailable:
            incomplete = True
            break  # one timeout for the page, not one per person
        strong.append((person, logic.strong_matches(_items(reply))))
    try:
        alerts = alert_news(token, lang_, names)
    except ServiceUnavailable:
        incomplete, alerts = True, []
    tasks = logic.build_queue(requests=requests, interviews=interviews, alerts=alerts, strong=strong,
                              introduced=introduced, stale=stale, now=datetime.now(UTC))
    return tasks, incomplete


def alert_news(token: str, lang_: str, names: dict[str, str]) -> list[logic.AlertNews]:
    """Return the counsellor's job alerts with strong matches not opened yet, for the queue."""
    news = []
    for alert_id, hits in searches().unseen(g.user.id).items():
        alert = searches().get(alert_id)
        if alert is None or alert.profile_id is None:
            continue
        if alert.profile_id not in names:
            reply = profiles().get_profile(token, lang_, alert.profile_id)
            if not reply.ok:
                continue  # erased, merged or moved to another centre: nothing to do about them here
            names[alert.profile_id] = logic.full_name(reply.body)
        news.append(logic.AlertNews(alert.id, alert.profile_id, names[alert.profile_id], alert.name, len(hits),
                                    min(h.found_at for h in hits)))
    return news


SEARCH_FIELDS = ("q", "occupation", "language", "stage", "contact")


def _searching(args) -> bool:
    return any(args.get(k) for k in SEARCH_FIELDS)


def people_filters(form: PeopleFilterForm, lang_: str) -> tuple[dict[str, str], list]:
    """Return the profiles API's filters for a valid search form, and the errors it cannot show by itself."""
    filters: dict[str, str] = {}
    extra: list = []
    if not form.validate():
        return filters, extra
    if form.q.data and form.q.data.strip():
        filters["q"] = form.q.data.strip()
    if form.occupation.data and form.occupation.data.strip():
        code, near = resolve_occupation(form.occupation.data, lang_)
        if code:
            filters["occupation"] = code
        else:
            attach(form, "occupation", _("We do not know this occupation. Type another name or a 4-digit "
                                         "ISCO-08 code."), extra)
            form.occupation_near = near
    for name in ("language", "stage"):
        if getattr(form, name).data:
            filters[name] = getattr(form, name).data
    if form.contact.data == "stale":
        filters["stale"] = "true"
    return filters, extra


@workspace.get("/")
@signed_in(COUNSELLOR)
def queue():
    """Show the centre's people: who needs something done first, then everyone, searched and filtered."""
    form = PeopleFilterForm(formdata=request.args)
    token, lang_ = service_token(), lang()
    searching = _searching(request.args)
    filters, extra = people_filters(form, lang_) if searching else ({}, [])
    errors = summary_of(form, extra)
    items, next_cursor = [], None
    if not errors:
        reply = profiles().list_profiles(token, lang_, filters, limit=PAGE_SIZE, cursor=request.args.get("cursor"))
        if reply.status in (400, 422):
            place_service_errors(form, reply, {"/cursor": "q"}, extra)
            errors = summary_of(form, extra)
        elif not reply.ok:
            abort(502)
        else:
            items, next_cursor = _items(reply), reply.body.get("next_cursor")
    tasks, incomplete = ([], False) if searching else _queue(token, lang_)
    next_args = {k: v for k, v in request.args.items() if k != "cursor"}
    return render_template("workspace/queue.html", form=form, errors=errors, items=items, tasks=tasks,
                           incomplete=incomplete, searching=searching, next_cursor=next_cursor,
                           next_args=next_args, stage_names=STAGE_NAMES, centre=centre_name(),
                           now=datetime.now(UTC), stale_after=logic.STALE_AFTER,
                           near=getattr(form, "occupation_near", []), saved=searches().of_owner(g.user.id, PEOPLE),
                           save_form=SaveSearchForm(formdata=None), delete_form=DeleteForm(),
                           savable=[k for k in PEOPLE_FILTERS if request.args.get(k)],
                           export_args=next_args), 422 if errors else 200


# -- a person's page --------------------------------------------------------------------------------------
def _placements(token: str, profile_id: str) -> list[dict]:
    return _items(profiles().list_placements(token, lang(), profile_id=profile_id))


@workspace.get("/people/<profile_id>")
@signed_in(COUNSELLOR)
def person(profile_id: str):
    """Show a person: what is recorded, where the intake stands, their credentials and their placements."""
    token = service_token()
    profile, _etag = get_profile_or_404(token, profile_id)
    try:
        creds, creds_ok = _items(credentials().list_for_profile(token, lang(), profile_id)), True
    except ServiceUnavailable:
        creds, creds_ok = [], False
    placements = _placements(token, profile_id)
    done = logic.steps_done(profile, len(creds))
    warnings = session.get("duplicates", {}).get(profile_id, [])
    return render_template("workspace/person.html", profile=profile, credentials=creds, credentials_ok=creds_ok,
                           placements=placements, done=done, resume=logic.resume_step(done), warnings=warnings,
                           stage_names=STAGE_NAMES, next_stages=logic.next_stages, label=label,
                           status_names=CREDENTIAL_STATUSES, today=date.today().isoformat(), merge_form=None,
                           spoken=dict(SPOKEN))


# -- matches ----------------------------------------------------------------------------------------------
class VacancyDetails:
    """The vacancies and minimum wages a page needs, each read once per request."""

    def __init__(self, token: str, lang_: str):
        self.token, self.lang = token, lang_
        self.vacancies: dict[str, dict | None] = {}
        self.minimums: dict[str, dict | None] = {}

    def vacancy(self, vacancy_id: str) -> dict | None:
        """Return a published vacancy, or None when it is gone or hidden."""
        if vacancy_id not in self.vacancies:
            reply = vacancies().get_vacancy(self.token, self.lang, vacancy_id)
            self.vacancies[vacancy_id] = reply.body if reply.ok else None
        return self.vacancies[vacancy_id]

    @staticmethod
    def employer(vacancy: dict) -> str:
        """Return the name of a vacancy's employer, as its public page shows it (the employer's own record is
        not a counsellor's to read)."""
        return vacancy.get("employer_name") or vacancy.get("employer_id", "")

    def minimum(self, country: str) -> dict | None:
        """Return a country's monthly minimum wage, or None."""
        if country not in self.minimums:
            try:
                reply = vacancies().minimum_wage(self.token, self.lang, country)
            except ServiceUnavailable:
                reply = Reply(503, None)
            self.minimums[country] = reply.body if reply.ok else None
        return self.minimums[country]


def _position(raw: str | None) -> tuple[str | None, int, int]:
    """Return where a page of matches starts: matching's cursor, the rank of its first item, and the index."""
    if not raw:
        return None, 0, 0
    try:
        cursor, base, index = decode_cursor(raw, 3)
        return (str(cursor) or None), max(0, int(base)), max(0, int(index))
    except (Invalid, TypeError, ValueError):
        return None, 0, 0


def shown_match(item: dict, rank: int, filters: logic.MatchFilters, details: VacancyDetails,
                placements: dict[str, dict]) -> dict | None:
    """Return a ranked vacancy as the matches page shows it, or None when the filters leave it out or it is gone."""
    fit = logic.trade_fit(item.get("explanation") or {})
    if not filters.admits(item, fit):
        return None
    vacancy = details.vacancy(item["vacancy_id"])
    if vacancy is None or (filters.country and vacancy.get("country") != filters.country):
        return None
    return {"item": item, "vacancy": vacancy, "rank": rank, "fit": fit,
            "employer": details.employer(vacancy),
            "minimum": details.minimum(vacancy.get("country", "")),
            "placement": placements.get(item["vacancy_id"]),
            "why": logic.why_not_higher(item, rank - 1)}


def ranked_for(token: str, lang_: str, profile_id: str, cursor: str | None = None) -> tuple[str, list[dict],
                                                                                               str | None]:
    """Return matching's state for the person ("ranked" or "unknown"), one page of ranked items and the next
    cursor; a service that is down is raised as ServiceUnavailable (the page says so)."""
    reply = matching().for_profile(token, lang_, profile_id, limit=MATCHING_PAGE, cursor=cursor)
    if reply.status in (403, 404):
        return "unknown", [], None
    if not reply.ok:
        raise ServiceUnavailable(f"matching answered {reply.status}")
    return "ranked", _items(reply), reply.body.get("next_cursor")


def all_matches(token: str, lang_: str, profile_id: str, filters: logic.MatchFilters, details: VacancyDetails,
                limit: int = MAX_ROWS) -> tuple[str, list[dict], bool]:
    """Return every match the page would show across its pages, in rank order (at most ``limit``, and whether
    there were more)."""
    placements = {p["vacancy_id"]: p for p in _placements(token, profile_id)}
    state, ranked, more = ranked_for(token, lang_, profile_id)
    shown, rank = [], 0
    while True:
        for item in ranked:
            rank += 1
            entry = shown_match(item, rank, filters, details, placements)
            if entry is not None:
                if len(shown) == limit:
                    return state, shown, True
                shown.append(entry)
        if not more:
            return state, shown, False
        _state, ranked, more = ranked_for(token, lang_, profile_id, more)


@workspace.get("/people/<profile_id>/matches")
@signed_in(COUNSELLOR)
def matches(profile_id: str):
    """List the person's ranked vacancies with reasons, skills, blockers and next steps; filter and act on them."""
    token, lang_ = service_token(), lang()
    profile, _etag = get_profile_or_404(token, profile_id)
    filters = logic.MatchFilters.of(request.args)
    matching_cursor, base, offset = _position(request.args.get("at"))
    state, ranked, more = ranked_for(token, lang_, profile_id, matching_cursor)
    details = VacancyDetails(token, lang_)
    placements = {p["vacancy_id"]: p for p in _placements(token, profile_id)}
    shown, index = [], offset
    while index < len(ranked) and len(shown) < MATCHES_PER_PAGE:
        item = ranked[index]
        index += 1
        entry = shown_match(item, base + index, filters, details, placements)
        if entry is not None:
            shown.append(entry)
    if index < len(ranked):
        next_at = encode_cursor(matching_cursor or "", base, index)
    elif more:
        next_at = encode_cursor(more, base + len(ranked), 0)
    else:
        next_at = None
    alerts = searches().for_profile(g.user.id, profile_id)
    return render_template("workspace/matches.html", profile=profile, shown=shown, state=state,
                           filters=filters.args(), next_at=next_at, stage_names=STAGE_NAMES,
                           decline_form=DeclineForm(), why_text=why_text, countries=PERSON_COUNTRIES, trades=TRADES,
                           contracts=dict(CONTRACTS), label=label, alerts=alerts,
                           alert_form=AlertForm(formdata=None), delete_form=DeleteForm(),
                           notifications_given=logic.consents_to(profile, "notifications"))


def why_text(why: logic.Why) -> str:
    """Return one reason a vacancy is not ranked higher, in the reader's language."""
    p = why.params
    texts = {
        "first": lambda: _("It is the first match: nothing ranks above it."),
        "blocked": lambda: _("Jobs the person can take now come first; this one is blocked: %(blockers)s",
                             blockers=" ".join(p.get("blockers") or [])),
        "text": lambda: _("The job's description and the person's story have little in common (similarity "
                          "%(value)s).", value=format_percent(p["value"])),
        "trade": lambda: _("It is another trade (%(vacancy)s); the person's closest is %(closest)s.",
                           vacancy=p.get("vacancy") or "?", closest=p.get("closest") or "?"),
        "trade_not_worked": lambda: _("It is a trade they wish for or studied (%(vacancy)s), not one they have "
                                      "worked in.", vacancy=p.get("vacancy") or "?"),
        "trade_unknown": lambda: _("None of the person's occupations is close to this job's (%(vacancy)s).",
                                   vacancy=p.get("vacancy") or "?"),
        "skills": lambda: _("They have %(have)s of the %(needed)s skills the job requires; missing: %(missing)s.",
                            have=p["have"], needed=p["needed"], missing=", ".join(p["missing"])),
        "no_experience": lambda: _("No work experience in this occupation is recorded."),
        "little_experience": lambda: _("Less than three years of experience in this occupation."),
        "language": lambda: _("Their language levels are below what the job asks."),
        "location_city": lambda: _("The job is in another city."),
        "location_move": lambda: _("The job is in another country; they said they would move."),
        "location_no_move": lambda: _("The job is in a country they do not want to move to."),
        "close_call": lambda: _("Nothing in particular: the jobs above fit a little better overall."),
    }
    return texts[why.code]()


def _back(profile_id: str) -> str:
    return local_path(request.form.get("next"), url_for("workspace.matches", profile_id=profile_id))


@workspace.post("/people/<profile_id>/matches/<vacancy_id>/propose")
@signed_in(COUNSELLOR)
def propose(profile_id: str, vacancy_id: str):
    """Propose the person for a vacancy: the placement starts at ``proposed``."""
    form = ProposeForm()
    if not form.validate():
        abort(400)
    reply = profiles().create_placement(service_token(), lang(), profile_id, vacancy_id, form.note.data or None)
    if reply.status == 201:
        flash(_("Proposed. Ask the person whether they agree to be introduced to the employer."))
    elif reply.status == 409:
        flash(_("This person is already in the pipeline for this vacancy."), "warning")
    elif reply.status == 404:
        abort(404)
    else:
        flash(_("The profiles service refused the proposal."), "warning")
    return redirect(_back(profile_id))


def _placement_for(token: str, profile_id: str, vacancy_id: str, created: Reply) -> tuple[dict, str] | None:
    """Return the person's placement for a vacancy and its ETag, after an attempt to create it."""
    placement_id = None
    if created.status == 201:
        return created.body, created.etag or f'"{created.body.get("version", 1)}"'
    if created.status == 409:
        if created.location:
            placement_id = created.location.rstrip("/").rsplit("/", 1)[-1]
        else:
            found = _items(profiles().list_placements(token, lang(), profile_id=profile_id, vacancy_id=vacancy_id))
            placement_id = found[0]["id"] if found else None
    if placement_id is None:
        return None
    reply = profiles().get_placement(token, lang(), placement_id)
    return (reply.body, reply.etag) if reply.ok else None


@workspace.post("/people/<profile_id>/matches/<vacancy_id>/decline")
@signed_in(COUNSELLOR)
def decline(profile_id: str, vacancy_id: str):
    """Record that a vacancy is not for this person, with the reason (matching learns from outcomes)."""
    form = DeclineForm()
    if not form.validate():
        abort(400)
    token = service_token()
    created = profiles().create_placement(token, lang(), profile_id, vacancy_id)
    if created.status == 404:
        abort(404)
    found = _placement_for(token, profile_id, vacancy_id, created)
    if found is None:
        flash(_("The profiles service refused the change."), "warning")
        return redirect(_back(profile_id))
    placement, etag = found
    reason = dict(DECLINE_REASONS)[form.reason.data]
    reply = profiles().record_stage(token, lang(), placement["id"], etag, "not_hired", note=str(reason))
    if reply.ok:
        flash(_("Recorded: not for this person (%(reason)s).", reason=reason))
    else:
        flash(_("This vacancy cannot be marked as not for this person at its current stage."), "warning")
    return redirect(_back(profile_id))


# -- introduction, with consent ---------------------------------------------------------------------------
def _text_language(code: str) -> str:
    """Return the catalogue language a person's language is shown in (Haitian Creole: French, read aloud)."""
    return code if code in PRINT_LANGUAGES else "fr" if code == "ht" else "es"


def consent_texts(person_lang: str, employer: str, title: str) -> dict[str, str]:
    """Return the introduction question in the person's language."""
    with force_locale(_text_language(person_lang)):
        return {
            "question": _("We would like to give your name, phone number and email address to %(employer)s for "
                          "the job “%(title)s”, so that they can call you about it. Do you agree?",
                          employer=employer, title=title),
            "free": _("You can say no. Saying no does not change the help you get here."),
            "lang": _text_language(person_lang),
        }


@workspace.route("/people/<profile_id>/introduce/<vacancy_id>", methods=["GET", "POST"])
@signed_in(COUNSELLOR)
def introduce(profile_id: str, vacancy_id: str):
    """Ask the person, in their language, whether they agree to be introduced for this vacancy; record it."""
    token, extra = service_token(), []
    profile, _etag = get_profile_or_404(token, profile_id)
    details = VacancyDetails(token, lang())
    vacancy = details.vacancy(vacancy_id)
    if vacancy is None:
        abort(404)
    employer = details.employer(vacancy)
    form = IntroductionConsentForm()
    if request.method == "GET":
        asked = request.args.get("in")
        form.language.data = asked if asked in dict(PERSON_LANGUAGES) else logic.person_language(profile, lang())
    allowed = bool(((profile.get("consents") or {}).get("introductions") or {}).get("given"))
    if request.method == "POST" and allowed and form.validate():
        if form.answer.data != "yes":
            flash(_("Nothing was shared with the employer."))
            return redirect(url_for("workspace.matches", profile_id=profile_id))
        consent = {"given": True, "language": form.language.data, "read_aloud": bool(form.read_aloud.data)}
        reply = profiles().introduce(token, lang(), profile_id, vacancy_id, consent)
        if reply.ok:
            flash(_("%(name)s is introduced. %(employer)s can now see their name and contact details.",
                    name=logic.full_name(profile), employer=employer))
            tell_of_introduction(profile, vacancy, employer)
            return redirect(url_for("workspace.person", profile_id=profile_id))
        if reply.status == 404:
            abort(404)
        place_service_errors(form, reply, {"/consent/given": "answer", "/consent/language": "language",
                                           "/consent": "answer"}, extra)
    errors = summary_of(form, extra) if request.method == "POST" else []
    texts = consent_texts(form.language.data or "es", employer, vacancy.get("title", ""))
    page = render_template("workspace/introduce.html", form=form, errors=errors, profile=profile, vacancy=vacancy,
                           employer=employer, texts=texts, allowed=allowed)
    return page, (422 if errors else 200)


def tell_of_introduction(profile: dict, vacancy: dict, employer: str) -> None:
    """Tell the person (if they agreed to messages) and the employer's users (if they asked) of an introduction."""
    subject, text = introduction_notice(profile, employer, vacancy.get("title", ""), centre_name())
    channel = notifier().tell_person(profile, subject, text)
    if channel == WHATSAPP:
        flash(_("The person was sent a WhatsApp message about it."))
    elif channel == EMAIL:
        flash(_("The person was sent an email about it."))
    elif logic.consents_to(profile, "notifications"):
        flash(_("The person agreed to messages, but none could be sent: tell them yourself."), "warning")
    link = url_for("candidates.vacancy_candidates", vacancy_id=vacancy["id"], _external=True)
    settings = url_for("candidates.notice_settings_page", _external=True)
    subscribers = notice_settings().introduction_subscribers(vacancy.get("employer_id", ""))
    notifier().tell_employers(subscribers, lambda lang_: employer_introduction_notice(
        vacancy.get("title", ""), link, settings, lang_))


# -- stages -----------------------------------------------------------------------------------------------
@workspace.route("/placements/<placement_id>/stage", methods=["GET", "POST"])
@signed_in(COUNSELLOR)
def stage(placement_id: str):
    """Record what happened next in a placement (applied, interview, hired, not hired, left), dated, in seconds."""
    token, extra = service_token(), []
    reply = profiles().get_placement(token, lang(), placement_id)
    if not reply.ok:
        abort(404)
    placement = reply.body
    form = StageForm()
    choices = [s for s in logic.next_stages(placement["stage"]) if s != "introduced"]
    form.stage.choices = options((s, STAGE_NAMES[s]) for s in choices)
    back = local_path(request.values.get("next"), url_for("workspace.person", profile_id=placement["profile_id"]))
    if request.method == "POST" and form.validate():
        if form.stage.data not in choices:
            attach(form, "stage", _("Choose what happened"), extra)
        else:
            sent = profiles().record_stage(token, lang(), placement_id, form.etag.data or reply.etag or "",
                                           form.stage.data, note=(form.note.data or "").strip() or None,
                                           on=form.on.data.isoformat())
            if sent.ok:
                flash(_("Recorded: %(stage)s on %(date)s.", stage=STAGE_NAMES[form.stage.data],
                        date=_format_date(form.on.data)))
                return redirect(back)
            if sent.status == 412:
                flash(_("Someone recorded a stage for this placement a moment ago. Here is the latest; record "
                        "yours again if it still applies."), "warning")
                return redirect(url_for("workspace.stage", placement_id=placement_id, next=back))
            if sent.status == 409:
                extra.append((None, _("This step cannot follow the current stage.")))
            else:
                place_service_errors(form, sent, {"/stage": "stage", "/on": "on", "/note": "note"}, extra)
    if request.method == "GET" or not form.etag.data:
        form.etag.data = reply.etag
    errors = summary_of(form, extra) if request.method == "POST" else []
    page = render_template("workspace/stage.html", form=form, errors=errors, placement=placement,
                           stage_names=STAGE_NAMES, back=back, can_introduce=placement["stage"] == "proposed")
    return page, (422 if errors else 200)


def _format_date(value: date) -> str:
    from flask_babel import format_date

    return format_date(value, "long")


# -- the printable one-page profile -----------------------------------------------------------------------
@workspace.get("/people/<profile_id>/print")
@signed_in(COUNSELLOR)
def print_profile(profile_id: str):
    """Show the person's one-page summary in their language, to print or hand over."""
    token = service_token()
    profile, _etag = get_profile_or_404(token, profile_id)
    asked = request.args.get("lang")
    person_lang = asked if asked in (*PRINT_LANGUAGES, "ht") else logic.person_language(profile, lang())
    text_lang = _text_language(person_lang)
    try:
        creds = _items(credentials().list_for_profile(token, text_lang, profile_id))
    except ServiceUnavailable:
        creds = []
    jobs = []
    try:
        reply = matching().for_profile(token, text_lang, profile_id, limit=10)
    except ServiceUnavailable:
        reply = Reply(503, None)
    details = VacancyDetails(token, text_lang)
    for item in _items(reply):
        vacancy = details.vacancy(item["vacancy_id"])
        if vacancy is not None:
            employer = details.employer(vacancy)
            jobs.append({"item": item, "vacancy": vacancy, "employer": employer})
        if len(jobs) == 3:
            break
    with force_locale(text_lang):
        sheet = render_template("workspace/_sheet.html", profile=profile, credentials=creds, jobs=jobs,
                                text_lang=text_lang, centre=centre_name(), label=label, today=date.today(),
                                language_names=dict(SPOKEN), credential_names=CREDENTIAL_STATUSES)
    return render_template("workspace/print.html", sheet=Markup(sheet), profile=profile, person_lang=person_lang,
                           text_lang=text_lang, languages_offered=(*PRINT_LANGUAGES, "ht"),
                           language_names=dict(PERSON_LANGUAGES))
