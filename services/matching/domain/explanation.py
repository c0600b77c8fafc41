"""The explanation of a match, in whole sentences a counsellor can read aloud: why this job, what is missing,
and the next step, in the reader's language (and, for a ranking of jobs, in the person's too).

Every placeholder is filled in the same language as the sentence around it: occupation and skill labels from
the taxonomy, country and language names from the locale data (Babel's CLDR), numbers as digits. A value that
is missing changes the sentence, never fills it with "-".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from babel import Locale

from services.matching.domain.messages import (
    BLOCKERS,
    NATIVE_LEVEL,
    NEXT_STEP,
    NEXT_STEPS,
    NOTHING_BLOCKS,
    PROFESSIONS,
    REGULATED_PROFESSION,
    SKILLS,
    STRENGTH,
    WHY,
)
from services.matching.domain.readmodels import ProfileView, VacancyView, level_name
from services.matching.domain.scoring import MODERATE, STRONG, Match, Taxonomy
from shared.i18n import LANGUAGES, translate

LANGS = LANGUAGES  # es, pt, en, fr

# How each language says "in <country>" where the country's name needs its article or a preposition of its own
# (Portuguese "no Peru" / "na Colômbia", French "au Pérou" / "en Colombie"); others take "em" and "en".
_IN = {
    "es": {}, "en": {},
    "pt": {**dict.fromkeys(("BR", "PE", "CL", "EC", "UY", "PY", "HT", "MX"), "no"),
           **dict.fromkeys(("AR", "BO", "CO", "VE", "DO", "GY"), "na")},
    "fr": {**dict.fromkeys(("BR", "CL", "PE", "PY", "VE", "MX"), "au"), "CU": "à", "US": "aux"},
}
_IN_DEFAULT = {"es": "en", "en": "in", "pt": "em", "fr": "en"}
# Names CLDR gives that a reader here would not use.
_LANGUAGE_NAMES = {("pt", "ht"): "crioulo haitiano"}


def country_name(code: str, lang: str) -> str:
    """Return the country's name in ``lang`` ("Perú", "Pérou"), or the code when the locale data lacks it."""
    return Locale.parse(lang).territories.get(code, code)


def in_country(code: str, lang: str) -> str:
    """Return how ``lang`` says "in <country>": "en Perú", "no Peru", "au Pérou", "in Peru"."""
    return f"{_IN[lang].get(code, _IN_DEFAULT[lang])} {country_name(code, lang)}"


def language_name(code: str, lang: str) -> str:
    """Return a language's name in ``lang`` ("portugués", "créole haïtien"), or the code when unknown."""
    return _LANGUAGE_NAMES.get((lang, code)) or Locale.parse(lang).languages.get(code, code)


def person_language(profile: ProfileView) -> str | None:
    """Return the language to read a person's matches aloud in: the language they wrote in when we have it,
    else the one of ours they speak best; None when they speak none of ours."""
    if profile.text_language in LANGS:
        return profile.text_language
    spoken = [(level, code) for code, level in profile.languages.items() if code in LANGS and level > 0]
    return max(spoken)[1] if spoken else None


def explain(match: Match, vacancy: VacancyView, taxonomy: Taxonomy, lang: str,
            read_aloud_in: str | None = None) -> dict[str, Any]:
    """Return the structured explanation of a match with its sentences in ``lang`` (es, pt, en or fr); with
    ``read_aloud_in`` another of those languages, also the whole text in it under ``read_aloud``."""
    lang = lang if lang in LANGS else "en"

    def label(code: str | None) -> str | None:
        if code is None:
            return None
        try:
            return taxonomy.label(code, lang)
        except KeyError:
            return code

    out: dict[str, Any] = {
        "matched_skills": [{"code": c, "label": label(c)} for c in match.matched_skills],
        "missing_skills": [{"code": c, "label": label(c)} for c in match.missing_skills],
        "occupation": {"vacancy": vacancy.occupation, "vacancy_label": label(vacancy.occupation),
                       "closest": match.closest_occupation, "closest_label": label(match.closest_occupation),
                       "isco_distance": match.occupation_distance},
        "credential_status": match.credential_status,
        "languages": [{"code": c, "required": level_name(level)} for c, level in vacancy.languages],
        "components": {k: (None if v is None else round(v, 4)) for k, v in match.parts.items()},
        "model_version": match.model_version,
        "lang": lang,
        **sentences(match, vacancy, taxonomy, lang),
    }
    if read_aloud_in in LANGS and read_aloud_in != lang:
        out["read_aloud"] = {"lang": read_aloud_in,
                             "sentence": sentences(match, vacancy, taxonomy, read_aloud_in)["sentence"]}
    return out


