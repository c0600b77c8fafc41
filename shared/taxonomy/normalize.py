"""Turn free text in any supported language into ranked taxonomy concepts (ISCO unit groups and skills)."""

from __future__ import annotations

import hashlib
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from shared.encoders import Encoder
from shared.taxonomy.loader import Concept, Taxonomy
from shared.text import fold

log = logging.getLogger(__name__)

KINDS = ("occupation", "skill")
# Skills anyone may have whatever their trade: the languages they speak, being punctual, and (in a migrant's
# story) handling their own papers, since a PPT or a visa is mentioned in nearly every profile. Found in a text
# they are still skills, but they say nothing about which occupation the text describes.
TRANSVERSAL_DOMAINS = frozenset({"languages", "soft_skills", "migration"})
VIA = ("synonym", "embedding", "both")

# Words that carry no meaning for matching a job or skill; dropping them lets "ayudante de cocina" meet
# "ayudante cocina" and "auxiliar de cozinha". Kept short on purpose: only articles, prepositions, conjunctions.
_STOPWORDS = frozenset([
    "a", "al", "and", "an", "as", "at", "aux", "avec", "com", "con", "da", "das", "dans", "de", "del", "des", "do",
    "dos", "du", "e", "el", "em", "en", "et", "for", "in", "la", "las", "le", "les", "los", "na", "nas", "no", "nos",
    "o", "of", "on", "or", "os", "ou", "par", "para", "por", "pour", "sin", "sur", "the", "to", "u", "with", "y",
    "ak", "nan", "pou", "yon", "un", "una", "um", "uma", "une",
])

# Definite articles (and their contractions with a preposition): before a capitalised run they announce a
# name ("la Secretaría de Educación", "no Ministério da Saúde", "the Ministry of Labour").
_DEFINITE = frozenset(["el", "la", "los", "las", "del", "al", "o", "a", "os", "as", "do", "da", "dos", "das", "no",
                       "na", "nos", "nas", "ao", "le", "les", "l", "du", "des", "au", "aux", "the"])

# "Cocinero/a", "Pintor(a)", "Operarios/as", "Trabalhador(a)": the base form names the job for everyone.
_GENDER_SUFFIX = re.compile(r"(\w)\s*(?:/|\()\s*(?:a|as|o|os|ra|ras|e|es|x)\s*\)?(?=\W|$)", re.IGNORECASE)
_PHRASE_BREAK = re.compile(r"[\n.;:!?•·|/()\[\]–—]+|,|\s-\s|\s+(?:y|e|and|et|ak|epi|ou|o|or)\s+", re.IGNORECASE)
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)

_EXACT = 1.0
_MIN_STEM_LEN = 4


@dataclass(frozen=True)
class ConceptMatch:
    """One concept found in a text: code, kind, label (in the text's language), score 0-1 and how it was found."""

    code: str
    kind: str
    label: str
    score: float
    via: str  # "synonym", "embedding" or "both"


def degender(text: str) -> str:
    """Return text with gendered suffix notations ("Cocinero/a", "Pintor(a)") reduced to the base word."""
    return _GENDER_SUFFIX.sub(r"\1", text)


def stem(token: str) -> str:
    """Return a light stem that merges plural and gendered forms (enfermeras, enfermero -> enfermer)."""
    if len(token) < _MIN_STEM_LEN:
        return token
    if token.endswith("s"):
        token = token[:-1]
    if len(token) >= _MIN_STEM_LEN and token[-1] in "aeo":
        token = token[:-1]
    return token


def _words(text: str) -> list[tuple[str, str]]:
    """Return each word of text as written (gendered notations reduced) and folded."""
    return [(w, fold(w)) for w in _TOKEN.findall(degender(text))]


def term_tokens(text: str) -> list[str]:
    """Return the matching tokens of text: folded, stemmed, without stop words."""
    return [stem(f) for _, f in _words(text) if f not in _STOPWORDS]


def is_acronym(term: str) -> bool:
    """Return whether a taxonomy term is an acronym ("PAI", "NR-10", "SEC"): short and written in capitals."""
    letters = [c for c in term if c.isalpha()]
    return 0 < len(letters) <= 6 and all(c.isupper() for c in letters) and " " not in term.strip()


