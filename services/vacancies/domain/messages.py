"""What each finding and refusal says to a person: English msgids of the shared Babel catalogue.

Texts are translated where the reader's language is known (:func:`shared.i18n.translate`, or the shared
problem+json handler for refusals). Numbers are passed raw and written in the reader's format there.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from shared.i18n import N_, translate

# What the decent-work gate found, by finding code (params as the gate records them).
FINDINGS: dict[str, str] = {
    "pay_below_minimum": N_(
        "The pay is worth %(monthly_equivalent)s %(currency)s a month, below the legal minimum of "
        "%(minimum)s %(currency)s for these hours (in force since %(effective_date)s)."),
    "pay_currency_not_comparable": N_(
        "Pay in %(currency)s cannot be compared with the minimum wage; state it in %(expected)s."),
    "hours_over_maximum": N_("%(hours)s hours a week exceed the legal maximum of %(maximum)s hours."),
    "country_not_covered": N_(
        "We have no labour data for %(country)s yet; an administrator will review the vacancy."),
    "worker_pays_fees": N_(
        "Workers must not pay anything to get or start the job (\"%(evidence)s\"): the employer pays."),
    "document_retention": N_(
        "Keeping a worker's passport or identity documents is not allowed (\"%(evidence)s\")."),
    "unpaid_trial": N_("Every trial period must be paid (\"%(evidence)s\")."),
    "informal_no_contract": N_(
        "The vacancy describes work without a contract or social security (\"%(evidence)s\")."),
    "no_weekly_rest": N_("Every worker is entitled to a weekly rest (\"%(evidence)s\")."),
    "discrimination_nationality": N_(
        "Excluding people by nationality or migration status needs a lawful reason (\"%(evidence)s\"). "
        "You may ask for a valid work permit."),
    "discrimination_sex": N_("Requiring a particular sex needs a lawful reason (\"%(evidence)s\")."),
    "discrimination_age": N_("Age limits need a lawful reason (\"%(evidence)s\")."),
    "discrimination_family": N_(
        "You may not require having no children, not being pregnant or a marital status (\"%(evidence)s\")."),
    "discrimination_disability": N_("Excluding people with disabilities is not allowed (\"%(evidence)s\")."),
    "appearance_requirement": N_(
        "Asking for \"%(evidence)s\" tends to exclude people for reasons unrelated to the job; "
        "state the real requirement."),
    "age_preference": N_(
        "\"%(evidence)s\" may read as an age preference; remove it if it is not a requirement."),
    "long_shifts": N_(
        "Long shifts (\"%(evidence)s\"): state the breaks and that weekly hours stay within the law."),
    "disguised_self_employment": N_(
        "\"%(evidence)s\" may hide an employment relationship; set hours and supervision call for a contract."),
}

# Why one field of a submitted vacancy was refused, by reason code (the code is what bulk rows report).
REASONS: dict[str, str] = {
    "closing_date_past": N_("The closing date is in the past."),
    "closing_date_too_far": N_("The closing date is more than two years after the start."),
    "skill_listed_twice": N_("A skill is listed as both required and nice to have."),
    "unknown_occupation": N_("Not an ISCO-08 unit group."),
    "occupation_not_found": N_("No occupation matches this title; please choose one."),
    "unknown_skill": N_("Unknown skill code."),
}

# Refusals of the use cases (shared.errors exceptions carry them; the HTTP layer translates them).
INVALID_FIELDS = N_("One or more fields are invalid; see errors.")
NO_SUCH_VACANCY = N_("There is no such vacancy.")
NO_SUCH_EMPLOYER = N_("There is no such employer.")
OTHER_ORGANISATION = N_("This vacancy belongs to another organisation.")
STALE_VERSION = N_("The vacancy changed since you read it; reload it.")
ALREADY_REGISTERED = N_("This organisation is already registered.")
EXTERNAL_ID_TAKEN = N_("You already sent a vacancy with this external_id; change that one at its own address.")
NO_LABOUR_DATA = N_("No labour data for %(country)s.")
CANNOT_CHANGE = N_("a %(state)s vacancy cannot be changed")
ONLY_HELD_REVIEWED = N_("only a held vacancy can be reviewed; this one is %(state)s")
ALREADY_CLOSED = N_("the vacancy is already %(state)s")
UNKNOWN_DECISION = N_("unknown decision %(decision)s")

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def finding_message(code: str, params: dict[str, Any], lang: str) -> str:
    """Return the sentence a person reads for one finding, in ``lang`` with its numbers in that locale."""
    message = FINDINGS.get(code)
    if message is None:
        return code
    missing = {name for name in _PLACEHOLDER.findall(message) if name not in params}
    # Findings are stored as JSON, so their dates come back as ISO strings: read them as dates again, so the
    # reader sees "1 de enero de 2025" rather than "2025-01-01".
    values = {k: _as_date(v) if k.endswith("_date") else v for k, v in params.items()}
    # A finding stored without one of its values still says what is wrong, with a gap for the value.
    return translate(message, lang, **{**{name: "…" for name in missing}, **values})


def _as_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def reason_message(code: str, lang: str) -> str:
    """Return the sentence a person reads for one refused field (unknown codes are returned as they are)."""
    message = REASONS.get(code)
    return translate(message, lang) if message else code
