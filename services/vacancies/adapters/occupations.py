"""Occupation suggestions from the taxonomy's labels and synonyms (a fuzzy string matcher), and code checks."""

from __future__ import annotations

from functools import cached_property

from rapidfuzz import fuzz, process

from services.vacancies.ports import Suggestion
from shared.taxonomy import load_taxonomy
from shared.text import fold


class TaxonomySuggester:
    """Matches a job title against every current ISCO-08 unit group's labels and synonyms, in any language."""

    def __init__(self, taxonomy=None, min_score: float = 75.0):
        self._taxonomy, self.min_score = taxonomy, min_score

    @cached_property
    def taxonomy(self):
        return self._taxonomy or load_taxonomy()

    @cached_property
    def _terms(self) -> tuple[list[str], list[str]]:
        pairs = [(fold(term), code) for term, code in self.taxonomy.terms() if self.taxonomy.is_occupation(code)]
        return [t for t, _ in pairs], [c for _, c in pairs]

    def suggest(self, text: str, lang: str = "es", limit: int = 5) -> list[Suggestion]:
        """Return up to ``limit`` unit groups whose names best match ``text``, best first."""
        query = fold(text)
        if len(query) < 2:
            return []
        terms, codes = self._terms
        best: dict[str, float] = {}
        for _term, score, index in process.extract(query, terms, scorer=fuzz.token_set_ratio, limit=limit * 8):
            code = codes[index]
            if score >= self.min_score and score > best.get(code, 0):
                best[code] = score
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [Suggestion(code, self.taxonomy.label(code, lang), round(score / 100, 3)) for code, score in ranked]

    def is_occupation(self, code: str) -> bool:
        """Return whether code is a current (not retired) ISCO-08 unit group."""
        return self.taxonomy.is_occupation(code)

    def is_skill(self, code: str) -> bool:
        """Return whether code is a current (not retired) skill."""
        return self.taxonomy.is_skill(code)
