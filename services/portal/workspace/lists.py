"""The counsellor's lists as files (CSV, XLSX, anonymised or not), saved people searches and job alerts.

An export holds exactly the rows and columns its page shows for the same filters, across all its pages; the
anonymised one holds a pseudonymous id (stable within the centre) instead of names, contacts and documents.
Job alerts are checked by ``run_alerts`` (``puente alerts``, or a thread of the embedded default).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask import Flask, abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from services.portal.alerts import ALERT, PEOPLE, PEOPLE_FILTERS, Job, RunReport, SearchError, new_search
from services.portal.exports import MAX_ROWS, Sheet
from services.portal.forms import CONTRACTS
from services.portal.notifications import matches_notice
from services.portal.ports import ServiceUnavailable
from services.portal.web import lang, local_path, service_token, signed_in
from services.portal.workspace import logic
from services.portal.workspace.common import (
    COUNSELLOR,
    anonymised,
    centre_name,
    export_format,
    label,
    page_blueprint,
    person_pseudonym,
    profiles,
    searches,
    send_sheet,
    summary_of,
)
from services.portal.workspace.forms import (
    LAST_CONTACT,
    SPOKEN,
    STAGE_NAMES,
    TRADES,
    AlertForm,
    DeleteForm,
    PeopleFilterForm,
    SaveSearchForm,
)
from services.portal.workspace.people import (
    VacancyDetails,
    all_matches,
    get_profile_or_404,
    people_filters,
)

lists = page_blueprint("lists")
log = logging.getLogger("puente.portal.alerts")

ALERTS_EVERY_S = 300.0  # how often the embedded default checks the job alerts
PEOPLE_PAGE = 100  # the profiles API's largest page


def _items(reply) -> list[dict]:
    return list((reply.body or {}).get("items") or []) if reply.ok and isinstance(reply.body, dict) else []


def _exported_on() -> tuple[str, Any]:
    return _("Exported on"), datetime.now(UTC).date()


def _anonymised_row() -> tuple[str, str]:
    return _("Anonymised"), _("Yes") if anonymised() else _("No")


# -- the centre's people ----------------------------------------------------------------------------------
def all_people(token: str, lang_: str, filters: Mapping[str, str]) -> tuple[list[dict], bool]:
    """Return every person of the list for these filters, following its pages (at most MAX_ROWS)."""
    out, cursor = [], None
    while True:
        reply = profiles().list_profiles(token, lang_, dict(filters), limit=PEOPLE_PAGE, cursor=cursor)
        if not reply.ok:
            raise ServiceUnavailable(f"profiles answered {reply.status}")
        out += _items(reply)
        if len(out) > MAX_ROWS:
            return out[:MAX_ROWS], True
        cursor = reply.body.get("next_cursor")
        if not cursor:
            return out, False


def people_row(person: Mapping[str, Any], lang_: str, hide: bool) -> dict[str, Any]:
    """Return a person of the list as its page shows them: name (or pseudonym), stage, place, last contact and
    occupations."""
    last = logic.parse_time(person.get("last_contact_at"))
    return {"person": person_pseudonym(person["id"]) if hide else logic.full_name(person),
            "stage": str(STAGE_NAMES.get(person.get("latest_stage"), "")) if person.get("latest_stage") else "",
            "city": person.get("city") or "", "country": person.get("country") or "",
            "last_contact": last.date() if last else None,
            "occupations": [label(code, lang_) for code in person.get("occupations") or []]}


def people_columns() -> list[tuple[str, str]]:
    """Return the columns of the people list, in the reader's language."""
    return [("person", _("Person")), ("stage", _("Stage")), ("city", _("City")), ("country", _("Country")),
            ("last_contact", _("Last contact")), ("occupations", _("Occupations"))]


def _people_filter_rows(form: PeopleFilterForm, filters: Mapping[str, str], lang_: str) -> list[tuple[str, Any]]:
    rows = [(_("Centre"), centre_name()), _exported_on(), _anonymised_row()]
    if filters.get("q"):  # a name, document or phone: never written into an anonymised file
        rows.append((str(form.q.label.text), _("(a search by name, document or phone)") if anonymised()
                     else filters["q"]))
    if filters.get("occupation"):
        rows.append((str(form.occupation.label.text), f'{label(filters["occupation"], lang_)} '
                                                      f'({filters["occupation"]})'))
    if filters.get("language"):
        rows.append((str(form.language.label.text), str(dict(SPOKEN).get(filters["language"], ""))))
    if filters.get("stage"):
        rows.append((str(form.stage.label.text), str(STAGE_NAMES.get(filters["stage"], ""))))
    if filters.get("stale"):
        rows.append((str(form.contact.label.text), str(dict(LAST_CONTACT)["stale"])))
    return rows


