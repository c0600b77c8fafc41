"""Load the ISCO-08 occupation and skill taxonomy and validate it, reporting every problem at once."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
ISCO_FILE = "isco08.json"
SKILLS_FILE = "skills.json"

REQUIRED_LANGS = ("es", "pt", "en", "fr")
# Haitian Creole is welcome but optional: the team cannot yet write every label in it.
KNOWN_LANGS = (*REQUIRED_LANGS, "ht")
FALLBACK_LANG = "en"

ISCO_LEVEL_COUNTS = {1: 10, 2: 43, 3: 130, 4: 436}
UNIT_GROUP_LEVEL = 4
MIN_SKILLS = 400

_VERSION = re.compile(r"^\d{4}\.(0[1-9]|1[0-2])\.\d+$")
_ISCO_CODE = re.compile(r"^\d{1,4}$")
_SKILL_CODE = re.compile(r"^S\d{4}$")


class TaxonomyError(Exception):
    """Raised when the taxonomy data is missing or inconsistent; carries every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} taxonomy problem(s):\n{lines}")


@dataclass(frozen=True)
class Concept:
    """One occupation (ISCO-08 group) or skill, with its labels and synonyms per language."""

    code: str
    kind: str  # "occupation" or "skill"
    level: int | None  # ISCO level 1-4; None for skills
    parent: str | None
    # Read-only views: concepts are shared by every caller of the cached loader.
    labels: Mapping[str, str]
    synonyms: Mapping[str, tuple[str, ...]]
    occupations: tuple[str, ...] = ()
    domain: str | None = None
    retired: bool = False

    def __hash__(self) -> int:
        # The mapping fields are unhashable; the code alone identifies a concept.
        return hash((self.kind, self.code))

    def label(self, lang: str = FALLBACK_LANG) -> str:
        """Return the label in lang, falling back to English."""
        return self.labels.get(lang) or self.labels[FALLBACK_LANG]


class Taxonomy:
    """The validated occupations and skills of one data release."""

    def __init__(self, version: str, occupations: dict[str, Concept], skills: dict[str, Concept]):
        self.version = version
        self.occupations: Mapping[str, Concept] = MappingProxyType(dict(sorted(occupations.items())))
        self.skills: Mapping[str, Concept] = MappingProxyType(dict(sorted(skills.items())))
        children: dict[str, list[Concept]] = {}
        for concept in (*self.occupations.values(), *self.skills.values()):
            if concept.parent is not None:
                children.setdefault(concept.parent, []).append(concept)
        self._children = {code: tuple(kids) for code, kids in children.items()}

    def __repr__(self) -> str:
        return f"Taxonomy(version={self.version!r}, occupations={len(self.occupations)}, skills={len(self.skills)})"

    def get(self, code: str) -> Concept | None:
        """Return the occupation or skill with this code, or None when there is none."""
        return self.occupations.get(code) or self.skills.get(code)

    def _require(self, code: str) -> Concept:
        concept = self.get(code)
        if concept is None:
            raise KeyError(f"unknown taxonomy code {code!r}")
        return concept

    def label(self, code: str, lang: str = FALLBACK_LANG) -> str:
        """Return the label of code in lang, falling back to English."""
        return self._require(code).label(lang)

    def children(self, code: str) -> tuple[Concept, ...]:
        """Return the concepts directly below code, ordered by code."""
        self._require(code)
        return self._children.get(code, ())

    def unit_groups(self) -> tuple[Concept, ...]:
        """Return the ISCO-08 unit groups (4-digit codes), ordered by code."""
        return tuple(c for c in self.occupations.values() if c.level == UNIT_GROUP_LEVEL)

    def is_occupation(self, code: str) -> bool:
        """Return whether ``code`` is a current (not retired) ISCO-08 unit group: what a record may name."""
        concept = self.occupations.get(code)
        return concept is not None and concept.level == UNIT_GROUP_LEVEL and not concept.retired

    def is_skill(self, code: str) -> bool:
        """Return whether ``code`` is a current (not retired) skill."""
        concept = self.skills.get(code)
        return concept is not None and not concept.retired

    def invalid_codes(self, codes: Iterable[str], kind: str) -> list[str]:
        """Return the codes a new record may not name: unknown or retired (``kind`` "occupation" or "skill")."""
        check = {"occupation": self.is_occupation, "skill": self.is_skill}[kind]
        return [code for code in codes if not check(code)]

    def isco_distance(self, a: str, b: str) -> int:
        """Return 0 (same unit group) to 4 (different major groups) for two ISCO codes of any level."""
        for code in (a, b):
            if code not in self.occupations:
                raise KeyError(f"unknown ISCO-08 code {code!r}")
        # ISCO codes nest by prefix, so the shared prefix is the finest group both are known to share;
        # a coarser code can only vouch for the digits it has.
        shared = 0
        for x, y in zip(a, b, strict=False):
            if x != y:
                break
            shared += 1
        return UNIT_GROUP_LEVEL - shared

    def terms(self, lang: str | None = None) -> Iterator[tuple[str, str]]:
        """Yield (term, code) for every label and synonym in lang (all languages when None)."""
        langs = KNOWN_LANGS if lang is None else (lang,)
        for concept in (*self.occupations.values(), *self.skills.values()):
            # A retired code stays resolvable by get() but must not attract new matches.
            if concept.retired:
                continue
            seen: set[str] = set()
            for language in langs:
                for term in (concept.labels.get(language), *concept.synonyms.get(language, ())):
                    if term and term not in seen:
                        seen.add(term)
                        yield term, concept.code


