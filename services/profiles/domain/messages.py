"""What the profiles service tells a person: English msgids (translated through the shared Babel catalogue).

Each refusal has a stable machine code (what clients and tests rely on) and a text marked with ``N_``;
``shared.i18n.translate`` says it in the reader's language at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.i18n import N_

# Why a field of a profile was refused: code -> msgid (placeholders are filled from Problem.params).
REASONS: dict[str, str] = {
    "birth_date_future": N_("The date of birth cannot be in the future."),
    "too_young": N_("The person must be at least %(min_age)s years old."),
    "too_old": N_("Check the date of birth: the person would be over %(max_age)s."),
    "country_unknown": N_("Use a two-letter country code (ISO 3166-1), for example CO or BR."),
    "phone_invalid": N_("This is not a valid phone number; add the country prefix, e.g. +57."),
    "date_future": N_("This date cannot be in the future."),
    "end_before_start": N_("The end date is before the start date."),
    "permit_expired": N_("This permit has expired; record the status as 'in_process' or 'none'."),
    "expiry_without_permit": N_("An expiry date only applies to a permit."),
    "skill_unknown": N_("'%(code)s' is not a skill of the taxonomy."),
    "occupation_unknown": N_("'%(code)s' is not an ISCO-08 unit group."),
    "repeated": N_("'%(value)s' appears more than once."),
    "relocation_not_willing": N_("Relocation countries need willingness to relocate."),
    "not_positive": N_("Enter an amount above zero."),
    "year_range": N_("Enter a year from %(min)s to %(max)s."),
    "merge_self": N_("A profile cannot be merged with itself."),
    "merge_unknown": N_("No profile with this id in your centre."),
    "reason_required": N_("Say why: the person declined, or the job is not for them."),
    "before_previous_step": N_("This date is before the previous step (%(previous)s)."),
    "vacancy_unknown": N_("No vacancy with this id is known here yet."),
    "candidate_unknown": N_("No candidate with this id is open to introductions."),
}

# The same wording as shared.http's 422 detail, so the one catalogue entry serves both.
INVALID_FIELDS = N_("One or more fields are invalid; see errors.")
PROFILE_NOT_FOUND = N_("No such profile in your centre.")
ROLE_NOT_ALLOWED = N_("Your role may not do this.")
PURPOSE_UNKNOWN = N_("Say why you read this person's data: X-Purpose must be one of %(purposes)s.")
IF_MATCH_REQUIRED = N_("Send If-Match with the ETag of the profile you read.")
PROFILE_CHANGED = N_("The profile changed since you read it; read it again.")

# The placement pipeline and introductions.
PLACEMENT_NOT_FOUND = N_("No such placement in your centre.")
PLACEMENT_EXISTS = N_("This person already has a placement for this vacancy.")
PLACEMENT_CHANGED = N_("The placement changed since you read it; read it again.")
IF_MATCH_PLACEMENT = N_("Send If-Match with the ETag of the placement you read.")
STAGE_NOT_ALLOWED = N_("A placement at stage '%(current)s' cannot move to '%(wanted)s'.")
INTRODUCED_THROUGH_INTRODUCTIONS = N_("A person is introduced only through an introduction, which records their "
                                      "consent.")
CONSENT_REQUIRED = N_("The person must consent before being introduced to the employer.")
INTRODUCTIONS_NOT_CONSENTED = N_("The person's profile does not consent to introductions; record that consent on "
                                 "the profile first.")
ALREADY_INTRODUCED = N_("This candidate is already introduced for this vacancy.")
VACANCY_NOT_FOUND = N_("No such vacancy of yours.")
VACANCY_NOT_OPEN = N_("This vacancy is not open: it is held for review or closed.")
VACANCY_ID_FORMAT = N_("Enter the vacancy's id as it was given (a UUID).")

# Duplicate warnings on a new registration, by scope.
DUPLICATE_WARNINGS = {
    "this_centre": N_("This person may already be registered in your centre; you can merge the two profiles."),
    "other_centre": N_("A possible duplicate is registered at another centre."),
}


@dataclass(frozen=True)
class Problem:
    """One refused field: a JSON pointer, a reason code and the values the reason mentions."""

    pointer: str
    code: str
    params: dict = field(default_factory=dict, compare=False)

    @property
    def message(self) -> str:
        """Return the msgid of this problem's reason."""
        return REASONS[self.code]
