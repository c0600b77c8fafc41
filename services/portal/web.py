"""The portal's pages: sign-up, sign-in and the employer's vacancies. Views stay thin: form -> service call -> page."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
import re
from datetime import date
from pathlib import Path
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
from flask_babel import format_date, format_timedelta, get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from werkzeug.exceptions import HTTPException
from wtforms import ValidationError

from services.portal.accounts import AccountError, Accounts, SignUpRequested, TooManyAttempts
from services.portal.candidates import count_all
from services.portal.forms import CURRENCY_OF, ConfirmForm, EmployerSignUpForm, SignInForm, VacancyForm
from services.portal.ports import Mail, Mailer, MailUnavailable, MatchingPort, ServiceUnavailable, VacanciesPort
from services.portal.vacancy_form import field_id, form_data, form_field_ids, resolve_skills, vacancy_body
from shared.i18n import LANGUAGE_COOKIE, format_pay
from shared.inputs import CONTROL, LINE_BREAKS

LANGUAGES = {"es": "Español", "pt": "Português", "en": "English"}
MATCHABLE = ("published", "published_with_warnings")  # held, closed and rejected vacancies are never matched
LANG_COOKIE = LANGUAGE_COOKIE
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
CONTROL_OR_BREAK = re.compile(f"{CONTROL.pattern}|{LINE_BREAKS.pattern}")
SERVICE_TOKEN_TTL_S = 300
log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
THEME_COLOUR = "#123c69"  # the header's blue (portal.css)
# What the service worker keeps for a slow or lost connection: the look of the pages and a page saying the
# connection is lost. Never a page with people's data: those are fetched every time.
OFFLINE_ASSETS = ("portal.css", "portal.js", "print.css", "icons/icon.svg", "icons/icon-192.png")

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


def mailer() -> Mailer:
    """Return the running app's mail sender."""
    return current_app.extensions["puente.mailer"]


def wait_text(wait) -> str:
    """Return a wait as the reader says it ("in 2 seconds", "dentro de 15 minutos")."""
    return format_timedelta(wait, threshold=1, add_direction=True)


