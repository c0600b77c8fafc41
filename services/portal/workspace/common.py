"""What the workspace's page modules share: their blueprints' set-up, the service clients, error placement."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from datetime import date
from functools import lru_cache

from flask import Blueprint, abort, current_app, g, render_template, request, session
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from services.portal.alerts import SavedSearchStore
from services.portal.exports import FORMATS, Sheet, pseudonym, render
from services.portal.notifications import Notifier
from services.portal.ports import CredentialsPort, NoticeSettingsStore, ProfilesPort, Reply, ServiceUnavailable
from services.portal.web import accounts, page_error
from shared.taxonomy import load_taxonomy
from shared.text import fold

COUNSELLOR = "counsellor"
audit = logging.getLogger("puente.portal.exports")


def page_blueprint(name: str, url_prefix: str | None = None) -> Blueprint:
    """Return a blueprint of pages: it knows who is signed in and shows errors as pages, as web's pages do."""
    blueprint = Blueprint(name, __name__, url_prefix=url_prefix)

    @blueprint.before_request
    def _load_user():
        g.user = accounts().signed_in(session.get("sid"))

    @blueprint.errorhandler(ServiceUnavailable)
    def _unavailable(_error):
        return render_template("workspace/unavailable.html"), 503

    blueprint.register_error_handler(HTTPException, page_error)
    return blueprint


def profiles() -> ProfilesPort:
    """Return the running app's profiles client."""
    return current_app.extensions["puente.profiles"]


def credentials() -> CredentialsPort:
    """Return the running app's credentials client."""
    return current_app.extensions["puente.credentials"]


def searches() -> SavedSearchStore:
    """Return the running app's store of saved searches and job alerts."""
    return current_app.extensions["puente.searches"]


def notice_settings() -> NoticeSettingsStore:
    """Return the running app's store of employers' notification choices."""
    return current_app.extensions["puente.notice_settings"]


def notifier() -> Notifier:
    """Return the running app's sender of notices."""
    return current_app.extensions["puente.notifier"]


# -- exports ----------------------------------------------------------------------------------------------
def export_format(fmt: str) -> str:
    """Return a known export format, or answer 404."""
    if fmt not in FORMATS:
        abort(404)
    return fmt


def anonymised() -> bool:
    """Return whether this export is the anonymised one (``?anonymised=1``)."""
    return request.args.get("anonymised") == "1"


def person_pseudonym(ident: str) -> str:
    """Return the pseudonymous id a person has in the signed-in organisation's anonymised exports."""
    return pseudonym(current_app.config["SECRET_KEY"], g.user.org, ident)


def send_sheet(sheet: Sheet, fmt: str, stem: str, what: str):
    """Answer with the sheet as a file to download (never cached), and note who exported which list."""
    body = render(sheet, fmt)
    audit.info("list exported", extra={"user": g.user.id, "org": g.user.org, "list": what, "format": fmt,
                                       "rows": len(sheet.rows), "anonymised": anonymised()})
    response = current_app.response_class(body, mimetype=FORMATS[fmt].split(";")[0])
    if fmt == "csv":
        response.headers["Content-Type"] = FORMATS[fmt]
    kind = "-anonymised" if anonymised() else ""
    response.headers["Content-Disposition"] = f'attachment; filename="{stem}{kind}-{date.today().isoformat()}.{fmt}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def centre_name() -> str:
    """Return the name of the signed-in person's organisation."""
    org = accounts().store.org(g.user.org)
    return org.name if org else g.user.org


# -- errors on forms with nested rows ---------------------------------------------------------------------
def leaf_fields(form) -> Iterator:
    """Yield every field of a form that shows its own errors, rows of lists and sub-forms included."""
    for field in form:
        if field.type == "FieldList":
            for entry in field.entries:
                yield from leaf_fields(entry.form) if hasattr(entry, "form") else [entry]
        elif field.type == "FormField":
            yield from leaf_fields(field.form)
        elif field.type != "CSRFTokenField":
            yield field


