"""The employer's candidates for one vacancy: the people introduced to it (with name and contact, because they
agreed) and matching's suggested candidates, pseudonymous (skills, languages, fit; never identity), with a
button that asks the person's centre for an introduction."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from services.portal.ports import ServiceUnavailable
from services.portal.web import lang, matching, service_token, signed_in, vacancies
from services.portal.workspace.common import label, page_blueprint, profiles
from services.portal.workspace.forms import SPOKEN, STAGE_NAMES, IntroductionRequestForm
from services.portal.workspace.logic import STRONG, parse_time

candidates_pages = page_blueprint("candidates")

SUGGESTED = 20


def _vacancy_or_404(token: str, vacancy_id: str) -> dict:
    """Return one of the signed-in employer's own vacancies; another employer's, even published, is a 404."""
    reply = vacancies().get_vacancy(token, lang(), vacancy_id)
    if not reply.ok or reply.body.get("employer_id") != g.user.org:
        abort(404)
    return reply.body


@candidates_pages.get("/employer/vacancies/<vacancy_id>/candidates")
@signed_in("employer")
def vacancy_candidates(vacancy_id: str):
    """Show a vacancy's introduced people and its suggested, pseudonymous candidates."""
    token, lang_ = service_token(), lang()
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
    return render_template("workspace/employer_candidates.html", vacancy=vacancy, introduced=introduced,
                           suggested=suggested, asked=asked, state=state, notices=notices,
                           stage_names=STAGE_NAMES, spoken=dict(SPOKEN), strong=STRONG,
                           form=IntroductionRequestForm(), label=label)


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
