"""The portal's pages: sign-up, sign-in and the employer's vacancies. Views stay thin: form -> service call -> page."""

from __future__ import annotations

import functools
import math
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_timedelta, get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from werkzeug.exceptions import HTTPException
from wtforms import ValidationError

from services.portal.accounts import AccountError, Accounts, Organisation, TooManyAttempts, new_employer_org_id
from services.portal.candidates import count_all
from services.portal.forms import CURRENCY_OF, EmployerSignUpForm, SignInForm, VacancyForm
from services.portal.ports import MatchingPort, ServiceUnavailable, VacanciesPort
from services.portal.vacancy_form import field_id, form_data, form_field_ids, resolve_skills, vacancy_body

LANGUAGES = {"es": "Español", "pt": "Português", "en": "English"}
MATCHABLE = ("published", "published_with_warnings")  # held, closed and rejected vacancies are never matched
LANG_COOKIE = "puente_lang"
SERVICE_TOKEN_TTL_S = 300

web = Blueprint("web", __name__, template_folder="templates", static_folder="static",
                static_url_path="/assets/portal")
web.add_app_template_global(generate_csrf, "csrf_token")  # for forms that are a single button (sign out, close)


def accounts() -> Accounts:
    """Return the running app's account use cases."""
    return current_app.extensions["puente.accounts"]


def vacancies() -> VacanciesPort:
    """Return the running app's vacancies client."""
    return current_app.extensions["puente.vacancies"]


def matching() -> MatchingPort:
    """Return the running app's matching client."""
    return current_app.extensions["puente.matching"]


def select_locale() -> str:
    """Return the language the person chose, else the best the browser asks for, else Spanish."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES)) or "es"


def lang() -> str:
    """Return the language of this request's pages."""
    return str(get_locale() or "es")


def service_token() -> str:
    """Return a short-lived bearer token for the signed-in person, for calls to the services."""
    user = g.user
    return current_app.extensions["puente.container"].issuer.issue(user.id, user.role, user.org, SERVICE_TOKEN_TTL_S)


def local_path(target: str | None, default: str) -> str:
    """Return ``target`` if it is a path on this site (never another host), else ``default``."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


@web.before_app_request
def load_user():
    """Find who is signed in from the session cookie."""
    g.user = accounts().signed_in(session.get("sid")) if request.blueprint == "web" else None


@web.app_context_processor
def page_context():
    """Give every page the person, the languages and the current one."""
    return {"user": g.get("user"), "languages": LANGUAGES, "locale": lang()}


@web.app_template_global()
def described_by(field, hint, findings) -> str:
    """Return the ids of a field's hint, error and findings, for its aria-describedby."""
    ids = [f"{field.id}-hint"] if hint else []
    ids += [f"{field.id}-error"] if field.errors else []
    ids += [f"{field.id}-finding-{n}" for n in range(1, len(findings.get(field.id, [])) + 1)]
    return " ".join(ids)


@web.app_template_global()
def field_attrs(field, hint, findings, attrs) -> dict:
    """Return the HTML attributes of a form control: the caller's, plus what ties it to its hint and problems."""
    out = dict(attrs)
    described = described_by(field, hint, findings)
    if described:
        out["aria-describedby"] = described
    if field.errors:
        out["aria-invalid"] = "true"
    return out


