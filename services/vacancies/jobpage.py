"""The public page of a published vacancy (``/jobs/<id>``): what a job seeker reads, in a language they read,
with pay, hours and dates in that language's format and a plain "how to apply".

Applications go through a migrant orientation centre (a counsellor puts the person forward, with their
consent), never straight to the employer from this page: that is what the JobPosting's ``directApply: false``
says to job boards, and what the page says to people.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

from services.vacancies.domain.model import Vacancy
from shared.i18n import LANGUAGES, N_, format_pay, translate
from shared.taxonomy import load_taxonomy

CONTRACTS = {"permanent": N_("Permanent"), "fixed_term": N_("Fixed term"), "temporary": N_("Temporary"),
             "seasonal": N_("Seasonal"), "apprenticeship": N_("Apprenticeship"), "other": N_("Other")}
BENEFITS = {"social_security": N_("Social security (health and pension contributions)"),
            "housing": N_("Housing"), "transport": N_("Transport")}
LANGUAGE_NAMES = {"es": "Español", "pt": "Português", "en": "English", "fr": "Français"}

# The page's only style, inline (no second request on a slow phone network) and allowed by its hash in the CSP.
STYLE = (
    "*,*::before,*::after{box-sizing:border-box}"
    "body{margin:0;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;line-height:1.5;color:#1b1b1b;"
    "background:#fff}"
    ".wrap{max-width:44rem;margin:0 auto;padding:0 1rem}"
    "header{background:#123c69;color:#fff}header .wrap{display:flex;flex-wrap:wrap;justify-content:space-between;"
    "align-items:center;gap:.25rem 1rem}"
    "header a{color:#fff;display:inline-flex;align-items:center;min-height:44px;min-width:44px;padding:0 .25rem}"
    ".brand{font-weight:700;font-size:1.3rem;text-decoration:none}"
    "nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:0 .75rem}"
    "a{color:#0b4f9c;text-underline-offset:.15em}"
    ":focus-visible{outline:3px solid #ffbf47;outline-offset:2px;box-shadow:0 0 0 5px #1b1b1b}"
    "h1{font-size:1.75rem;line-height:1.2;margin:1rem 0 .25rem}h2{font-size:1.25rem;margin:1.5rem 0 .5rem}"
    ".employer{font-size:1.1rem;margin:0 0 1rem}"
    "dl{display:grid;grid-template-columns:minmax(8rem,auto) 1fr;gap:.35rem 1rem;margin:0}"
    "dt{font-weight:700}dd{margin:0}"
    ".description{white-space:pre-line}"
    ".apply{border-left:6px solid #1d6b2f;background:#eef6ef;padding:.75rem 1rem;margin-top:1.5rem}"
    ".apply h2{margin-top:0}.free{font-weight:700}"
    "code{font-size:1rem;word-break:break-all;background:#fff;padding:0 .25rem;border:1px solid #b1b4b6}"
    "footer{border-top:1px solid #b1b4b6;margin-top:2rem;padding:1rem 0;color:#3d3d3d}"
    "@media (max-width:30rem){dl{grid-template-columns:1fr}dd{margin-bottom:.5rem}}"
)
STYLE_HASH = "sha256-" + base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
# No script runs on the page (its JSON-LD is data, which CSP does not govern); nothing may frame it.
PAGE_HEADERS = {
    "Content-Security-Policy": f"default-src 'none'; style-src '{STYLE_HASH}'; base-uri 'none'; "
                               "form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
FEED_HEADERS = {"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
                "X-Content-Type-Options": "nosniff"}


def page_language(asked: str | None, vacancy_language: str, preferred: str) -> str:
    """Return the page's language: one asked for with ``?lang=``, else the vacancy's own (so the page and the
    employer's text agree), else the reader's ``preferred`` one."""
    for candidate in (asked, vacancy_language):
        if candidate in LANGUAGES:
            return candidate
    return preferred


@dataclass(frozen=True)
class Fact:
    """One line of the page's facts: a label and its value, both in the page's language."""

    label: str
    value: str
    lang: str | None = None  # set when the value is the employer's own words in another language


def text_language(code: str, lang: str) -> str | None:
    """Return the ``lang`` attribute of the employer's own words when they are in another language than the page
    (None when they are not, or when the code is no language tag, like "other")."""
    return code if code != lang and 2 <= len(code) <= 3 else None


def _date(value: date, lang: str) -> str:
    return format_date(value, format="long", locale=lang)


def facts(v: Vacancy, lang: str) -> list[Fact]:
    """Return what a job seeker wants to know first, in ``lang``: pay, hours, place, contract, dates."""
    d, locale, taxonomy = v.draft, Locale.parse(lang), load_taxonomy()

    def _(message: str, **params) -> str:
        return translate(message, lang, **params)

    country = locale.territories.get(d.country, d.country)
    where = ", ".join(p for p in (d.city, country) if p)
    if d.remote:
        where = _("Remote, from %(country)s", country=country)
    out = [Fact(_("Pay"), format_pay(d.pay.amount, d.pay.currency, d.pay.period, lang)),
           Fact(_("Hours"), _("%(hours)s hours a week", hours=format_decimal(d.hours_per_week, locale=lang))),
           Fact(_("Where"), where),
           Fact(_("Contract"), _(CONTRACTS.get(d.contract_type, CONTRACTS["other"])))]
    if d.shifts:
        out.append(Fact(_("Shifts"), d.shifts, text_language(d.language, lang)))
    if d.occupation and taxonomy.get(d.occupation):
        out.append(Fact(_("Occupation"), f"{taxonomy.label(d.occupation, lang)} (ISCO-08 {d.occupation})"))
    out.append(Fact(_("Openings"), format_decimal(d.openings, locale=lang)))
    if d.start_date:
        out.append(Fact(_("Start date"), _date(d.start_date, lang)))
    if d.closing_date:
        out.append(Fact(_("Apply by"), _date(d.closing_date, lang)))
    posted = v.published_at or v.created_at
    out.append(Fact(_("Posted on"), _date(posted.date(), lang)))
    return out


def requirements(v: Vacancy, lang: str) -> list[str]:
    """Return what the job asks of the person, as sentences in ``lang``."""
    d, locale, taxonomy = v.draft, Locale.parse(lang), load_taxonomy()
    out = []
    for need in d.languages:
        name = locale.languages.get(need.get("code", ""), need.get("code", ""))
        name = name[:1].upper() + name[1:]  # "español" starts the line
        level = need.get("min_level") or "A1"
        out.append(translate(N_("%(language)s at native level"), lang, language=name) if level == "native" else
                   translate(N_("%(language)s at level %(level)s or above"), lang, language=name, level=level))
    skills = [taxonomy.label(code, lang) for code in d.required_skills if taxonomy.get(code)]
    if skills:
        out.append(translate(N_("Skills: %(skills)s"), lang, skills=", ".join(skills)))
    if d.licence_required:
        out.append(translate(N_("The law requires a licence or a recognised credential for this job."), lang))
    if d.work_authorization_required:
        out.append(translate(N_("You need a work permit for this job."), lang))
    return out


def benefits(v: Vacancy, lang: str) -> list[str]:
    """Return the benefits the job comes with, in ``lang``."""
    return [translate(text, lang) for key, text in BENEFITS.items() if v.draft.benefits.get(key)]


def context(v: Vacancy, employer: str, lang: str, jsonld: str, language_url: Callable[[str], str]) -> dict:
    """Return everything the page's template needs."""
    return {
        "lang": lang, "vacancy": v, "draft": v.draft, "employer": employer, "jsonld": jsonld, "style": STYLE,
        "facts": facts(v, lang), "requirements": requirements(v, lang), "benefits": benefits(v, lang),
        # The employer's own words keep their language, so a screen reader reads them right.
        "text_lang": text_language(v.draft.language, lang),
        "other_languages": [(code, LANGUAGE_NAMES[code], language_url(code))
                            for code in ("es", "pt", "en") if code != lang],
        "_": lambda message, **params: translate(message, lang, **params),
    }
