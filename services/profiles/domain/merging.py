"""Fold a duplicate registration into the profile a counsellor keeps, losing nothing the person told us."""

from __future__ import annotations

from dataclasses import replace

from services.profiles.domain.duplicates import document_key
from services.profiles.domain.model import CEFR_LEVELS, ProfileDetails


def _union(first: list, second: list, key=lambda x: x) -> list:
    seen, out = set(), []
    for item in [*first, *second]:
        k = key(item)
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out


def _join(a: str | None, b: str | None) -> str | None:
    parts: list[str] = []
    for text in (a, b):
        text = (text or "").strip()
        if text and text not in parts:
            parts.append(text)
    return "\n".join(parts) or None


def merge_details(keep: ProfileDetails, other: ProfileDetails) -> ProfileDetails:
    """Return ``keep`` completed with what only ``other`` holds; where both answer, ``keep`` wins."""
    k, o = keep.identity, other.identity
    identity = replace(
        k,
        date_of_birth=k.date_of_birth or o.date_of_birth,
        nationalities=_union(k.nationalities, o.nationalities),
        documents=_union(k.documents, o.documents, document_key),
        phone=k.phone or o.phone,
        whatsapp=k.whatsapp or (o.whatsapp and not k.phone),
        email=k.email or o.email,
    )
    levels = {lang.code: lang for lang in keep.languages}
    for lang in other.languages:
        mine = levels.get(lang.code)
        if mine is None or CEFR_LEVELS.index(lang.level) > CEFR_LEVELS.index(mine.level):
            levels[lang.code] = lang
    return replace(
        keep,
        identity=identity,
        languages=list(levels.values()),
        work_authorizations=_union(keep.work_authorizations, other.work_authorizations, lambda a: a.country),
        experience=_union(keep.experience, other.experience, lambda j: (j.title.casefold(), j.start)),
        skills_text=_join(keep.skills_text, other.skills_text) or "",
        skills=_union(keep.skills, other.skills),
        education=_union(keep.education, other.education, lambda s: (s.title.casefold(), s.level)),
        desired_occupations=_union(keep.desired_occupations, other.desired_occupations),
        availability=keep.availability or other.availability,
        pay_expectation=keep.pay_expectation or other.pay_expectation,
        accessibility_needs=_join(keep.accessibility_needs, other.accessibility_needs),
        situation_notes=_join(keep.situation_notes, other.situation_notes),
        text_language=keep.text_language or other.text_language,
    )