def load_taxonomy(data_dir: str | Path | None = None, *, strict_counts: bool = True) -> Taxonomy:
    """Load and validate the taxonomy in data_dir (the shipped data by default), raising TaxonomyError."""
    # strict_counts=False skips the ISCO level counts and the skill minimum so that tiny fixtures
    # can still be checked for everything else.
    path = DATA_DIR if data_dir is None else Path(data_dir)
    return _load_cached(str(path.resolve()), strict_counts)


@functools.lru_cache(maxsize=16)
def _load_cached(path: str, strict_counts: bool) -> Taxonomy:
    problems: list[str] = []
    isco_doc = _read_json(Path(path) / ISCO_FILE, problems)
    skills_doc = _read_json(Path(path) / SKILLS_FILE, problems)
    if isco_doc is None or skills_doc is None:
        raise TaxonomyError(problems)
    version = _check_versions(isco_doc, skills_doc, problems)
    occupations = _build_occupations(isco_doc, problems, strict_counts)
    skills = _build_skills(skills_doc, occupations, problems, strict_counts)
    if problems:
        raise TaxonomyError(problems)
    return Taxonomy(version, occupations, skills)


load_taxonomy.cache_clear = _load_cached.cache_clear  # type: ignore[attr-defined]


def _read_json(path: Path, problems: list[str]) -> dict[str, Any] | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(f"{path.name}: not found in {path.parent}")
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{path.name}: cannot be read ({exc})")
        return None
    except json.JSONDecodeError as exc:
        problems.append(f"{path.name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})")
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("concepts"), list):
        problems.append(f"{path.name}: must be an object with a 'concepts' list")
        return None
    return doc


def _check_versions(isco_doc: dict[str, Any], skills_doc: dict[str, Any], problems: list[str]) -> str:
    versions = {}
    for name, doc in ((ISCO_FILE, isco_doc), (SKILLS_FILE, skills_doc)):
        version = doc.get("version")
        if not isinstance(version, str) or not _VERSION.match(version):
            problems.append(f"{name}: version {version!r} is not a calendar version YYYY.MM.patch")
        versions[name] = version
    # The two files are released together, so matching rules may rely on a single version.
    if versions[ISCO_FILE] != versions[SKILLS_FILE]:
        problems.append(f"{ISCO_FILE} has version {versions[ISCO_FILE]!r} but {SKILLS_FILE} has "
                        f"{versions[SKILLS_FILE]!r}; they are released together")
    return str(versions[SKILLS_FILE])


def _text_map(where: str, field: str, value: Any, problems: list[str]) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(f"{where}: {field} must be an object keyed by language")
        return {}
    for lang in value:
        if lang not in KNOWN_LANGS:
            problems.append(f"{where}: {field} has unknown language {lang!r} (known: {', '.join(KNOWN_LANGS)})")
    return {lang: v for lang, v in value.items() if lang in KNOWN_LANGS}


def _labels(where: str, raw: dict[str, Any], problems: list[str]) -> dict[str, str]:
    labels = _text_map(where, "labels", raw.get("labels"), problems)
    for lang in REQUIRED_LANGS:
        if not isinstance(labels.get(lang), str) or not labels[lang].strip():
            problems.append(f"{where}: missing {lang} label")
    return {lang: text for lang, text in labels.items() if isinstance(text, str) and text.strip()}


def _synonyms(where: str, raw: dict[str, Any], problems: list[str]) -> dict[str, tuple[str, ...]]:
    synonyms = _text_map(where, "synonyms", raw.get("synonyms"), problems)
    clean = {}
    for lang, terms in synonyms.items():
        if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
            problems.append(f"{where}: {lang} synonyms must be a list of non-empty strings")
            continue
        clean[lang] = tuple(terms)
    return clean


def _retired(where: str, raw: dict[str, Any], problems: list[str]) -> bool:
    retired = raw.get("retired", False)
    if not isinstance(retired, bool):
        problems.append(f"{where}: retired must be true or false")
        return False
    return retired


