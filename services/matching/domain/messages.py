"""What a counsellor reads about a match: English msgids of the Babel catalogue (shared/translations), with
%(name)s placeholders; ``domain.explanation`` translates them into the reader's language."""

from __future__ import annotations

from shared.i18n import N_

# (code, reason) -> (message, next step). Placeholders: country, language, level, has, profession.
BLOCKERS: dict[tuple[str, str], tuple[str, str]] = {
    ("work_authorization", "none"): (
        N_("No work authorisation in %(country)s."),
        N_("Advise on regularisation or a work permit in %(country)s."),
    ),
    ("work_authorization", "in_process"): (
        N_("The work authorisation in %(country)s is being processed."),
        N_("Follow up on the application; the vacancy opens up once it is granted."),
    ),
    ("work_authorization", "expired"): (
        N_("The work permit for %(country)s has expired."),
        N_("Renew the work permit."),
    ),
    ("licence_required", "none_declared"): (
        N_("The vacancy requires a licence or a recognised credential in %(country)s; none has been assessed."),
        N_("Record the degree or licence so its recognition can be assessed."),
    ),
    ("licence_required", "regulated"): (
        N_("In %(country)s this job belongs to a regulated profession (%(profession)s): it needs a recognised "
           "title or licence, and none has been assessed."),
        N_("Record the degree or licence so its recognition can be assessed."),
    ),
    ("licence_required", "driving"): (
        N_("The vacancy asks for a driving licence valid in %(country)s."),
        N_("Check whether the person holds a licence of the category asked for that is valid in %(country)s, "
           "or how to exchange a foreign one."),
    ),
    ("licence_required", "security"): (
        N_("The vacancy asks for the security guard's course and licence required in %(country)s."),
        N_("Find out where the person can take the security guard's course and obtain the licence in "
           "%(country)s."),
    ),
    ("licence_required", "other_country"): (
        N_("The credential has not been assessed for %(country)s, where the vacancy requires a licence."),
        N_("Request an assessment of the credential for %(country)s."),
    ),
    ("licence_required", "procedure"): (
        N_("The credential needs recognition in %(country)s."),
        N_("Start the recognition procedure."),
    ),
    ("licence_required", "in_progress"): (
        N_("Recognition of the credential in %(country)s is under way."),
        N_("Follow up on the recognition; the vacancy opens up once it is granted."),
    ),
    ("licence_required", "licence"): (
        N_("The professional licence required in %(country)s is missing."),
        N_("Apply for the professional licence."),
    ),
    ("licence_required", "not_recognisable"): (
        N_("The credential cannot be recognised in %(country)s for this occupation."),
        N_("Consider related occupations that need no licence."),
    ),
    ("licence_required", "pending"): (
        N_("Recognition of the credential in %(country)s is not settled yet."),
        N_("Complete the credential assessment."),
    ),
    ("language", "below_level"): (
        N_("The vacancy asks for %(language)s at %(level)s; current level: %(has)s."),
        N_("A %(language)s course up to level %(level)s."),
    ),
    ("location", "not_relocating"): (
        N_("The vacancy is in %(country)s and the person does not want to move."),
        N_("Ask whether they would move, or look at vacancies where they live."),
    ),
    ("location", "other_country"): (
        N_("The vacancy is in %(country)s, outside the countries they would move to."),
        N_("Ask whether %(country)s would suit them."),
    ),
}

# One sentence summing up a match. Placeholders: strength, score, occupation, and covered or blockers.
SENTENCES = {
    "eligible": N_("%(strength)s match (%(score)s) for %(occupation)s; required skills covered: %(covered)s."),
    "blocked": N_("%(strength)s match (%(score)s) for %(occupation)s, but blocked by: %(blockers)s."),
}
# Strong, moderate, weak: at or above scoring.STRONG, at or above scoring.MODERATE, below.
STRENGTH = (N_("Strong"), N_("Moderate"), N_("Weak"))
CODE_NAMES = {
    "work_authorization": N_("work authorisation"),
    "licence_required": N_("licence or credential"),
    "language": N_("language"),
    "location": N_("location"),
}
UNKNOWN_OCCUPATION = N_("an uncoded occupation")
# The regulated professions of shared/regulation (the credentials rulebooks' names), as a reader reads them.
PROFESSIONS = {
    "medicine": N_("medicine"), "nursing": N_("nursing"), "dentistry": N_("dentistry"), "pharmacy": N_("pharmacy"),
    "psychology": N_("psychology"), "law": N_("law"), "engineering": N_("engineering"),
    "architecture": N_("architecture"), "teaching": N_("teaching"), "accounting": N_("accounting"),
    "electrical_installation": N_("electrical installation"),
}

# Why a ranking cannot be made (GET /api/v1/matches answers 404).
PROFILE_NOT_FOUND = N_("no profile with this id takes part in matching")
VACANCY_NOT_FOUND = N_("no open vacancy with this id")
# An employer asked for candidates who are not eligible (GET /api/v1/matches answers 403).
ELIGIBLE_ONLY = N_("Employers see only eligible candidates; leave out eligible or set it to true.")