@lists.get("/workspace/export.<fmt>")
@signed_in(COUNSELLOR)
def export_people(fmt: str):
    """Download the centre's people for the list's search and filters, as CSV or XLSX, anonymised on request."""
    export_format(fmt)
    token, lang_ = service_token(), lang()
    form = PeopleFilterForm(formdata=request.args)
    filters, extra = people_filters(form, lang_)
    if summary_of(form, extra):
        return redirect(url_for("workspace.queue", **request.args))  # the page shows what is wrong
    people, truncated = all_people(token, lang_, filters)
    hide = anonymised()
    rows = [people_row(p, lang_, hide) for p in people]
    filter_rows = _people_filter_rows(form, filters, lang_)
    if truncated:
        filter_rows.append((_("Only the first rows"), MAX_ROWS))
    sheet = Sheet(_("My centre's people"), people_columns(), rows, filter_rows, (_("Filters"), ""))
    return send_sheet(sheet, fmt, "people", "people")


# -- a person's matches -----------------------------------------------------------------------------------
def match_columns() -> list[tuple[str, str]]:
    """Return the columns of a person's matches, in the reader's language."""
    return [("person", _("Person")), ("rank", _("Rank")), ("title", _("Job")), ("employer", _("Employer")),
            ("city", _("City")), ("country", _("Country")), ("posted", _("Posted on")), ("fit", _("Trade")),
            ("eligible", _("Can apply now")), ("stage", _("Stage")), ("pay", _("Pay a month")),
            ("currency", _("Currency")), ("minimum", _("Minimum wage a month")), ("contract", _("Contract")),
            ("hours", _("Hours a week")), ("skills_have", _("Skills they have")),
            ("skills_missing", _("Skills missing")), ("blockers", _("What stands in the way"))]


def _fit_name(fit: str | None) -> str:
    return {logic.SAME_TRADE: _("Same trade"), logic.CLOSE_TRADE: _("Close trade"),
            logic.OTHER_TRADE: _("Another trade")}.get(fit or "", "")


def match_row(entry: Mapping[str, Any], person: str) -> dict[str, Any]:
    """Return a match as the matches page shows it."""
    vacancy, item = entry["vacancy"], entry["item"]
    explanation = item.get("explanation") or {}
    posted = logic.parse_time(vacancy.get("published_at"))
    minimum = entry.get("minimum") or {}
    monthly = vacancy.get("monthly_equivalent")
    return {
        "person": person, "rank": entry["rank"], "title": vacancy.get("title", ""), "employer": entry["employer"],
        "city": vacancy.get("city") or "", "country": vacancy.get("country") or "",
        "posted": posted.date() if posted else None, "fit": _fit_name(entry["fit"]),
        "eligible": _("Yes") if item.get("eligible") else _("No"),
        "stage": str(STAGE_NAMES.get(entry["placement"]["stage"], "")) if entry.get("placement") else "",
        "pay": round(monthly) if monthly else None, "currency": (vacancy.get("pay") or {}).get("currency", ""),
        "minimum": round(minimum["monthly_minimum"]) if minimum.get("monthly_minimum") else None,
        "contract": str(dict(CONTRACTS).get(vacancy.get("contract_type"), vacancy.get("contract_type") or "")),
        "hours": vacancy.get("hours_per_week"),
        "skills_have": [s.get("label") for s in explanation.get("matched_skills") or []],
        "skills_missing": [s.get("label") for s in explanation.get("missing_skills") or []],
        "blockers": " ".join(f'{b.get("message", "")} {_("Next step:")} {b.get("next_step", "")}'
                             for b in item.get("blockers") or []),
    }


def _match_filter_rows(filters: logic.MatchFilters, person: str) -> list[tuple[str, Any]]:
    rows = [(_("Person"), person), _exported_on(), _anonymised_row()]
    if filters.eligible_only:
        rows.append((_("Only jobs they can take now"), _("Yes")))
    if filters.country:
        rows.append((_("Country"), filters.country))
    if filters.trade:
        rows.append((_("Trade"), str(dict(TRADES)[filters.trade])))
    return rows


@lists.get("/workspace/people/<profile_id>/matches/export.<fmt>")
@signed_in(COUNSELLOR)
def export_matches(profile_id: str, fmt: str):
    """Download a person's matches for the page's filters, as CSV or XLSX, anonymised on request."""
    export_format(fmt)
    token, lang_ = service_token(), lang()
    profile, _etag = get_profile_or_404(token, profile_id)
    filters = logic.MatchFilters.of(request.args)
    _state, shown, truncated = all_matches(token, lang_, profile_id, filters, VacancyDetails(token, lang_))
    person = person_pseudonym(profile_id) if anonymised() else logic.full_name(profile)
    filter_rows = _match_filter_rows(filters, person)
    if truncated:
        filter_rows.append((_("Only the first rows"), MAX_ROWS))
    sheet = Sheet(_("Matches"), match_columns(), [match_row(e, person) for e in shown], filter_rows,
                  (_("Filters"), ""))
    return send_sheet(sheet, fmt, f"matches-{person_pseudonym(profile_id)}", "matches")


