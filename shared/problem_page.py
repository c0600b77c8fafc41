"""The problem page a browser reads instead of problem+json: the same problem, as a small translated HTML page.

``shared.http.problem`` answers with it when the request's ``Accept`` prefers ``text/html`` over JSON (browsers
do; API clients, ``curl`` and requests without ``Accept`` keep problem+json). Texts are msgids of the shared
catalogue, so every service's page reads in the same languages as its API.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from pathlib import Path

from flask import Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import default_exceptions

from shared.i18n import N_, translate

TEMPLATES = Path(__file__).resolve().parent / "templates"
JSON_TYPES = ("application/problem+json", "application/json")

# One line of what to do next, by status; other statuses get the general one.
ADVICE = {
    401: N_("Sign in, then open this address again."),
    403: N_("Your account may not open this page."),
    404: N_("There is nothing at this address. Check it, or start again from the start page."),
    429: N_("Too many requests in a short time. Wait a moment, then try again."),
}
# werkzeug's own English descriptions ("The requested URL was not found on the server. ...") say nothing the
# page's title and advice do not say in the reader's language, so the page leaves them out.
GENERIC_DETAILS = frozenset(e.description for e in default_exceptions.values())
ADVICE_SERVER = N_("Something went wrong on our side. Try again in a minute.")
ADVICE_OTHER = N_("The request could not be completed.")

# The page's only style, inline (one request on a slow network) and allowed by its hash in the CSP.
STYLE = ("body{margin:0 auto;max-width:40rem;padding:1rem;font-family:system-ui,sans-serif;line-height:1.5;"
         "color:#1b1b1b;background:#fff}h1{font-size:1.75rem;line-height:1.2}a{color:#0b4f9c}"
         "a:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}"
         ".code{color:#3d3d3d}a.home{display:inline-block;min-height:44px;padding:.6rem 0}")
CSP = ("default-src 'none'; style-src 'sha256-" + base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
       + "'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def prefers_html(accept: MIMEAccept) -> bool:
    """Return whether ``Accept`` ranks text/html above every JSON type (a tie, ``*/*`` or no header mean JSON)."""
    return accept.quality("text/html") > max(accept.quality(t) for t in JSON_TYPES)


@cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True))


def problem_page(body: dict, lang: str) -> Response:
    """Return the HTML page of a problem document (``title`` and ``detail`` already in ``lang``)."""
    status = body["status"]
    advice = ADVICE.get(status, ADVICE_SERVER if status >= 500 else ADVICE_OTHER)

    def gettext(message: str, **params) -> str:
        return translate(message, lang, **params)

    shown = {**body, "detail": None} if body.get("detail") in GENERIC_DETAILS else body
    html = _environment().get_template("problem.html").render(
        _=gettext, lang=lang, problem=shown, advice=gettext(advice), style=STYLE)
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