def signed_in(*roles: str):
    """Send people who are not signed in (with one of ``roles``) to the sign-in page."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if g.get("user") is None:
                return redirect(url_for("web.sign_in", next=request.full_path.rstrip("?")))
            if roles and g.user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def summary(form, extra: list[tuple[str | None, str]] = ()) -> list[tuple[str | None, str]]:
    """Return (field id, message) for every error of a form, in the order of the fields."""
    items = []
    for field in form:
        if field.name == "csrf_token":
            if field.errors:
                items.append((None, _("The form had expired. Check your answers and send it again.")))
            continue
        if hasattr(field, "form"):
            for sub in field.form:
                items += [(sub.id, message) for message in sub.errors]
        else:
            items += [(field.id, message) for message in field.errors]
    return items + list(extra)


def add_error(form, fid: str | None, message: str, extra: list) -> None:
    """Attach a message to the field with id ``fid`` (or to the page when no field shows it)."""
    for field in form:
        fields = field.form if hasattr(field, "form") else [field]
        for candidate in fields:
            if candidate.id == fid:
                candidate.errors = [*candidate.errors, message]
                return
    extra.append((None, message))


@web.get("/language/<code>")
def choose_language(code: str):
    """Remember the language the person chose and go back to where they were."""
    response = redirect(local_path(request.args.get("next"), url_for("web.home")))
    if code in LANGUAGES:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@web.get("/")
def home():
    """Send employers to their vacancies and counsellors to their workspace; show everyone else what they can do."""
    if g.user is not None and g.user.role == "employer":
        return redirect(url_for("web.my_vacancies"))
    if g.user is not None and g.user.role == "counsellor":
        return redirect(url_for("workspace.queue"))
    return render_template("home.html")


@web.route("/signin", methods=["GET", "POST"])
def sign_in():
    """Sign in with email and password; after too many failures, say how long to wait (429)."""
    form = SignInForm()
    extra = []
    if form.validate_on_submit():
        try:
            user, secret = accounts().sign_in(form.email.data, form.password.data, request.remote_addr)
        except TooManyAttempts as refused:
            extra.append((None, _("Too many failed attempts to sign in. To protect the account, try again %(wait)s.",
                                  wait=format_timedelta(refused.wait, threshold=1, add_direction=True))))
            page = render_template("signin.html", form=form, errors=summary(form, extra))
            return page, 429, {"Retry-After": str(max(1, math.ceil(refused.wait.total_seconds())))}
        except AccountError:
            add_error(form, "email", _("The email address or the password is not right"), extra)
        else:
            session.clear()  # a new session id on sign-in, so an old cookie cannot ride along
            session["sid"] = secret
            return redirect(local_path(request.args.get("next"), url_for("web.home")))
    errors = summary(form, extra)
    return render_template("signin.html", form=form, errors=errors), 422 if errors else 200


@web.post("/signout")
def sign_out():
    """End the session on the server and in the browser."""
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError):
        abort(400)
    accounts().sign_out(session.get("sid"))
    session.clear()
    flash(_("You have signed out."))
    return redirect(url_for("web.home"))


@web.route("/signup/employer", methods=["GET", "POST"])
def sign_up_employer():
    """Create an employer organisation and its first account, registered with the vacancies service."""
    form = EmployerSignUpForm()
    if request.method == "GET" and "country" in request.args:
        form.country.data = request.args["country"]
    extra: list[tuple[str | None, str]] = []
    if form.validate_on_submit():
        try:
            accounts().check_email_free(form.contact_email.data)
        except AccountError:
            add_error(form, "contact_email", _("An account already uses this email address. Sign in instead."), extra)
        else:
            org = Organisation(new_employer_org_id(form.name.data), form.name.data.strip(), "employer")
            issuer = current_app.extensions["puente.container"].issuer
            token = issuer.issue("signup", "employer", org.id, SERVICE_TOKEN_TTL_S)
            body = {"name": org.name, "tax_id": form.tax_id.data.strip(), "country": form.country.data,
                    "sector": form.sector.data.strip(), "contact_email": form.contact_email.data.strip().lower()}
            try:
                reply = vacancies().register_employer(token, lang(), body)
            except ServiceUnavailable:
                extra.append((None, _("We could not reach the vacancies service. Your answers are kept; "
                                      "try again in a minute.")))
            else:
                if reply.ok:
                    user = accounts().sign_up_employer(org, form.contact_email.data, form.password.data)
                    secret = accounts().sign_in(user.email, form.password.data)[1]
                    session.clear()
                    session["sid"] = secret
                    flash(_("Your organisation is registered. You can post your first vacancy."))
                    return redirect(url_for("web.my_vacancies"))
                ids = form_field_ids(form)
                for error in reply.errors:
                    add_error(form, field_id(error["pointer"], ids), error["reason"], extra)
                if not reply.errors:
                    extra.append((None, _("The vacancies service refused the registration.")))
    errors = summary(form, extra)
    return render_template("signup.html", form=form, errors=errors), 422 if errors else 200


@web.get("/employer/vacancies")
@signed_in("employer")
def my_vacancies():
    """List the organisation's vacancies with their status, what holds them and how many candidates match."""
    token = service_token()
    try:
        reply = vacancies().list_vacancies(token, lang(), g.user.org, cursor=request.args.get("cursor"))
    except ServiceUnavailable:
        return render_template("unavailable.html"), 503
    body = reply.body if reply.ok else {}
    items = body.get("items", [])
    counts = count_all(matching(), token, lang(), [v["id"] for v in items if v.get("status") in MATCHABLE])
    return render_template("vacancies.html", items=items, next_cursor=body.get("next_cursor"), counts=counts)