# -- saved people searches --------------------------------------------------------------------------------
SEARCH_ERRORS = {"name_missing": lambda: _("Give the search a name"),
                 "name_too_long": lambda: _("Use a name of 80 characters at most"),
                 "too_many": lambda: _("You have 50 saved searches and alerts. Delete one you no longer use first."),
                 "no_person": lambda: _("There is nothing at this address.")}


@lists.post("/workspace/searches")
@signed_in(COUNSELLOR)
def save_search():
    """Save the people list's search and filters under a name, to open again from the list."""
    form = SaveSearchForm()
    filters = {k: request.form.get(k, "") for k in PEOPLE_FILTERS}
    back = url_for("workspace.queue", **{k: v for k, v in filters.items() if v})
    if not form.validate():
        flash(" ".join(message for _fid, message in summary_of(form)), "warning")
        return redirect(back)
    try:
        search = new_search(searches(), g.user.id, g.user.org, PEOPLE, form.name.data, filters)
    except SearchError as refused:
        flash(SEARCH_ERRORS[refused.code](), "warning")
        return redirect(back)
    searches().add(search)
    flash(_("Search saved: %(name)s.", name=search.name))
    return redirect(back)


@lists.post("/workspace/searches/<search_id>/delete")
@signed_in(COUNSELLOR)
def delete_search(search_id: str):
    """Delete one of the counsellor's saved searches or job alerts."""
    if not DeleteForm().validate():
        abort(400)
    search = searches().get(search_id)
    if search is None or search.owner != g.user.id or not searches().delete(g.user.id, search_id):
        abort(404)
    flash(_("Deleted: %(name)s.", name=search.name))
    default = (url_for("workspace.matches", profile_id=search.profile_id) if search.kind == ALERT
               else url_for("workspace.queue"))
    return redirect(local_path(request.form.get("next"), default))


# -- job alerts -------------------------------------------------------------------------------------------
@lists.post("/workspace/people/<profile_id>/alerts")
@signed_in(COUNSELLOR)
def save_alert(profile_id: str):
    """Save the matches page's filters as a job alert for the person: new strong matches will appear in the
    counsellor's queue, and the person is told if asked here and they agreed to messages."""
    token = service_token()
    profile, _etag = get_profile_or_404(token, profile_id)
    form = AlertForm()
    filters = logic.MatchFilters.of(request.form)
    back = url_for("workspace.matches", profile_id=profile_id, **filters.args())
    if not form.validate():
        flash(" ".join(message for _fid, message in summary_of(form)), "warning")
        return redirect(back)
    notify = bool(form.notify_person.data) and logic.consents_to(profile, "notifications")
    try:
        alert = new_search(searches(), g.user.id, g.user.org, ALERT, form.name.data, filters.args(),
                           profile_id=profile_id, notify_person=notify)
    except SearchError as refused:
        flash(SEARCH_ERRORS[refused.code](), "warning")
        return redirect(back)
    runner = alerts_runner()
    try:
        baseline = runner.baseline(token, lang(), alert)
    except ServiceUnavailable:
        baseline = []  # the next check will take what matching has now as news; better than no alert
    searches().add(alert, baseline)
    flash(_("Job alert saved: %(name)s. New strong matches will appear in your list of people.", name=alert.name))
    return redirect(back)


@lists.get("/workspace/alerts/<alert_id>")
@signed_in(COUNSELLOR)
def open_alert(alert_id: str):
    """Open a job alert's matches; what it found counts as seen from now on."""
    alert = searches().get(alert_id)
    if alert is None or alert.owner != g.user.id or alert.kind != ALERT:
        abort(404)
    searches().mark_seen(g.user.id, alert_id, datetime.now(UTC))
    return redirect(url_for("workspace.matches", profile_id=alert.profile_id, **dict(alert.filters)))


# -- checking the alerts ----------------------------------------------------------------------------------
def alerts_runner():
    """Return the running app's job-alert checker."""
    from flask import current_app

    return current_app.extensions["puente.alerts"]


def tell_person_of_matches(app: Flask, profile: Mapping[str, Any], jobs: list[Job], org: str) -> str | None:
    """Tell a person of new strong matches, in their language; return the channel used, or None."""
    with app.app_context():
        found = app.extensions["puente.accounts"].store.org(org)
        subject, text = matches_notice(profile, jobs, found.name if found else org)
        return app.extensions["puente.notifier"].tell_person(profile, subject, text)


def run_alerts(app: Flask) -> RunReport:
    """Check every job alert once (in the app's context, for the notices' translations)."""
    with app.app_context():
        return app.extensions["puente.alerts"].run_once()


def alerts_loop(app: Flask, stop: threading.Event, every_s: float = ALERTS_EVERY_S) -> None:
    """Check the job alerts every ``every_s`` seconds until ``stop`` is set; a failed pass is logged, not fatal."""
    while not stop.wait(every_s):
        try:
            run_alerts(app)
        except Exception:  # noqa: BLE001 - the loop must outlive one bad pass; the next one tries again
            log.exception("checking the job alerts failed")

