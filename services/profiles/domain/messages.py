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
}

# The same wording as shared.http's 422 detail, so the one catalogue entry serves both.
INVALID_FIELDS = N_("One or more fields are invalid; see errors.")
PROFILE_NOT_FOUND = N_("No such profile in your centre.")
ROLE_NOT_ALLOWED = N_("Your role may not do this.")
IF_MATCH_REQUIRED = N_("Send If-Match with the ETag of the profile you read.")
PROFILE_CHANGED = N_("The profile changed since you read it; read it again.")

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