def too_many(template: str, message: str, refused: TooManyAttempts, **context):
    """Return a form page that says how long to wait, as 429 with Retry-After."""
    page = render_template(template, errors=[(None, message)], **context)
    return page, 429, {"Retry-After": str(max(1, math.ceil(refused.wait.total_seconds())))}


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
    """Return ``target`` if it is a path on this site (never another host), else ``default``.

    A backslash is refused because browsers read ``/\\host`` as ``//host``; a control character because it
    would end the Location header and start another.
    """
    if not target or "\\" in target or CONTROL_OR_BREAK.search(target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


@web.before_app_request
def load_user():
    """Find who is signed in from the session cookie."""
    g.user = accounts().signed_in(session.get("sid")) if request.blueprint == "web" else None


@web.before_request
def only_form_bodies():
    """Refuse a body the pages' forms never send (JSON would reach Flask-WTF, which reads it as form data)."""
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype not in FORM_TYPES \
            and (request.content_length or request.mimetype):
        abort(415)


@web.app_context_processor
def page_context():
    """Give every page the person, the languages and the current one."""
    return {"user": g.get("user"), "languages": LANGUAGES, "locale": lang()}


@web.app_template_filter("local_date")
def local_date(value) -> str:
    """Return a date (or an ISO date string a service sent) as the page's language writes it, "1 de enero de 2025"."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return format_date(value, format="long") if value else ""


@web.app_template_filter("pay")
def pay_text(pay) -> str:
    """Return a vacancy's pay as the page's language says it, "2.100.000 COP al mes"."""
    if not isinstance(pay, dict) or pay.get("amount") is None:
        return ""
    return format_pay(pay["amount"], pay.get("currency") or "", pay.get("period") or "", lang())


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
    """Sign in with email and password; after too many failures from here, say how long to wait (429)."""
    form = SignInForm()
    extra = []
    if form.validate_on_submit():
        try:
            user, secret = accounts().sign_in(form.email.data, form.password.data, request.remote_addr)
        except TooManyAttempts as refused:
            return too_many("signin.html", _("Too many failed attempts to sign in. To protect the account, try "
                                             "again %(wait)s.", wait=wait_text(refused.wait)), refused, form=form)
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


def sign_up_mail(requested: SignUpRequested) -> Mail | None:
    """Return the mail a sign-up leads to, in the page's language: a link to confirm, or to sign in instead."""
    if requested.kind == "confirm":
        link = url_for("web.confirm_sign_up", secret=requested.secret, _external=True)
        return Mail(requested.email, _("Confirm your registration on Puente"), "\n\n".join([
            _("Hello,"),
            _("Someone, we hope you, asked to register the organisation “%(org)s” as an employer on Puente with "
              "this email address. To confirm it and open the account, follow this link within 24 hours:",
              org=requested.org_name),
            link,
            _("If it was not you, ignore this message: nothing is registered without this confirmation.")]))
    if requested.kind == "registered":
        link = url_for("web.sign_in", _external=True)
        return Mail(requested.email, _("Someone tried to register on Puente with your email address"), "\n\n".join([
            _("Hello,"),
            _("Someone asked to register an organisation on Puente with this email address, which already has "
              "an account. If it was you, sign in instead:"),
            link,
            _("If it was not you, ignore this message: your account has not changed.")]))
    return None  # this address had its share of mails today


@web.route("/signup/employer", methods=["GET", "POST"])
def sign_up_employer():
    """Take an employer's sign-up and mail a link to confirm it.

    The answer is the same whether or not the address already has an account (its owner is mailed a link to
    sign in instead), so the form does not tell strangers who uses Puente.
    """
    form = EmployerSignUpForm()
    if request.method == "GET" and "country" in request.args:
        form.country.data = request.args["country"]
    extra: list[tuple[str | None, str]] = []
    status = 200
    if form.validate_on_submit():
        try:
            requested = accounts().request_employer_sign_up(
                form.name.data, form.tax_id.data, form.country.data, form.sector.data, form.contact_email.data,
                form.password.data, request.remote_addr)
        except TooManyAttempts as refused:
            return too_many("signup.html", _("Too many sign-ups from your network. Try again %(wait)s.",
                                             wait=wait_text(refused.wait)), refused, form=form)
        except AccountError as refused:  # the form checks the same; kept for a direct POST
            add_error(form, "password" if refused.field == "password" else "contact_email",
                      _("Check this answer."), extra)
        else:
            mail = sign_up_mail(requested)
            try:
                if mail is not None:
                    mailer().send(mail)
            except MailUnavailable as exc:
                log.error("sign-up mail not sent: %s", exc)
                extra.append((None, _("We could not send the email just now. Your answers are kept; try again "
                                      "in a few minutes.")))
                status = 503
            else:
                session["signup_sent_to"] = requested.email
                return redirect(url_for("web.sign_up_sent"))
    errors = summary(form, extra)
    return render_template("signup.html", form=form, errors=errors), status if status != 200 else (
        422 if errors else 200)


@web.get("/signup/sent")
def sign_up_sent():
    """Tell the person to look for the mail, whatever it says."""
    email = session.get("signup_sent_to")
    if not email:
        return redirect(url_for("web.sign_up_employer"))
    return render_template("signup_sent.html", email=email)


def _no_referrer(response):
    response.headers["Referrer-Policy"] = "no-referrer"  # the link's secret must not leak to another page
    return response


@web.route("/signup/confirm/<secret>", methods=["GET", "POST"])
def confirm_sign_up(secret: str):
    """Show the sign-up a mailed link stands for; confirming registers the organisation and signs in.

    A GET changes nothing, so mail scanners that open links cannot confirm for the person.
    """
    pending = accounts().pending_sign_up(secret)
    if pending is None:
        return _no_referrer(current_app.make_response((render_template("signup_expired.html"), 404)))
    form = ConfirmForm()
    extra: list[tuple[str | None, str]] = []
    status, refused = 200, False
    if form.validate_on_submit():
        issuer = current_app.extensions["puente.container"].issuer
        token = issuer.issue("signup", "employer", pending.org.id, SERVICE_TOKEN_TTL_S)
        body = {"name": pending.org.name, "tax_id": pending.tax_id, "country": pending.country,
                "sector": pending.sector, "contact_email": pending.email}
        try:
            reply = vacancies().register_employer(token, lang(), body)
        except ServiceUnavailable:
            extra.append((None, _("We could not reach the vacancies service. Your link still works; try again in "
                                  "a minute.")))
            status = 503
        else:
            if reply.ok or reply.status == 409:  # 409: registered by an earlier try that stopped half-way
                try:
                    user = accounts().confirm_sign_up(secret)
                except AccountError as error:
                    if error.code != "email_taken":
                        abort(404)
                    flash(_("This email address already has an account. Sign in with it."))
                    return redirect(url_for("web.sign_in"))
                session.clear()
                session["sid"] = accounts().start_session(user)
                flash(_("Your organisation is registered. You can post your first vacancy."))
                return redirect(url_for("web.my_vacancies"))
            accounts().cancel_sign_up(secret)
            extra += [(None, error["reason"]) for error in reply.errors] or [
                (None, _("The vacancies service refused the registration."))]
            status, refused = 422, True
    elif form.errors:
        extra.append((None, _("The form had expired. Check your answers and send it again.")))
        status = 400
    page = render_template("signup_confirm.html", form=form, pending=pending, errors=extra, refused=refused)
    return _no_referrer(current_app.make_response((page, status)))


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
        country = _employer_country()
        if country in CURRENCY_OF:  # most vacancies are where the employer is, paid in that country's money
            form.country.data, form.pay.form.currency.data = country, CURRENCY_OF[country]
        return _vacancy_page(form)
    return _submit(form)


def _employer_country() -> str | None:
    """Return the country the signed-in person's organisation registered with, or None when it cannot be read."""
    try:
        reply = vacancies().get_employer(service_token(), lang(), g.user.org)
    except ServiceUnavailable:
        return None  # the form still opens; the person picks the country
    return reply.body.get("country") if reply.ok and isinstance(reply.body, dict) else None


def own_vacancy_or_404(vacancy: dict) -> dict:
    """Return a vacancy of the signed-in employer's organisation; another's is not found (another employer may read
    a published vacancy through the API, but never gets its edit or candidates pages)."""
    if vacancy.get("employer_id") != g.user.org:
        abort(404)
    return vacancy


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
    vacancy = own_vacancy_or_404(reply.body)
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


# -- installable on a phone: manifest, service worker, offline page ------------------------------------------
@web.get("/manifest.webmanifest")
def manifest():
    """Describe the portal as an app a phone can install, opening on the counsellor's list of people."""
    icon = functools.partial(url_for, "web.static")
    body = {"id": "/workspace/", "name": "Puente", "short_name": "Puente", "lang": lang(),
            "description": _("Puente pairs migrants with decent jobs."), "start_url": url_for("workspace.queue"),
            "scope": "/", "display": "standalone", "background_color": "#ffffff", "theme_color": THEME_COLOUR,
            "icons": [{"src": icon(filename="icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
                      {"src": icon(filename="icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                      {"src": icon(filename="icons/icon-512.png"), "sizes": "512x512", "type": "image/png"}]}
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


def offline_version() -> str:
    """Return a digest of what the service worker keeps, so a changed stylesheet or script makes a new worker
    (and a new cache) instead of being served stale."""
    digest = hashlib.sha256()
    for name in (*OFFLINE_ASSETS, "sw.js"):
        digest.update((STATIC / name).read_bytes())
    digest.update((Path(__file__).resolve().parent / "templates" / "offline.html").read_bytes())
    return digest.hexdigest()[:12]


@web.get("/sw.js")
def service_worker():
    """Serve the service worker from the site's root, so it may answer for every page when the connection is lost."""
    assets = [url_for("web.static", filename=name) for name in OFFLINE_ASSETS]
    source = (STATIC / "sw.js").read_text().replace("__VERSION__", offline_version()).replace(
        '"__ASSETS__"', json.dumps(assets)).replace("__OFFLINE__", url_for("web.offline"))
    response = current_app.response_class(source, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"  # the browser checks for a new worker on each visit
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@web.get("/offline")
def offline():
    """Say the connection is lost: the one page the service worker keeps, so it names nobody and holds no form."""
    response = current_app.make_response(render_template("offline.html"))
    response.headers["Cache-Control"] = "no-cache"
    return response


@web.errorhandler(HTTPException)
def page_error(error: HTTPException):
    """Render errors on pages as pages (the APIs keep problem+json)."""
    messages = {400: _("The form had expired or was incomplete. Go back and send it again."),
                403: _("This page is not for your account."),
                404: _("There is nothing at this address."),
                415: _("This page takes only the answers of its own form. Go back and send the form again.")}
    message = messages.get(error.code or 500, _("Something went wrong on our side. Try again in a minute."))
    return render_template("error.html", code=error.code, message=message), error.code or 500
