"""Find people registered more than once: same document, same phone and person, or same name and birth date.

Families often share one phone, so a shared phone alone never makes a duplicate: the name and the
birth date must agree too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from services.profiles.domain.model import Document, Identity, Profile
from shared.text import fold

BY_DOCUMENT, BY_PHONE_NAME_BIRTH, BY_NAME_BIRTH = "document", "phone_name_birth_date", "name_birth_date"
PHONE_NAME_THRESHOLD = 80  # with the same phone and birth date, spelling variants (Jhon/John) still count
NAME_THRESHOLD = 90  # with only the birth date in common, names must nearly agree


@dataclass(frozen=True)
class DuplicateMatch:
    """A likely duplicate; ``same_centre`` says whether its details may be shown to the caller."""

    profile_id: str
    centre: str
    reasons: tuple[str, ...]
    same_centre: bool


def document_key(document: Document) -> str:
    """Return the comparable form of a document number: country, then letters and digits only."""
    number = re.sub(r"[^0-9A-Za-z]", "", document.number).upper()
    if document.type == "national_id":
        # "V-12.345.678" and "12345678" are the same Venezuelan cédula: drop a letter prefix, and leading zeros.
        number = re.sub(r"^[A-Z]{1,2}(?=\d)", "", number).lstrip("0") or number
    return f"{document.country}:{number}"


def document_keys(identity: Identity) -> set[str]:
    """Return the comparable keys of every document of a person."""
    return {document_key(d) for d in identity.documents if d.number}


def name_key(identity: Identity) -> str:
    """Return the folded full name used for fuzzy comparison."""
    return fold(identity.full_name, punctuation=False)


def duplicate_reasons(new: Identity, other: Identity) -> tuple[str, ...]:
    """Return why ``other`` is likely the same person as ``new`` (empty when it is not)."""
    reasons = []
    if document_keys(new) & document_keys(other):
        reasons.append(BY_DOCUMENT)
    same_birth = new.date_of_birth is not None and new.date_of_birth == other.date_of_birth
    if same_birth:
        score = fuzz.token_set_ratio(name_key(new), name_key(other))
        if new.phone and new.phone == other.phone and score >= PHONE_NAME_THRESHOLD:
            reasons.append(BY_PHONE_NAME_BIRTH)
        if score >= NAME_THRESHOLD:
            reasons.append(BY_NAME_BIRTH)
    return tuple(reasons)


def find_duplicates(new: Profile, candidates: Iterable[Profile]) -> list[DuplicateMatch]:
    """Return the candidates that are likely the same person as ``new``, own centre first, then strongest evidence."""
    found = []
    for other in candidates:
        if other.id == new.id:
            continue
        reasons = duplicate_reasons(new.details.identity, other.details.identity)
        if reasons:
            found.append(DuplicateMatch(other.id, other.centre, reasons, other.centre == new.centre))
    found.sort(key=lambda m: (not m.same_centre, BY_DOCUMENT not in m.reasons, -len(m.reasons), m.profile_id))
    return found
