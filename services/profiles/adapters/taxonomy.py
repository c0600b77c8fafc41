"""The shared taxonomy behind the profiles ports: which codes exist, and free text to suggested concepts."""

from __future__ import annotations

import threading

from services.profiles.ports import ConceptSuggestion
from shared.taxonomy import Taxonomy, load_taxonomy


class TaxonomyCodeBook:
    """The shared taxonomy as the profiles' code book, loaded on first use so start-up stays light.

    What a code must be is the taxonomy's own rule (``Taxonomy.is_skill`` / ``is_occupation``: a current
    skill, a current ISCO-08 unit group; retired concepts are refused).
    """

    def __init__(self, taxonomy: Taxonomy | None = None):
        self._taxonomy = taxonomy

    @property
    def taxonomy(self) -> Taxonomy:
        if self._taxonomy is None:
            self._taxonomy = load_taxonomy()
        return self._taxonomy

    def is_skill(self, code: str) -> bool:
        return self.taxonomy.is_skill(code)

    def is_occupation(self, code: str) -> bool:
        return self.taxonomy.is_occupation(code)


class TaxonomyNormalizer:
    """``shared.taxonomy.normalize.Normalizer``, built on first use so start-up stays light."""

    def __init__(self, taxonomy: Taxonomy | None = None, encoder=None):
        self._taxonomy, self._encoder = taxonomy, encoder
        self._normalizer = None
        self._lock = threading.Lock()

    def _get(self):
        with self._lock:
            if self._normalizer is None:
                from shared.taxonomy.normalize import Normalizer

                self._normalizer = Normalizer(self._taxonomy or load_taxonomy(), encoder=self._encoder)
            return self._normalizer

    def warm(self) -> None:
        """Build the normaliser and the language model it reads texts with (seconds, scikit-learn included)."""
        self._get().normalize("warm up", kind="skill", limit=1)

    def suggest(self, text: str, lang: str | None = None, kind: str | None = None,
                limit: int = 5) -> list[ConceptSuggestion]:
        return [ConceptSuggestion(m.code, m.kind, m.label, m.score, m.via)
                for m in self._get().normalize(text, lang=lang, kind=kind, limit=limit)]

    def detect_language(self, text: str) -> str:
        from shared.taxonomy.langdetect import detect_language

        detected = detect_language(text)
        return "other" if detected in ("und", "", None) else detected
