"""The employer's candidates for one vacancy: the people introduced to it (with name and contact, because they
agreed) and matching's suggested candidates, pseudonymous (skills, languages, fit; never identity), with a
button that asks the person's centre for an introduction; the employer's lists as files; what they are
e-mailed about."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from services.portal.candidates import count_all
from services.portal.exports import Sheet
from services.portal.forms import PERIODS
from services.portal.ports import NoticeSettings, ServiceUnavailable
from services.portal.web import MATCHABLE, lang, matching, own_vacancy_or_404, service_token, signed_in, vacancies
from services.portal.workspace.common import (
    anonymised,
    export_format,
    label,
    notice_settings,
    page_blueprint,
    person_pseudonym,
    profiles,
    send_sheet,
    summary_of,
)
from services.portal.workspace.forms import SPOKEN, STAGE_NAMES, IntroductionRequestForm, NoticeSettingsForm
from services.portal.workspace.logic import STRONG, parse_time

candidates_pages = page_blueprint("candidates")

SUGGESTED = 20


def _vacancy_or_404(token: str, vacancy_id: str) -> dict:
    """Return one of the signed-in employer's own vacancies; another employer's, even published, is a 404."""
    reply = vacancies().get_vacancy(token, lang(), vacancy_id)
    if not reply.ok or reply.body.get("employer_id") != g.user.org:
        abort(404)
    return own_vacancy_or_404(reply.body)


def candidates_of(token: str, lang_: str, vacancy_id: str) -> dict[str, Any]:
    """Return what the candidates page shows: the vacancy, its introduced people, its suggested candidates."""
    vacancy = _vacancy_or_404(token, vacancy_id)
    notices = []
    try:
        reply = profiles().list_introductions(token, lang_, vacancy_id)
        introduced = list((reply.body or {}).get("items") or []) if reply.ok else []
        requests = profiles().list_introduction_requests(token, lang_)
        asked = {r.get("candidate"): parse_time(r.get("requested_at"))
                 for r in ((requests.body or {}).get("items") or []) if requests.ok
                 and r.get("vacancy_id") == vacancy_id}
    except ServiceUnavailable:
        introduced, asked = [], {}
        notices.append(_("We could not load the people introduced to this vacancy. Reload the page in a minute."))
    known = {person.get("profile_id") for person in introduced}
    suggested, state = [], "ranked"
    try:
        ranked = matching().candidates(token, lang_, vacancy_id, limit=SUGGESTED)
    except ServiceUnavailable:
        state = "unavailable"
    else:
        if ranked.status == 404:
            state = "not_ranked"
        elif not ranked.ok:
            state = "unavailable"
        else:
            items = [m for m in (ranked.body or {}).get("items") or [] if m.get("eligible")]
            # Someone already introduced is listed above with their name; never pair the two views here.
            suggested = [m for m in items if m.get("profile_id") not in known]
    return {"vacancy": vacancy, "introduced": introduced, "suggested": suggested, "asked": asked, "state": state,
            "notices": notices}


@candidates_pages.get("/employer/vacancies/<vacancy_id>/candidates")
@signed_in("employer")
def vacancy_candidates(vacancy_id: str):
    """Show a vacancy's introduced people and its suggested, pseudonymous candidates."""
    view = candidates_of(service_token(), lang(), vacancy_id)
    return render_template("workspace/employer_candidates.html", **view, stage_names=STAGE_NAMES,
                           spoken=dict(SPOKEN), strong=STRONG, form=IntroductionRequestForm(), label=label)


def _spoken(languages: list[dict], key: str) -> str:
    names = dict(SPOKEN)
    return ", ".join(f"{names.get(lang_['code'], lang_['code'])} {lang_.get(key) or ''}".strip()
                     for lang_ in languages or [])


def _fit(match: dict) -> str:
    occupation = (match.get("explanation") or {}).get("occupation") or {}
    distance = occupation.get("isco_distance")
    trade = _("Same trade") if distance == 0 else _("Close trade") if distance is not None and distance <= 2 else ""
    strength = _("Strong fit") if float(match.get("score") or 0) >= STRONG else _("Good fit")
    return f"{strength}, {trade}" if trade else strength


