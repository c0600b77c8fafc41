"""What a counsellor reads about a match, and may read aloud to the person: English msgids of the Babel
catalogue (shared/translations), with %(name)s placeholders; ``domain.explanation`` translates them into the
reader's language and fills them with names in that language too (``in_country``: the phrase for being in
the country, "en Perú", "no Peru", "au Pérou", since Portuguese and French names need their article or
preposition; ``language``: a language's name).
Every text is a whole sentence: no placeholder is ever filled with "-"."""

from __future__ import annotations

from shared.i18n import N_

# (code, reason) -> (what is missing, the next step). Placeholders: in_country, language, level, has,
# profession_title.
BLOCKERS: dict[tuple[str, str], tuple[str, str]] = {
    ("work_authorization", "none"): (
        N_("The person has no work authorisation %(in_country)s."),
        N_("Advise on regularisation or a work permit %(in_country)s."),
    ),
    ("work_authorization", "in_process"): (
        N_("The person's work authorisation %(in_country)s is being processed."),
        N_("Follow up on the application; the job opens up once it is granted."),
    ),
    ("work_authorization", "expired"): (
        N_("The person's work permit %(in_country)s has expired."),
        N_("Help the person renew the work permit."),
    ),
    ("licence_required", "none_declared"): (
        N_("The job requires a licence or a recognised title %(in_country)s, and none has been assessed."),
        N_("Record the degree or licence so its recognition can be assessed."),
    ),
    ("licence_required", "regulated"): (
        N_("%(profession_title)s is a regulated profession %(in_country)s: the job requires a recognised title or "
           "licence, and none has been assessed."),
        N_("Record the degree or licence so its recognition can be assessed."),
    ),
    ("licence_required", "driving"): (
        N_("The job requires a driving licence valid %(in_country)s."),
        N_("Check whether the person holds a licence of the category asked for that is valid %(in_country)s, "
           "or how to exchange a foreign one."),
    ),
    ("licence_required", "security"): (
        N_("The job requires a security guard's course and licence valid %(in_country)s."),
        N_("Find out where the person can take the security guard's course and obtain the licence "
           "%(in_country)s."),
    ),
    ("licence_required", "other_country"): (
        N_("The job requires a licence %(in_country)s, and the person's credential has not been assessed there."),
        N_("Request an assessment of the credential for work %(in_country)s."),
    ),
    ("licence_required", "procedure"): (
        N_("The person's credential needs recognition %(in_country)s before they can do this job."),
        N_("Start the recognition procedure."),
    ),
    ("licence_required", "in_progress"): (
        N_("Recognition of the person's credential %(in_country)s is under way."),
        N_("Follow up on the recognition; the job opens up once it is granted."),
    ),
    ("licence_required", "licence"): (
        N_("The professional licence required %(in_country)s is missing."),
        N_("Apply for the professional licence."),
    ),
    ("licence_required", "not_recognisable"): (
        N_("The person's credential cannot be recognised %(in_country)s for this occupation."),
        N_("Look at related occupations that need no licence."),
    ),
    ("licence_required", "pending"): (
        N_("Recognition of the person's credential %(in_country)s is not settled yet."),
        N_("Complete the credential assessment."),
    ),
    ("language", "below_level"): (
        N_("The job asks for %(language)s at level %(level)s, and the person's level is %(has)s."),
        N_("Propose a course in %(language)s up to level %(level)s."),
    ),
    ("language", "not_spoken"): (
        N_("The job asks for %(language)s at level %(level)s, and the person does not speak it yet."),
        N_("Propose a course in %(language)s up to level %(level)s."),
    ),
    ("location", "not_relocating"): (
        N_("The job is %(in_country)s, and the person does not want to move there."),
        N_("Ask whether they would move, or look at jobs where they live."),
    ),
    ("location", "other_country"): (
        N_("The job is %(in_country)s, outside the countries the person would move to."),
        N_("Ask whether the person would move to work %(in_country)s."),
    ),
}

# Why this job: how strong the match is and how the job's occupation relates to the person's.
STRENGTH = {"strong": N_("Strong match"), "moderate": N_("Moderate match"), "weak": N_("Weak match")}
WHY = {
    "same": N_("%(strength)s: the job is in the person's own occupation (%(occupation)s)."),
    "close": N_("%(strength)s: the job (%(occupation)s) is close to the person's occupation (%(closest)s)."),
    "other": N_("%(strength)s: the job (%(occupation)s) is in another occupation, but what it asks for is close to "
                "the person's experience."),
    "uncoded": N_("%(strength)s: the job's occupation is not known, but what it asks for is close to the person's "
                  "experience."),
}
# The skills the job lists as required (labels in the reader's language, joined by commas).
SKILLS = {
    "all": N_("The person has every skill the job lists: %(matched)s."),
    "some": N_("The person has %(covered)s of the %(required)s skills the job lists; missing: %(missing)s."),
    "none": N_("The person has none of the skills the job lists (%(missing)s)."),
}
NOTHING_BLOCKS = N_("Nothing blocks this job: the person can apply now.")
NEXT_STEP = N_("Next step: %(step)s")
NEXT_STEPS = N_("Next steps: %(steps)s")
# The regulated professions of shared/regulation (the credentials rulebooks' names), as the subject that starts
# a sentence (translations carry the article the language needs: "La enfermería", "Le droit").
PROFESSIONS = {
    "medicine": N_("Medicine"), "nursing": N_("Nursing"), "dentistry": N_("Dentistry"), "pharmacy": N_("Pharmacy"),
    "psychology": N_("Psychology"), "law": N_("Law"), "engineering": N_("Engineering"),
    "architecture": N_("Architecture"), "teaching": N_("Teaching"), "accounting": N_("Accounting"),
    "electrical_installation": N_("Electrical installation"),
}
REGULATED_PROFESSION = N_("This profession")  # when the regulation names none matching knows
NATIVE_LEVEL = N_("native")  # a language level above C2, inside a sentence

# Why a ranking cannot be made (GET /api/v1/matches answers 404).
PROFILE_NOT_FOUND = N_("no profile with this id takes part in matching")
VACANCY_NOT_FOUND = N_("no open vacancy with this id")
# An employer asked for candidates who are not eligible (GET /api/v1/matches answers 403).
ELIGIBLE_ONLY = N_("Employers see only eligible candidates; leave out eligible or set it to true.")
