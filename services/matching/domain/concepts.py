"""The concept bridge: occupation and skill codes found in free text, so texts in different languages meet
through codes; and the documents embedded for profiles and vacancies."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from services.matching.domain.explanation import LANGS
from services.matching.domain.readmodels import ProfileView, VacancyView
from shared.encoders import Encoder
from shared.text import fold

_WORD = re.compile(r"\w+")
_SENTENCE = re.compile(r"(?<=[.;!?])\s+")


class ConceptBridge:
    """Finds occupation and skill codes in free text, so texts in different languages meet through codes.

    With a normaliser (``shared.taxonomy.normalize.Normalizer``: synonyms in every language plus embedding
    similarity to each concept's labels) it asks that; without one it falls back to taxonomy terms found
    verbatim and the nearest occupation descriptions by embedding. The normaliser may instead be given as
    ``normalizer_factory``, called on first use: building it encodes every taxonomy term, which only a
    consumer needs.
    """

    # A vacancy's title names the trade; its description mostly adds noise, so it counts for less.
    description_weight = 0.35
    # Skills found in a profile's text by embedding alone must be this close to be claimed.
    skill_floor = 0.6
    # One sentence's reading of a trade counts for less than the whole text's.
    sentence_weight = 0.7

    def __init__(self, taxonomy: Any, encoder: Encoder | None = None, *, top: int = 5, normalizer: Any = None,
                 normalizer_factory: Callable[[], Any] | None = None):
        self.taxonomy, self.encoder, self.top = taxonomy, encoder, top
        self._normalizer, self._normalizer_factory = normalizer, normalizer_factory
        self._terms: dict[str, set[str]] = {}
        for term, code in taxonomy.terms():
            folded = " ".join(_WORD.findall(fold(term)))
            if len(folded) >= 4 and (code in taxonomy.skills or len(code) == 4):
                self._terms.setdefault(folded, set()).add(code)
        self._max_words = max(len(t.split()) for t in self._terms)
        self._units = [c.code for c in taxonomy.unit_groups() if not c.retired]
        self._cards: np.ndarray | None = None

    @property
    def normalizer(self) -> Any:
        """Return the normaliser, building it on first use when a factory was given."""
        if self._normalizer is None and self._normalizer_factory is not None:
            self._normalizer, self._normalizer_factory = self._normalizer_factory(), None
        return self._normalizer

    def _card(self, code: str) -> str:
        concept = self.taxonomy.occupations[code]
        words = [concept.labels.get(lang, "") for lang in LANGS]
        for lang in LANGS:
            words.extend(concept.synonyms.get(lang, ())[:4])
        return "; ".join(w for w in words if w)

    def lexical(self, text: str) -> set[str]:
        """Return the codes whose labels or synonyms appear in text."""
        words = _WORD.findall(fold(text))
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
        if self.encoder is not None and texts:
            if self._cards is None:
                self._cards = self.encoder.encode([self._card(c) for c in self._units], kind="passage")
            sims = self.encoder.encode(list(texts), kind="query") @ self._cards.T
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

    def encoded_profile_texts(self, text: str) -> list[str]:
        """Return the texts ``profile_occupations`` sends to the encoder for one profile text (kind "query"), so
        that an erasure can drop their cached vectors; none when a normaliser reads texts instead."""
        if self.encoder is None or self._normalizer is not None or self._normalizer_factory is not None:
            return []
        return [text, *(s for s in _SENTENCE.split(text) if len(s) > 20)]

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