def candidate_rows(view: dict[str, Any], hide: bool) -> list[dict[str, Any]]:
    """Return the candidates page's people as rows: the introduced (name and contact, or a pseudonym), then the
    suggested (as on the page, "Candidate 1", or a pseudonym)."""
    rows = []
    for person in view["introduced"]:
        when = parse_time(person.get("consented_at"))
        rows.append({"section": _("Introduced to you"),
                     "candidate": person_pseudonym(person["profile_id"]) if hide
                     else f'{person.get("given_names", "")} {person.get("family_names", "")}'.strip(),
                     "phone": "" if hide else person.get("phone") or "",
                     "whatsapp": "" if hide else (_("Yes") if person.get("whatsapp") else _("No")),
                     "email": "" if hide else person.get("email") or "",
                     "languages": _spoken(person.get("languages") or [], "level"),
                     "stage": str(STAGE_NAMES.get(person.get("stage"), "")) if person.get("stage") else "",
                     "introduced_on": when.date() if when else None})
    for n, match in enumerate(view["suggested"], start=1):
        explanation = match.get("explanation") or {}
        asked = view["asked"].get(match.get("profile_id"))
        rows.append({"section": _("Suggested candidates"),
                     "candidate": person_pseudonym(match["profile_id"]) if hide else _("Candidate %(n)s", n=n),
                     "fit": _fit(match),
                     "skills_have": [s.get("label") for s in explanation.get("matched_skills") or []],
                     "skills_missing": [s.get("label") for s in explanation.get("missing_skills") or []],
                     "languages": _spoken(explanation.get("languages") or [], "required"),
                     "asked_on": asked.date() if asked else None})
    return rows


def candidate_columns() -> list[tuple[str, str]]:
    """Return the columns of the candidates page, in the reader's language."""
    return [("section", _("List")), ("candidate", _("Candidate")), ("phone", _("Phone")), ("whatsapp", "WhatsApp"),
            ("email", _("Email address")), ("languages", _("Languages")), ("stage", _("Stage")),
            ("introduced_on", _("Introduced on")), ("fit", _("Fit")), ("skills_have", _("Skills they have")),
            ("skills_missing", _("Skills missing")), ("asked_on", _("Introduction asked on"))]


@candidates_pages.get("/employer/vacancies/<vacancy_id>/candidates/export.<fmt>")
@signed_in("employer")
def export_candidates(vacancy_id: str, fmt: str):
    """Download a vacancy's candidates as CSV or XLSX; the anonymised file names nobody and holds no contact."""
    export_format(fmt)
    view = candidates_of(service_token(), lang(), vacancy_id)
    filters = [(_("Vacancy"), view["vacancy"].get("title", "")), (_("Exported on"), datetime.now(UTC).date()),
               (_("Anonymised"), _("Yes") if anonymised() else _("No"))]
    sheet = Sheet(_("Candidates"), candidate_columns(), candidate_rows(view, anonymised()), filters,
                  (_("Filters"), ""))
    return send_sheet(sheet, fmt, f"candidates-{vacancy_id[:8]}", "candidates")


# -- the employer's vacancies as a file -------------------------------------------------------------------
STATUS_NAMES = {"published": _l("Published"), "published_with_warnings": _l("Published with warnings"),
                "held": _l("Held for review"), "closed": _l("Closed"), "rejected": _l("Rejected")}
MAX_VACANCY_PAGES = 20


def candidates_text(count) -> tuple[int | None, str]:
    """Return the count of eligible candidates and what the list says beside it."""
    if count is None:
        return None, ""
    if count.state == "counted":
        return count.count, _("more than this") if count.more else ""
    if count.state == "preparing":
        return count.count, _("Matches are still being prepared. Look again in a few minutes.")
    if count.state == "not_ranked":
        return None, _("Candidates: not counted yet. Matching ranks a newly published vacancy within a few "
                       "minutes.")
    return None, _("Candidates: we could not count them just now. Reload the page in a minute.")


