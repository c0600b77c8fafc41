"""What other services may know of a profile: pseudonymous, only what matching and statistics need.

The rules live here (who may be published, which free text leaves and how it is scrubbed); the event
that carries the result is built in ``services.profiles.events``.
"""

from __future__ import annotations

from datetime import date

from services.profiles.domain.model import Profile
from services.profiles.domain.scrub import public_text, redact, scrub

TEXT_LANGUAGES = ("es", "pt", "en", "fr", "ht", "qu", "ay", "gn", "wayuu", "other")
SKILLS_TEXT_MAX, EXPERIENCE_TEXT_MAX, CITY_MAX = 4000, 8000, 120
MAX_YEARS = 70


def _years(start: date | None, end: date | None, today: date) -> float | None:
    if start is None:
        return None
    days = ((end or today) - start).days
    return round(max(days, 0) / 365.25, 1)


def may_publish(profile: Profile) -> bool:
    """Return whether the person consents to being matched (no event leaves without it)."""
    return profile.consents_to("matching")


def years_by_occupation(profile: Profile, today: date) -> dict[str, float | None]:
    """Return the years of experience per ISCO code, in order of first mention (None when no start is known)."""
    years: dict[str, float | None] = {}
    for job in profile.details.experience:
        if job.occupation:
            spent = _years(job.start, job.end, today)
            before = years.get(job.occupation)
            years[job.occupation] = spent if before is None else before + (spent or 0)
    return {code: None if y is None else min(round(y, 1), MAX_YEARS) for code, y in years.items()}


def public_texts(profile: Profile) -> tuple[str, str]:
    """Return the skills and experience free texts as they may leave, cut to size: only their sentences about work,
    without contacts, documents, names, addresses, ages or words of health, origin or status (``scrub``). A job's
    title always leaves (redacted): it is the trade itself."""
    d = profile.details
    ident = d.identity
    known = [doc.number for doc in ident.documents] + [v for v in (ident.phone, ident.email) if v]
    whose = {"country": d.location.country, "known": known, "names": [ident.given_names, ident.family_names]}

    def title(text: str) -> str:
        return redact(scrub(text, **whose))

    experience_text = "\n".join(f"{title(job.title)}. {public_text(job.description, **whose)}".strip()
                                 for job in d.experience)
    return public_text(d.skills_text, **whose)[:SKILLS_TEXT_MAX], experience_text[:EXPERIENCE_TEXT_MAX]


def public_city(profile: Profile) -> str | None:
    """Return the city as it may be published (None when unknown)."""
    city = profile.details.location.city
    return (city or None) and city[:CITY_MAX]


def public_text_language(text_language: str | None) -> str:
    """Return the language of the free texts as the contract names it ("other" for any we do not list)."""
    return text_language if text_language in TEXT_LANGUAGES else "other"


def education_level(profile: Profile) -> int | None:
    """Return the highest ISCED level the person reached, if any is known."""
    levels = [s.level for s in profile.details.education if s.level is not None]
    return max(levels) if levels else None