def _entries(name: str, doc: dict[str, Any], problems: list[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (where, concept) for each concept object, reporting entries that are not objects."""
    for index, raw in enumerate(doc["concepts"]):
        if not isinstance(raw, dict):
            problems.append(f"{name} concept #{index}: must be an object")
            continue
        code = raw.get("code")
        yield (code if isinstance(code, str) else f"{name} concept #{index}"), raw


def _build_occupations(doc: dict[str, Any], problems: list[str], strict_counts: bool) -> dict[str, Concept]:
    occupations: dict[str, Concept] = {}
    for where, raw in _entries(ISCO_FILE, doc, problems):
        code, level, parent = raw.get("code"), raw.get("level"), raw.get("parent")
        if not isinstance(code, str) or not _ISCO_CODE.match(code):
            problems.append(f"{where}: malformed ISCO-08 code {code!r} (expected 1 to 4 digits)")
            continue
        if code in occupations:
            problems.append(f"{code}: duplicate code in {ISCO_FILE}")
            continue
        if level != len(code):
            problems.append(f"{code}: level {level!r} does not match a {len(code)}-digit code")
        occupations[code] = Concept(
            code=code, kind="occupation", level=len(code), parent=parent if isinstance(parent, str) else None,
            labels=MappingProxyType(_labels(code, raw, problems)),
            synonyms=MappingProxyType(_synonyms(code, raw, problems)),
            retired=_retired(code, raw, problems))
        if len(code) == 1 and parent is not None:
            problems.append(f"{code}: a major group has no parent, found {parent!r}")
        elif len(code) > 1 and not isinstance(parent, str):
            problems.append(f"{code}: parent is missing")
    # Parents are checked once every code is known, so their order in the file does not matter.
    for code, concept in occupations.items():
        parent = concept.parent
        if concept.level == 1 or parent is None:
            continue
        if parent not in occupations:
            problems.append(f"{code}: parent {parent} does not exist")
        elif occupations[parent].level != concept.level - 1:
            problems.append(f"{code}: parent {parent} is level {occupations[parent].level}, "
                            f"expected level {concept.level - 1}")
        elif not code.startswith(parent):
            problems.append(f"{code}: parent {parent} is not a prefix of the code")
    if strict_counts:
        for level, expected in ISCO_LEVEL_COUNTS.items():
            found = sum(1 for c in occupations.values() if c.level == level)
            if found != expected:
                problems.append(f"{ISCO_FILE}: {found} codes at level {level}, ISCO-08 has {expected}")
    return occupations


def _build_skills(doc: dict[str, Any], occupations: dict[str, Concept], problems: list[str],
                  strict_counts: bool) -> dict[str, Concept]:
    skills: dict[str, Concept] = {}
    for where, raw in _entries(SKILLS_FILE, doc, problems):
        code = raw.get("code")
        if not isinstance(code, str) or not _SKILL_CODE.match(code):
            problems.append(f"{where}: malformed skill code {code!r} (expected S and 4 digits)")
            continue
        if code in skills:
            problems.append(f"{code}: duplicate code in {SKILLS_FILE}")
            continue
        domain = raw.get("domain")
        if not isinstance(domain, str) or not domain.strip():
            problems.append(f"{code}: domain is missing")
        parent = raw.get("parent")
        if parent is not None and not isinstance(parent, str):
            problems.append(f"{code}: parent must be a skill code or null")
            parent = None
        skills[code] = Concept(
            code=code, kind="skill", level=None, parent=parent,
            labels=MappingProxyType(_labels(code, raw, problems)),
            synonyms=MappingProxyType(_synonyms(code, raw, problems)),
            occupations=_skill_occupations(code, raw.get("occupations"), occupations, problems),
            domain=domain if isinstance(domain, str) else None,
            retired=_retired(code, raw, problems))
    for code, skill in skills.items():
        if skill.parent is not None and skill.parent not in skills:
            problems.append(f"{code}: parent {skill.parent} is not a skill")
    _check_label_clashes(skills, problems)
    if strict_counts:
        active = sum(1 for s in skills.values() if not s.retired)
        if active < MIN_SKILLS:
            problems.append(f"{SKILLS_FILE}: {active} active skills, expected at least {MIN_SKILLS}")
    return skills


def _skill_occupations(code: str, raw: Any, occupations: dict[str, Concept], problems: list[str]) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append(f"{code}: occupations must be a non-empty list of ISCO-08 unit groups")
        return ()
    for occupation in raw:
        if not isinstance(occupation, str) or occupation not in occupations:
            problems.append(f"{code}: occupation {occupation!r} does not exist in {ISCO_FILE}")
        elif occupations[occupation].level != UNIT_GROUP_LEVEL:
            problems.append(f"{code}: occupation {occupation} is not a unit group "
                            f"(level {occupations[occupation].level})")
    if len(set(map(str, raw))) != len(raw):
        problems.append(f"{code}: occupations list repeats a code")
    return tuple(str(o) for o in raw)


def _check_label_clashes(skills: dict[str, Concept], problems: list[str]) -> None:
    # Two active skills with the same label cannot be told apart by a person picking from a list.
    for lang in REQUIRED_LANGS:
        seen: dict[str, str] = {}
        for code, skill in skills.items():
            text = skill.labels.get(lang)
            if not text or skill.retired:
                continue
            key = text.casefold()
            if key in seen:
                problems.append(f"{code}: {lang} label {text!r} is already used by {seen[key]}")
            else:
                seen[key] = code
