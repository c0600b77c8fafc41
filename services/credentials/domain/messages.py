"""What a person reads from the credentials service: English msgids, translated through the Babel catalogue.

Each refusal has a stable code (the key) and a message with ``%(name)s`` placeholders; shared.http renders
them as problem+json in the reader's language.
"""

from __future__ import annotations

from shared.i18n import N_

# Refusals of a declaration or a workflow move, by code.
REASONS = {
    "bad_level": N_("The ISCED level must be between 0 and 8."),
    "bad_orientation": N_("Must be general or vocational."),
    "bad_field": N_("The ISCED-F field must have 2 to 4 digits."),
    "bad_country": N_("Two-letter ISO country code."),
    "bad_document": N_("Unknown kind of document."),
    "none_with_documents": N_("'none' cannot be combined with other documents."),
    "bad_accreditation": N_("Unknown accreditation."),
    "unknown_status": N_("Unknown status."),
    "bad_transition": N_("Cannot move from '%(current)s' to '%(target)s'."),
    "not_assessed": N_("Assess the credential first."),
    "procedure_elsewhere": N_("A procedure is under way in %(destination)s."),
}
NOT_FOUND = N_("No credential has this id.")
PERSON_NOT_FOUND = N_("No person with this profile_id is registered in your centre.")
STALE = N_("The credential changed; its current ETag is %(etag)s.")
# Said with every assessment: the outcome is guidance, the destination's office decides.
GUIDANCE = N_("Guidance, not a decision: the country's recognition office decides. See the sources and dates.")