def text_tokens(text: str) -> list[tuple[str, str, bool]]:
    """Return (matching token, word as written, inside a proper name) for each token ``term_tokens`` keeps.

    A proper name is a run of two or more capitalised words (function words may join them) after a definite
    article: "convocatorias de la Secretaría de Educación" names an office, not a secretary's job, while
    "busca un Auxiliar de Bodega" or "hiring a Kitchen Assistant" name the job, capitals or not.
    """
    pairs = _words(text)
    folded = [f for _, f in pairs]
    capital = [w[:1].isupper() and f not in _STOPWORDS for w, f in pairs]
    in_name = [False] * len(pairs)
    i = 0
    while i < len(pairs):
        if not capital[i]:
            i += 1
            continue
        j, last, count = i, i, 0
        while j < len(pairs) and (capital[j] or folded[j] in _STOPWORDS):
            if capital[j]:
                last, count = j, count + 1
            j += 1
        if count >= 2 and i > 0 and folded[i - 1] in _DEFINITE:
            for k in range(i, last + 1):
                in_name[k] = True
        i = last + 1
    return [(stem(f), w, in_name[n]) for n, (w, f) in enumerate(pairs) if f not in _STOPWORDS]


def split_phrases(text: str) -> list[str]:
    """Split a longer text into short phrases at punctuation and conjunctions."""
    return [p.strip() for p in _PHRASE_BREAK.split(degender(text)) if p and p.strip() and _TOKEN.search(p)]


