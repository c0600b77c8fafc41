"""The explanation of a match: its parts, its blockers and one sentence, in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from services.matching.domain.messages import (
    BLOCKERS,
    CODE_NAMES,
    PROFESSIONS,
    SENTENCES,
    STRENGTH,
    UNKNOWN_OCCUPATION,
)
from services.matching.domain.readmodels import VacancyView, level_name
from services.matching.domain.scoring import MODERATE, STRONG, Match, Taxonomy
from shared.i18n import LANGUAGES, translate

LANGS = LANGUAGES  # es, pt, en, fr


def explain(match: Match, vacancy: VacancyView, taxonomy: Taxonomy, lang: str) -> dict[str, Any]:
    """Return the structured explanation of a match and a sentence, in es, pt, en or fr."""
    lang = lang if lang in LANGS else "en"

    def label(code: str | None) -> str | None:
        if code is None:
            return None
        try:
            return taxonomy.label(code, lang)
        except KeyError:
            return code

    return {
        "matched_skills": [{"code": c, "label": label(c)} for c in match.matched_skills],
        "missing_skills": [{"code": c, "label": label(c)} for c in match.missing_skills],
        "occupation": {"vacancy": vacancy.occupation, "vacancy_label": label(vacancy.occupation),
                       "closest": match.closest_occupation, "closest_label": label(match.closest_occupation),
                       "isco_distance": match.occupation_distance},
        "credential_status": match.credential_status,
        "languages": [{"code": c, "required": level_name(level)} for c, level in vacancy.languages],
        "components": {k: (None if v is None else round(v, 4)) for k, v in match.parts.items()},
        "model_version": match.model_version,
        "sentence": sentence(lang, match, label(vacancy.occupation)),
    }


def blockers_out(match: Match, lang: str) -> list[dict[str, str]]:
    """Return the blockers as {code, message, next_step} in the reader's language."""
    lang = lang if lang in LANGS else "en"
    return [{"code": b.code, **blocker_text(lang, b.code, b.reason, b.params)} for b in match.blockers]


def blocker_text(lang: str, code: str, reason: str, params: Mapping[str, str]) -> dict[str, str]:
    """Return {message, next_step} for one blocker."""
    message, next_step = BLOCKERS[(code, reason)]
    params = dict(params)
    if params.get("profession") in PROFESSIONS:
        params["profession"] = translate(PROFESSIONS[params["profession"]], lang)
    return {"message": translate(message, lang, **params), "next_step": translate(next_step, lang, **params)}


def sentence(lang: str, match: Any, occupation_label: str | None) -> str:
    """Return one sentence summing up a match."""
    strong, moderate, weak = STRENGTH
    strength = strong if match.score >= STRONG else moderate if match.score >= MODERATE else weak
    occupation = occupation_label or translate(UNKNOWN_OCCUPATION, lang)
    required = len(match.matched_skills) + len(match.missing_skills)
    covered = f"{len(match.matched_skills)}/{required}" if required else "-"
    # The score is written as the API writes numbers ("0.85"), not in the reader's locale.
    common = {"strength": translate(strength, lang), "score": f"{match.score:.2f}", "occupation": occupation}
    if match.blockers:
        names = ", ".join(dict.fromkeys(translate(CODE_NAMES[b.code], lang) for b in match.blockers))
        return translate(SENTENCES["blocked"], lang, **common, blockers=names)
    return translate(SENTENCES["eligible"], lang, **common, covered=covered)
