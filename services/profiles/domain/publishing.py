"""What other services may know of a profile: pseudonymous, only what matching and statistics need."""

from __future__ import annotations

from datetime import date, datetime

from services.profiles.domain.model import Profile
from services.profiles.domain.scrub import scrub

PUBLISHED = "org.puente.profile.published.v1"
WITHDRAWN = "org.puente.profile.withdrawn.v1"
TEXT_LANGUAGES = ("es", "pt", "en", "fr", "ht", "qu", "ay", "gn", "wayuu", "other")
SKILLS_TEXT_MAX, EXPERIENCE_TEXT_MAX, CITY_MAX = 4000, 8000, 120


def _years(start: date | None, end: date | None, today: date) -> float | None:
    if start is None:
        return None
    days = ((end or today) - start).days
    return round(max(days, 0) / 365.25, 1)


def may_publish(profile: Profile) -> bool:
    """Return whether the person consents to being matched (no event leaves without it)."""
    return profile.consents_to("matching")


def published_data(profile: Profile, text_language: str, today: date) -> dict:
    """Return the ``profile.published`` data: codes, categories and scrubbed free text only."""
    d = profile.details
    ident = d.identity
    known = [doc.number for doc in ident.documents] + [v for v in (ident.phone, ident.email) if v]
    names = [ident.given_names, ident.family_names]

    def clean(text: str) -> str:
        return scrub(text, country=d.location.country, known=known, names=names)

    years: dict[str, float | None] = {}
    for job in d.experience:
        if job.occupation:
            spent = _years(job.start, job.end, today)
            before = years.get(job.occupation)
            years[job.occupation] = spent if before is None else before + (spent or 0)
    occupations = [{"code": code, "source": "experience", "years": None if y is None else min(round(y, 1), 70)}
                   for code, y in years.items()]
    occupations += [{"code": code, "source": "desired"} for code in d.desired_occupations]
    experience_text = "\n".join(f"{job.title}. {job.description}".strip() for job in d.experience)
    levels = [s.level for s in d.education if s.level is not None]
    return {
        "profile_id": profile.id,
        "centre": profile.centre,
        "country": d.location.country,
        "city": (d.location.city or None) and d.location.city[:CITY_MAX],
        "willing_to_relocate": d.location.willing_to_relocate,
        "relocation_countries": list(dict.fromkeys(d.location.relocation_countries)),
        "languages": [{"code": lang.code, "level": lang.level} for lang in d.languages],
        "work_authorization": [{"country": a.country, "category": a.status,
                                "expires": a.expires.isoformat() if a.expires else None}
                               for a in d.work_authorizations],
        "occupations": occupations,
        "skills": sorted(set(d.skills)),
        "education_level": max(levels) if levels else None,
        "availability": d.availability,
        "text_language": text_language if text_language in TEXT_LANGUAGES else "other",
        "text": {"skills": clean(d.skills_text)[:SKILLS_TEXT_MAX],
                 "experience": clean(experience_text)[:EXPERIENCE_TEXT_MAX]},
        "consents": {"matching": True, "introductions": profile.consents_to("introductions"),
                     "statistics": profile.consents_to("statistics")},
        "updated_at": profile.updated_at.isoformat(),
    }


def withdrawn_data(profile_id: str, reason: str, at: datetime) -> dict:
    """Return the ``profile.withdrawn`` data."""
    return {"profile_id": profile_id, "reason": reason, "withdrawn_at": at.isoformat()}