class Normalizer:
    """Find the ISCO unit groups and skills a text talks about, from synonym hits and embedding similarity."""

    def __init__(self, taxonomy: Taxonomy, encoder: Encoder | None = None, *,
                 label_cache_dir: str | Path | None = None, max_window: int = 6):
        self.taxonomy = taxonomy
        self.encoder = encoder
        self.max_window = max_window
        self.concepts: list[Concept] = [
            *(c for c in taxonomy.unit_groups() if not c.retired),
            *(s for s in taxonomy.skills.values() if not s.retired),
        ]
        self._index = {c.code: i for i, c in enumerate(self.concepts)}
        self._kind = np.array([c.kind for c in self.concepts])
        self._build_lexicon()
        self._term_vectors: np.ndarray | None = None
        self._floor = 0.0
        if encoder is not None:
            self._encode_terms(Path(label_cache_dir) if label_cache_dir else None)

    # ------------------------------------------------------------------ public

    def normalize(self, text: str, lang: str | None = None, kind: str | None = None,
                  limit: int = 5) -> list[ConceptMatch]:
        """Return up to limit concepts of kind (both kinds when None) that text names, best first."""
        if kind is not None and kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS} or None, not {kind!r}")
        if not text or not text.strip() or limit <= 0:
            return []
        phrases = split_phrases(text)
        if len(term_tokens(text)) <= self.short_text_tokens or len(phrases) < 2:
            lexical = self._lexical_scores(text)
            semantic = self._semantic_scores(text)
        else:
            lexical, semantic = self._long_text_scores(text, phrases)
        return self._rank(text, lexical, semantic, lang, kind, limit)

    # Texts longer than this (in matching tokens) are read phrase by phrase.
    short_text_tokens = 10
    # Weight of the skills a long text mentions when they vote for the occupations they belong to. 2.0 since
    # transversal skills stopped voting (measured on matching-dev: summaries top-3 80.6 % -> 83.3 %, matching
    # nDCG@10 0.834 -> 0.841 against 1.0; 3.0 and 5.0 were worse).
    skill_vote = 2.0

    def extract_skills(self, text: str, lang: str | None = None, limit: int = 20) -> list[ConceptMatch]:
        """Return the skills a longer free text mentions, phrase by phrase, best first."""
        phrases = split_phrases(text)
        if not phrases or limit <= 0:
            return []
        best: dict[int, tuple[float, str]] = {}
        semantic = self._semantic_matrix(phrases) if self.encoder is not None else None
        skill_mask = self._kind == "skill"
        for row, phrase in enumerate(phrases):
            lexical = {i: s for i, s in self._lexical_scores(phrase, running=True).items() if skill_mask[i]}
            candidates = dict.fromkeys(lexical, 0.0)
            if semantic is not None:
                scores = np.where(skill_mask, semantic[row], 0.0)
                top = int(np.argmax(scores))
                # An embedding alone must be clearly close before it claims a skill in a phrase.
                if scores[top] >= self.skill_threshold:
                    candidates[top] = float(scores[top])
                for i in candidates:
                    candidates[i] = float(scores[i])
            for i, emb in candidates.items():
                score, via = _combine(lexical.get(i, 0.0), emb)
                if score > best.get(i, (0.0, ""))[0]:
                    best[i] = (score, via)
        lang = self._label_lang(text, lang)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], self.concepts[kv[0]].code))[:limit]
        return [self._match(i, score, via, lang) for i, (score, via) in ranked]

    # An embedding-only skill needs this calibrated similarity in extract_skills.
    skill_threshold = 0.6

    def _long_text_scores(self, text: str, phrases: list[str]) -> tuple[dict[int, float], np.ndarray | None]:
        """Score concepts in a longer text: best phrase, whole-text meaning, and the skills it mentions."""
        lexical: dict[int, float] = {}
        phrase_lexical = [self._lexical_scores(phrase, running=True) for phrase in phrases]
        for scores in phrase_lexical:
            for i, score in scores.items():
                lexical[i] = max(lexical.get(i, 0.0), score)
        semantic = None
        if self.encoder is not None:
            matrix = self._semantic_matrix([text, *phrases])
            # The whole text carries the gist; the best phrase catches a trade named in passing.
            semantic = self.whole_weight * matrix[0] + (1 - self.whole_weight) * matrix[1:].max(axis=0)
            phrase_sem = matrix[1:]
        # Skills found in phrases vote for their occupations: a text that describes the work without
        # naming the trade ("I plant rice, weed and water the fields") still points at it.
        votes = np.zeros(len(self.concepts), dtype=np.float64)
        skill_mask = self._kind == "skill"
        for row, scores_of_phrase in enumerate(phrase_lexical):
            found = {i: v for i, v in scores_of_phrase.items() if skill_mask[i]}
            if semantic is not None:
                scores = np.where(skill_mask, phrase_sem[row], 0.0)
                top = int(np.argmax(scores))
                if scores[top] >= self.skill_threshold:
                    found[top] = max(found.get(top, 0.0), float(scores[top]))
            for i, v in found.items():
                if self.concepts[i].domain in TRANSVERSAL_DOMAINS:
                    continue
                links = self.concepts[i].occupations
                for code in links:
                    j = self._index.get(code)
                    if j is not None:
                        votes[j] += v / np.sqrt(len(links))
        bridged = 1.0 - np.exp(-self.skill_vote * votes)
        if semantic is None:
            for j in np.nonzero(bridged)[0]:
                lexical[int(j)] = 1.0 - (1.0 - lexical.get(int(j), 0.0)) * (1.0 - bridged[j])
            return lexical, None
        return lexical, 1.0 - (1.0 - semantic) * (1.0 - bridged)

    whole_weight = 0.5

    # ------------------------------------------------------------------ lexical

    def _build_lexicon(self) -> None:
        lexicon: dict[tuple[str, ...], set[int]] = defaultdict(set)
        acronyms: dict[tuple[str, ...], set[int]] = defaultdict(set)
        self._terms: list[str] = []
        self._term_concept: list[int] = []
        short: dict[tuple[str, ...], dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
        for i, concept in enumerate(self.concepts):
            for term in _concept_terms(concept):
                key = tuple(term_tokens(term))
                if key and is_acronym(term):
                    # An acronym only counts when the text writes it in capitals too: "PAI" (a vaccination
                    # programme) is not "país", nor "AI" the French "ai".
                    acronyms[key].add(i)
                elif key and len(key) == 1 and len(key[0]) <= 3:
                    # A word this short only counts as written (or with a plural "s"), accents included: the
                    # Creole "pè" (priest) is not the Portuguese "pé" (foot), nor "doces" (sweets) "doce".
                    short[key][term.strip().lower()].add(i)
                elif key:
                    lexicon[key].add(i)
                self._terms.append(term)
                self._term_concept.append(i)
        self._lexicon = {k: frozenset(v) for k, v in lexicon.items()}
        self._acronyms = {k: frozenset(v) for k, v in acronyms.items()}
        self._short = {k: {w: frozenset(c) for w, c in v.items()} for k, v in short.items()}
        self._concept_starts = np.searchsorted(np.asarray(self._term_concept), np.arange(len(self.concepts)))
        self._fuzzy_keys = [" ".join(k) for k in self._lexicon]
        self._fuzzy_values = list(self._lexicon.values())

    def _hits(self, key: tuple[str, ...], written: Sequence[str]) -> frozenset[int]:
        """Return the concepts a window of tokens names, acronyms only where the text writes capitals."""
        hits = self._lexicon.get(key, frozenset())
        acronym = self._acronyms.get(key)
        if acronym and all(w.isupper() or w.isdigit() for w in written):
            hits = hits | acronym
        short = self._short.get(key)
        if short and len(written) == 1:
            word = written[0].lower()
            for form in (word, word.removesuffix("s")):  # as written, or its plural
                hits = hits | short.get(form, frozenset())
        return hits

    def _lexical_scores(self, text: str, *, running: bool = False) -> dict[int, float]:
        """Score concepts whose synonym or label occurs in text, by the share of the text the hit covers.

        In running text (a phrase of a longer text) a hit inside a proper name is skipped.
        """
        found = text_tokens(text)
        if not found:
            return {}
        tokens = [t for t, _, _ in found]
        written = [w for _, w, _ in found]
        named = [n for _, _, n in found] if running else [False] * len(found)
        scores: dict[int, float] = {}
        covered = len(tokens)
        exact = self._hits(tuple(tokens), written) if not all(named) else frozenset()
        for i in exact:
            scores[i] = _EXACT
        for size in range(min(self.max_window, covered), 0, -1):
            for start in range(covered - size + 1):
                if all(named[start:start + size]):
                    continue
                hits = self._hits(tuple(tokens[start:start + size]), written[start:start + size])
                if not hits:
                    continue
                # Longer hits and hits that cover more of the text are surer; an ambiguous term
                # (one shared by several concepts) is worth less to each.
                share = size / covered
                score = 0.6 + 0.3 * share + 0.05 * min(size, 2) - 0.05 * min(len(hits) - 1, 3)
                for i in hits:
                    scores[i] = max(scores.get(i, 0.0), min(score, 0.95))
        if covered <= 8:
            self._fuzzy([t for t, n in zip(tokens, named, strict=True) if not n], scores)
        return scores

    def _fuzzy(self, tokens: list[str], scores: dict[int, float]) -> None:
        """Add typo-tolerant hits of whole short windows (misspelt job titles are common)."""
        from rapidfuzz import fuzz, process

        windows = {" ".join(tokens[s:s + n]) for n in range(1, min(3, len(tokens)) + 1)
                   for s in range(len(tokens) - n + 1)}
        # Six letters or fewer leave too little to tell a typo from another word ("maison" is not "maçon").
        windows = [w for w in windows if len(w) >= 7]
        if not windows:
            return
        matrix = process.cdist(windows, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=88, workers=1)
        rows, cols = np.nonzero(matrix)
        for r, c in zip(rows, cols, strict=True):
            # Typos rarely hit a word's first letter, and a longer word that merely contains a term is
            # another word ("gastronomia" is not "astronomo").
            if windows[r][0] != self._fuzzy_keys[c][0]:
                continue
            share = len(windows[r].split()) / len(tokens)
            score = (0.55 + 0.3 * share) * float(matrix[r, c]) / 100.0
            for i in self._fuzzy_values[c]:
                scores[i] = max(scores.get(i, 0.0), score)

    # ------------------------------------------------------------------ embeddings

    def _encode_terms(self, cache_dir: Path | None) -> None:
        assert self.encoder is not None
        path = None
        if cache_dir is not None:
            digest = hashlib.sha256("\x1f".join(self._terms).encode("utf-8")).hexdigest()[:16]
            safe = re.sub(r"[^\w.-]+", "_", self.encoder.name)
            path = cache_dir / f"taxonomy-{self.taxonomy.version}-{safe}-{digest}.npy"
            if path.exists():
                vectors = np.load(path)
                if vectors.shape == (len(self._terms), self.encoder.dim):
                    self._set_term_vectors(vectors)
                    return
        vectors = self.encoder.encode(self._terms, "passage")
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npy")
            np.save(tmp, vectors)
            tmp.replace(path)  # atomic, so a concurrent reader never sees half a file
        self._set_term_vectors(vectors)

    def _set_term_vectors(self, vectors: np.ndarray) -> None:
        self._term_vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        # The similarity of unrelated terms differs a lot between models (e5 rarely goes below 0.7);
        # the mean similarity of random term pairs is taken as each model's "unrelated" floor.
        rng = np.random.default_rng(0)
        n = len(self._terms)
        a, b = rng.integers(0, n, 4000), rng.integers(0, n, 4000)
        sims = np.einsum("ij,ij->i", self._term_vectors[a], self._term_vectors[b])
        self._floor = float(np.clip(sims.mean(), 0.0, 0.95))

    def _semantic_matrix(self, texts: Sequence[str]) -> np.ndarray:
        """Return calibrated similarities 0-1 of each text to each concept (its best label or synonym)."""
        assert self.encoder is not None and self._term_vectors is not None
        queries = self.encoder.encode(list(texts), "query")
        sims = queries @ self._term_vectors.T
        # Terms are stored concept by concept, so each concept's best term is a max over one slice.
        best = np.maximum.reduceat(sims, self._concept_starts, axis=1)
        return np.clip((best - self._floor) / (1.0 - self._floor), 0.0, 1.0)

    def _semantic_scores(self, text: str) -> np.ndarray | None:
        if self.encoder is None:
            return None
        return self._semantic_matrix([text])[0]

    # ------------------------------------------------------------------ ranking

    def _rank(self, text: str, lexical: dict[int, float], semantic: np.ndarray | None, lang: str | None,
              kind: str | None, limit: int) -> list[ConceptMatch]:
        mask = np.ones(len(self.concepts), dtype=bool) if kind is None else self._kind == kind
        if semantic is None:
            candidates: Iterable[int] = lexical
        else:
            pool = np.where(mask, semantic, -1.0)
            top = np.argpartition(-pool, min(limit * 4, len(pool) - 1))[:limit * 4]
            candidates = set(lexical) | {int(i) for i in top}
        scored = []
        for i in candidates:
            if not mask[i]:
                continue
            emb = float(semantic[i]) if semantic is not None else 0.0
            score, via = _combine(lexical.get(i, 0.0), emb)
            if score > 0:
                scored.append((score, i, via))
        scored.sort(key=lambda t: (-t[0], self.concepts[t[1]].code))
        label_lang = self._label_lang(text, lang)
        return [self._match(i, score, via, label_lang) for score, i, via in scored[:limit]]

    def _match(self, i: int, score: float, via: str, lang: str) -> ConceptMatch:
        concept = self.concepts[i]
        return ConceptMatch(concept.code, concept.kind, concept.label(lang), round(min(max(score, 0.0), 1.0), 4), via)

    @staticmethod
    def _label_lang(text: str, lang: str | None) -> str:
        if lang:
            return lang
        from shared.taxonomy.langdetect import detect_language

        detected = detect_language(text)
        return detected if detected != "und" else "en"


def _combine(lexical: float, semantic: float) -> tuple[float, str]:
    """Return the score and the evidence of a concept found by synonym, embedding or both."""
    # Independent evidence adds up like probabilities: either alone counts, both together count more.
    score = 1.0 - (1.0 - lexical) * (1.0 - semantic)
    if lexical > 0 and semantic >= 0.5:
        return score, "both"
    if lexical > 0:
        return score, "synonym"
    return score, "embedding"


def _concept_terms(concept: Concept) -> list[str]:
    """Return the labels and synonyms of a concept in every language, each once."""
    seen: dict[str, None] = {}
    for lang in (*concept.labels.keys(), *concept.synonyms.keys()):
        for term in (concept.labels.get(lang), *concept.synonyms.get(lang, ())):
            if term and term not in seen:
                seen[term] = None
    return list(seen)