def vacancy_row(vacancy: dict[str, Any], count) -> dict[str, Any]:
    """Return a vacancy as the employer's list shows it."""
    pay = vacancy.get("pay") or {}
    number, note = candidates_text(count)
    return {"title": vacancy.get("title", ""),
            "status": str(STATUS_NAMES.get(vacancy.get("status"), vacancy.get("status", ""))),
            "city": vacancy.get("city") or "", "country": vacancy.get("country") or "",
            "pay": pay.get("amount"), "currency": pay.get("currency", ""),
            "period": str(dict(PERIODS).get(pay.get("period"), pay.get("period") or "")),
            "hours": vacancy.get("hours_per_week"), "candidates": number, "candidates_note": note,
            "findings": " ".join(f.get("message", "") for f in vacancy.get("findings") or []),
            "url": vacancy.get("url") or ""}


def vacancy_columns() -> list[tuple[str, str]]:
    """Return the columns of the employer's vacancies, in the reader's language."""
    return [("title", _("Job")), ("status", _("Status")), ("city", _("City")), ("country", _("Country")),
            ("pay", _("Pay")), ("currency", _("Currency")), ("period", _("Paid")), ("hours", _("Hours a week")),
            ("candidates", _("Eligible candidates")), ("candidates_note", _("Note")),
            ("findings", _("What the check found")), ("url", _("Public page"))]


@candidates_pages.get("/employer/vacancies/export.<fmt>")
@signed_in("employer")
def export_vacancies(fmt: str):
    """Download the organisation's vacancies, every page of the list, as CSV or XLSX."""
    export_format(fmt)
    token, lang_ = service_token(), lang()
    items, cursor = [], None
    for _page in range(MAX_VACANCY_PAGES):
        reply = vacancies().list_vacancies(token, lang_, g.user.org, cursor=cursor)
        if not reply.ok:
            raise ServiceUnavailable(f"vacancies answered {reply.status}")
        items += reply.body.get("items", [])
        cursor = reply.body.get("next_cursor")
        if not cursor:
            break
    counts = count_all(matching(), token, lang_, [v["id"] for v in items if v.get("status") in MATCHABLE])
    filters = [(_("Exported on"), datetime.now(UTC).date())]
    sheet = Sheet(_("My vacancies"), vacancy_columns(), [vacancy_row(v, counts.get(v["id"])) for v in items],
                  filters, (_("Filters"), ""))
    return send_sheet(sheet, fmt, "vacancies", "vacancies")


# -- what an employer's user is e-mailed about ------------------------------------------------------------
@candidates_pages.route("/employer/notifications", methods=["GET", "POST"])
@signed_in("employer")
def notice_settings_page():
    """Choose whether to be e-mailed when a person is introduced to one of the organisation's vacancies."""
    current = notice_settings().get(g.user.id)
    form = NoticeSettingsForm(data={"introductions": current.introductions if current else False,
                                    "language": current.language if current else lang()})
    if request.method == "POST":
        form = NoticeSettingsForm()
        if form.validate():
            notice_settings().put(g.user.id, NoticeSettings(bool(form.introductions.data), form.language.data))
            flash(_("Saved.") + " " + (_("We will e-mail you at %(email)s when a person is introduced.",
                                             email=g.user.email) if form.introductions.data
                                           else _("We will not e-mail you about introductions.")))
            return redirect(url_for("candidates.notice_settings_page"))
    errors = summary_of(form) if request.method == "POST" else []
    return render_template("notifications.html", form=form, errors=errors, email=g.user.email), \
        (422 if errors else 200)


@candidates_pages.post("/employer/vacancies/<vacancy_id>/candidates/request")
@signed_in("employer")
def request_introduction(vacancy_id: str):
    """Ask the centre of a suggested candidate to introduce them; the person is asked before anything is shared."""
    form = IntroductionRequestForm()
    if not form.validate():
        abort(400)
    reply = profiles().request_introduction(service_token(), lang(), vacancy_id, form.candidate.data)
    if reply.ok:
        flash(_("Your request is sent. The person's centre will ask them; if they agree, you will see their name "
                "and contact details here."))
    elif reply.status == 404:
        abort(404)
    else:
        flash(_("The request could not be sent. Try again in a minute."), "warning")
    return redirect(url_for("candidates.vacancy_candidates", vacancy_id=vacancy_id))