def sentences(match: Match, vacancy: VacancyView, taxonomy: Taxonomy, lang: str) -> dict[str, Any]:
    """Return ``why`` (one sentence), ``missing`` and ``next_steps`` (lists of sentences) and ``sentence`` (all
    of them as one paragraph to read aloud), in ``lang``."""

    def label(code: str | None) -> str | None:
        if code is None:
            return None
        try:
            return taxonomy.label(code, lang)
        except KeyError:
            return None

    strength = translate(STRENGTH["strong" if match.score >= STRONG else
                                  "moderate" if match.score >= MODERATE else "weak"], lang)
    occupation, closest = label(vacancy.occupation), label(match.closest_occupation)
    if occupation is None:
        why = translate(WHY["uncoded"], lang, strength=strength)
    elif match.occupation_distance == 0 and closest:
        why = translate(WHY["same"], lang, strength=strength, occupation=occupation)
    elif match.occupation_distance == 1 and closest:
        why = translate(WHY["close"], lang, strength=strength, occupation=occupation, closest=closest)
    else:
        why = translate(WHY["other"], lang, strength=strength, occupation=occupation)
    blockers = [blocker_text(lang, b.code, b.reason, b.params) for b in match.blockers]
    skills = skills_sentence(match, label, lang)
    reasons = [why] + ([skills] if skills and not match.missing_skills else [])
    missing = ([skills] if skills and match.missing_skills else []) + [b["message"] for b in blockers]
    if blockers:
        steps = list(dict.fromkeys(b["next_step"] for b in blockers))
        next_steps = steps
        closing = (translate(NEXT_STEP, lang, step=steps[0]) if len(steps) == 1
                   else translate(NEXT_STEPS, lang, steps=" ".join(steps)))
    else:
        next_steps = [translate(NOTHING_BLOCKS, lang)]
        closing = next_steps[0]
    paragraph = " ".join([*reasons, *missing, closing])
    return {"why": " ".join(reasons), "missing": missing, "next_steps": next_steps, "sentence": paragraph}


def skills_sentence(match: Match, label: Any, lang: str) -> str | None:
    """Return what the person has of the skills the job lists as required, or None when it lists none."""
    required = len(match.matched_skills) + len(match.missing_skills)
    if not required:
        return None
    matched = ", ".join(label(c) or c for c in match.matched_skills)
    missing = ", ".join(label(c) or c for c in match.missing_skills)
    if not match.missing_skills:
        return translate(SKILLS["all"], lang, matched=matched)
    if not match.matched_skills:
        return translate(SKILLS["none"], lang, missing=missing)
    return translate(SKILLS["some"], lang, covered=len(match.matched_skills), required=required, missing=missing)


def blockers_out(match: Match, lang: str) -> list[dict[str, str]]:
    """Return the blockers as {code, message, next_step} in the reader's language."""
    lang = lang if lang in LANGS else "en"
    return [{"code": b.code, **blocker_text(lang, b.code, b.reason, b.params)} for b in match.blockers]


def blocker_text(lang: str, code: str, reason: str, params: Mapping[str, str]) -> dict[str, str]:
    """Return {message, next_step} for one blocker, its places, languages and levels named in ``lang``."""
    message, next_step = BLOCKERS[(code, reason)]
    filled: dict[str, str] = {}
    if "country" in params:
        filled["in_country"] = in_country(params["country"], lang)
    if "language" in params:
        filled["language"] = language_name(params["language"], lang)
    if "level" in params:
        filled["level"] = params["level"]
    if "has" in params:
        filled["has"] = translate(NATIVE_LEVEL, lang) if params["has"] == "native" else params["has"]
    if code == "licence_required" and reason == "regulated":
        title = PROFESSIONS.get(params.get("profession", ""), REGULATED_PROFESSION)
        filled["profession_title"] = translate(title, lang)
    return {"message": translate(message, lang, **filled), "next_step": translate(next_step, lang, **filled)}