def _skills(form, extra) -> tuple[list[str], list[str]] | None:
    required, unknown_required = resolve_skills(form.required_skills.data)
    nice, unknown_nice = resolve_skills(form.nice_skills.data)
    for fid, unknown in (("required_skills", unknown_required), ("nice_skills", unknown_nice)):
        if unknown:
            add_error(form, fid, _("We do not know these skills: %(names)s. Check the spelling or leave them out.",
                                   names=", ".join(unknown)), extra)
    return None if unknown_required or unknown_nice else (required, nice)


def _suggestions(reply) -> list[dict]:
    return list((reply.body or {}).get("items") or []) if reply.ok else []


def _findings_by_field(form, findings: list[dict]) -> tuple[dict[str, list[dict]], list[dict]]:
    ids = form_field_ids(form)
    by_field, unplaced = {}, []
    for finding in findings:
        fid = field_id(finding.get("field") or "", ids)
        (by_field.setdefault(fid, []) if fid else unplaced).append(finding)
    return by_field, unplaced


def _vacancy_page(form, *, vacancy=None, etag=None, extra=(), findings=(), pay_check=None, suggestions=None,
                  status=200):
    errors = summary(form, list(extra))
    by_field, unplaced = _findings_by_field(form, list(findings))
    page = render_template("vacancy_form.html", form=form, errors=errors, vacancy=vacancy, etag=etag,
                           findings=by_field, page_findings=unplaced, pay_check=pay_check,
                           suggestions=suggestions, currency_of=CURRENCY_OF)
    return page, (422 if errors else status)


def _submit(form, vacancy=None, etag=None):
    """Handle the buttons of the vacancy form: suggest, pick, check or save."""
    action = request.form.get("action", "save")
    extra: list[tuple[str | None, str]] = []
    try:
        if action == "suggest":
            reply = vacancies().suggest_occupations(service_token(), lang(), form.title.data or "")
            return _vacancy_page(form, vacancy=vacancy, etag=etag,
                                 suggestions=_suggestions(reply))
        if action.startswith("pick:"):
            form.occupation.data = action.partition(":")[2][:4]
            return _vacancy_page(form, vacancy=vacancy, etag=etag)
        if not form.validate():
            _skills(form, extra)
            return _vacancy_page(form, vacancy=vacancy, etag=etag, extra=extra)
        skills = _skills(form, extra)
        if skills is None:
            return _vacancy_page(form, vacancy=vacancy, etag=etag, extra=extra)
        body = vacancy_body(form, *skills)
        if action == "check":
            reply = vacancies().check_vacancy(service_token(), lang(), body)
            if reply.ok:
                return _vacancy_page(form, vacancy=vacancy, etag=etag, findings=reply.body.get("findings", []),
                                     pay_check=reply.body.get("pay_check"))
        elif vacancy is None:
            reply = vacancies().create_vacancy(service_token(), lang(), body)
        else:
            reply = vacancies().update_vacancy(service_token(), lang(), vacancy["id"], etag or "", body)
            if reply.status == 412:
                flash(_("Someone changed this vacancy while you were editing it. Here is the latest version; "
                        "make your changes again."))
                return redirect(url_for("web.edit_vacancy", vacancy_id=vacancy["id"]))
    except ServiceUnavailable:
        extra.append((None, _("We could not reach the vacancies service. Your answers are kept; "
                              "try again in a minute.")))
        return _vacancy_page(form, vacancy=vacancy, etag=etag, extra=extra, status=503)
    if reply.status == 422:
        ids = form_field_ids(form)
        for error in reply.errors:
            add_error(form, field_id(error["pointer"], ids), error["reason"], extra)
        return _vacancy_page(form, vacancy=vacancy, etag=etag, extra=extra)
    if not reply.ok:
        abort(404 if reply.status == 404 else 502)
    saved = reply.body
    if saved["status"] == "held":
        flash(_("Your vacancy is held for review. Change what is marked below and save it again."), "warning")
        return redirect(url_for("web.edit_vacancy", vacancy_id=saved["id"]))
    if saved["status"] == "published_with_warnings":
        flash(_("Your vacancy is published. Please look at the warnings on it."), "warning")
    else:
        flash(_("Your vacancy is published."))
    return redirect(url_for("web.my_vacancies"))