def summary_of(form, extra: list[tuple[str | None, str]] = ()) -> list[tuple[str | None, str]]:
    """Return (field id, message) for every error of a form, in the order of the fields, then ``extra``."""
    items = []
    if "csrf_token" in getattr(form, "_fields", {}) and form.csrf_token.errors:
        items.append((None, _("The form had expired. Check your answers and send it again.")))
    for field in leaf_fields(form):
        items += [(field.id, str(message)) for message in field.errors if not isinstance(message, dict | list)]
    return items + list(extra)


def attach(form, fid: str | None, message: str, extra: list) -> None:
    """Show a message beside the field with id ``fid``, or at the top of the page when no field shows it."""
    for field in leaf_fields(form):
        if field.id == fid:
            field.errors = [*field.errors, message]
            return
    extra.append((None, message))


def place_service_errors(form, reply: Reply, pointers: Mapping[str, str], extra: list) -> None:
    """Put each refused field the service names (JSON pointer) beside the form field that shows it.

    ``pointers`` maps a pointer, or the start of one, to a field id; otherwise ``/a/0/b`` is shown at field
    ``a-0-b``, or the nearest field above it.
    """
    ids = {field.id for field in leaf_fields(form)}
    for error in reply.errors:
        pointer = error.get("pointer") or ""
        fid = next((pointers[p] for p in sorted(pointers, key=len, reverse=True)
                    if pointer == p or pointer.startswith(p + "/")), None)
        if fid is None:
            parts = [p for p in pointer.strip("/").split("/") if p]
            while parts and "-".join(parts) not in ids:
                parts.pop()
            fid = "-".join(parts) or None
        attach(form, fid, error.get("reason") or _("This value was refused."), extra)
    if not reply.errors:
        detail = (reply.body or {}).get("detail") if isinstance(reply.body, dict) else None
        extra.append((None, detail or _("The service refused the change.")))


# -- taxonomy labels --------------------------------------------------------------------------------------
def label(code: str | None, lang: str) -> str:
    """Return an occupation's or skill's label in ``lang`` (the code itself when the taxonomy lacks it)."""
    if not code:
        return ""
    taxonomy = load_taxonomy()
    concept = taxonomy.get(code)
    return concept.label(lang) if concept else code


@lru_cache(maxsize=1)
def _occupation_terms() -> dict[str, str]:
    taxonomy = load_taxonomy()
    return {fold(term): code for term, code in taxonomy.terms() if taxonomy.is_occupation(code)}


def resolve_occupation(text: str, lang: str) -> tuple[str | None, list[tuple[str, str]]]:
    """Return the ISCO-08 unit group a text names (a code, a label or a synonym in any language), or None and
    up to five unit groups whose label in ``lang`` contains it."""
    text = (text or "").strip()
    taxonomy = load_taxonomy()
    if text.isdigit() and taxonomy.is_occupation(text):
        return text, []
    code = _occupation_terms().get(fold(text))
    if code:
        return code, []
    wanted = fold(text)
    near = [(c.code, c.label(lang)) for c in taxonomy.unit_groups()
            if not c.retired and wanted and wanted in fold(c.label(lang))]
    if len(near) == 1:
        return near[0][0], []
    return None, near[:5]


def register_filters(blueprint: Blueprint) -> None:
    """Give the pages filters for the services' ISO dates, in the reader's format."""
    from datetime import UTC, date, datetime

    from flask_babel import format_date, format_timedelta

    from services.portal.workspace.logic import parse_time

    @blueprint.app_template_filter("day")
    def _day(value, style: str = "medium") -> str:
        if isinstance(value, date) and not isinstance(value, datetime):
            return format_date(value, style)
        moment = parse_time(value) if isinstance(value, str) else value
        return format_date(moment, style) if moment else ""

    @blueprint.app_template_filter("ago")
    def _ago(value) -> str:
        moment = parse_time(value) if isinstance(value, str) else value
        if moment is None:
            return ""
        delta = moment - datetime.now(UTC)
        if abs(delta.total_seconds()) < 24 * 3600:
            return _("today")
        return format_timedelta(delta, granularity="day", add_direction=True)

    @blueprint.app_template_filter("occupation_label")
    def _occupation_label(code: str) -> str:
        from services.portal.web import lang

        return label(code, lang())