@web.route("/employer/vacancies/new", methods=["GET", "POST"])
@signed_in("employer")
def new_vacancy():
    """Post a vacancy; the form checks pay and conditions before it is sent."""
    form = VacancyForm()
    if request.method == "GET":
        form.language.data = lang()
        return _vacancy_page(form)
    return _submit(form)


@web.route("/employer/vacancies/<vacancy_id>/edit", methods=["GET", "POST"])
@signed_in("employer")
def edit_vacancy(vacancy_id: str):
    """Change a vacancy; it goes through the gate again."""
    try:
        reply = vacancies().get_vacancy(service_token(), lang(), vacancy_id)
    except ServiceUnavailable:
        return render_template("unavailable.html"), 503
    if not reply.ok:
        abort(404)
    vacancy = reply.body
    if request.method == "GET":
        form = VacancyForm(data=form_data(vacancy, lang()))
        return _vacancy_page(form, vacancy=vacancy, etag=reply.etag, findings=vacancy.get("findings", []))
    form = VacancyForm()
    return _submit(form, vacancy=vacancy, etag=request.form.get("etag") or reply.etag)


@web.post("/employer/vacancies/<vacancy_id>/close")
@signed_in("employer")
def close_vacancy(vacancy_id: str):
    """Close a vacancy so nobody is matched to it any more."""
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError):
        abort(400)
    try:
        reply = vacancies().close_vacancy(service_token(), lang(), vacancy_id)
    except ServiceUnavailable:
        return render_template("unavailable.html"), 503
    if not reply.ok:
        abort(404)
    flash(_("The vacancy is closed."))
    return redirect(url_for("web.my_vacancies"))


@web.get("/employer/occupations")
@signed_in("employer")
def occupation_suggestions():
    """Return occupation suggestions for a title, for the form's script."""
    title = (request.args.get("q") or "").strip()[:200]
    if len(title) < 3:
        return jsonify(suggestions=[])
    try:
        reply = vacancies().suggest_occupations(service_token(), lang(), title)
    except ServiceUnavailable:
        return jsonify(suggestions=[]), 503
    return jsonify(suggestions=_suggestions(reply)[:5])


@web.post("/employer/vacancies/check")
@signed_in("employer")
def check_draft():
    """Check a draft for the form's script: the pay against the minimum wage and the gate's findings."""
    try:
        validate_csrf(request.headers.get("X-CSRFToken"))
    except (ValidationError, CSRFError):
        abort(400)
    form = VacancyForm(meta={"csrf": False})
    if not form.validate():
        return jsonify(pay_check=None, findings=[], complete=False)
    skills = _skills(form, [])
    body = vacancy_body(form, *(skills or ([], [])))
    try:
        reply = vacancies().check_vacancy(service_token(), lang(), body)
    except ServiceUnavailable:
        return jsonify(pay_check=None, findings=[], complete=False), 503
    if not reply.ok:
        return jsonify(pay_check=None, findings=[], complete=False)
    by_field, unplaced = _findings_by_field(form, reply.body.get("findings", []))
    return jsonify(pay_check=reply.body.get("pay_check"), complete=True,
                   findings=[{**f, "field_id": fid} for fid, items in by_field.items() for f in items] + unplaced,
                   pay_text=render_template("_pay_check.html", pay_check=reply.body.get("pay_check")))


@web.errorhandler(HTTPException)
def page_error(error: HTTPException):
    """Render errors on pages as pages (the APIs keep problem+json)."""
    messages = {400: _("The form had expired or was incomplete. Go back and send it again."),
                403: _("This page is not for your account."),
                404: _("There is nothing at this address.")}
    message = messages.get(error.code or 500, _("Something went wrong on our side. Try again in a minute."))
    return render_template("error.html", code=error.code, message=message), error.code or 500
