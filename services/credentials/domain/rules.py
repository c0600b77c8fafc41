"""Recognition rules as data: load the YAML files, check them, and report every problem at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import yaml
from jsonschema import Draft202012Validator

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"
DESTINATIONS = ("AR", "BO", "BR", "CL", "CO", "EC", "PE", "PY", "UY")
TIERS = ("school", "technical", "higher")
OUTCOMES = ("recognised", "procedure_required", "not_recognisable")
LANGS = ("es", "pt", "en", "fr")

_SOURCE = {"type": "object", "required": ["title", "url"], "additionalProperties": False,
           "properties": {"title": {"type": "string", "minLength": 3},
                          "url": {"type": "string", "pattern": "^https://"}}}
_TEXTS = {"type": "object", "required": list(LANGS), "additionalProperties": False,
          "properties": {lang: {"type": "string", "minLength": 1} for lang in LANGS}}
_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_CODES = {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{4}$"}}
COMMON_SCHEMA = {
    "type": "object",
    "required": ["version", "apostille_countries", "document_language", "fields", "professions", "agreements",
                 "steps", "substitutes", "cost_bands", "language_names"],
    "properties": {
        "version": {"type": "string"},
        "apostille_countries": {"type": "array", "items": {"type": "string", "pattern": "^[A-Z]{2}$"}},
        "document_language": {"type": "object", "additionalProperties": {"enum": ["es", "pt", "fr", "en"]}},
        "fields": {"type": "object", "propertyNames": {"pattern": "^[0-9]{2,4}$"}, "additionalProperties": {
            "type": "object", "required": ["name"], "additionalProperties": False,
            "properties": {"name": {"type": "string"}, "school": _CODES, "technical": _CODES, "higher": _CODES,
                           "without_recognition": _CODES}}},
        "professions": {"type": "object", "additionalProperties": {
            "type": "object", "required": ["fields", "tiers", "occupations"], "additionalProperties": False,
            "properties": {"fields": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{2,4}$"}},
                           "tiers": {"type": "array", "items": {"enum": list(TIERS)}}, "occupations": _CODES}}},
        "agreements": {"type": "object", "additionalProperties": {
            "type": "object", "required": ["name", "source"], "additionalProperties": False,
            "properties": {"name": {"type": "string"}, "source": _SOURCE}}},
        "steps": {"type": "object", "additionalProperties": _TEXTS},
        "substitutes": {"type": "object", "additionalProperties": _TEXTS},
        "cost_bands": {"type": "object", "additionalProperties": _TEXTS},
        "language_names": {"type": "object", "additionalProperties": _TEXTS},
    },
}
DESTINATION_SCHEMA = {
    "type": "object", "required": ["country", "language", "reviewed", "tracks", "professions"],
    "additionalProperties": False,
    "properties": {
        "country": {"enum": list(DESTINATIONS)},
        "language": {"enum": ["es", "pt"]},
        "reviewed": _DATE,
        "tracks": {"type": "array", "minItems": 1, "items": {
            "type": "object", "additionalProperties": False,
            "required": ["id", "tiers", "origins", "agreement", "outcome", "authority", "procedure",
                         "authentication", "substitutes", "weeks", "cost", "source", "date"],
            "properties": {
                "id": {"type": "string", "pattern": "^[a-z0-9-]+$"},
                "tiers": {"type": "array", "minItems": 1, "items": {"enum": list(TIERS)}},
                "origins": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": r"^([A-Z]{2}|\*)$"}},
                "accreditation": {"enum": ["arcu_sur"]},
                "agreement": {"type": "string"},
                "outcome": {"enum": list(OUTCOMES)},
                "authority": {"type": "string", "minLength": 2},
                "procedure": {"type": "string", "minLength": 2},
                "authentication": {"type": "boolean"},
                "substitutes": {"type": "array", "items": {"type": "string"}},
                "weeks": {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 2, "maxItems": 2},
                "cost": {"type": "string"},
                "source": _SOURCE,
                "date": _DATE,
            }}},
        "professions": {"type": "object", "additionalProperties": {
            "type": "object", "required": ["body", "licence", "source", "date"], "additionalProperties": False,
            "properties": {"body": {"type": "string"}, "licence": {"type": "string"}, "exam": {"type": "string"},
                           "source": _SOURCE, "date": _DATE}}},
    },
}


class RulesError(Exception):
    """Raised when the rules data is missing or inconsistent; carries every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(f"{len(problems)} recognition-rules problem(s):\n" + "\n".join(f"  - {p}" for p in problems))


@dataclass(frozen=True)
class Source:
    """Where a rule comes from, and the date it was written down or last checked."""

    title: str
    url: str
    date: str


@dataclass(frozen=True)
class Track:
    """One recognition route in a destination: for which origins and tiers, through whom, how long."""

    id: str
    tiers: tuple[str, ...]
    origins: tuple[str, ...]
    accreditation: str | None
    agreement: str
    outcome: str
    authority: str
    procedure: str
    authentication: bool
    substitutes: tuple[str, ...]
    weeks: tuple[int, int]
    cost: str
    source: Source

    def applies(self, origin: str, tier: str, accreditations: Iterable[str]) -> bool:
        """Return whether this track covers a credential from ``origin`` at ``tier``."""
        if tier not in self.tiers or (self.accreditation and self.accreditation not in accreditations):
            return False
        return origin in self.origins or "*" in self.origins


@dataclass(frozen=True)
class Licensing:
    """How a destination regulates one profession: the licensing body, the licence, any exam."""

    profession: str
    body: str
    licence: str
    exam: str | None
    source: Source


@dataclass(frozen=True)
class Destination:
    """The rules of one destination country."""

    country: str
    language: str
    reviewed: str
    tracks: tuple[Track, ...]
    professions: Mapping[str, Licensing]

    def track_for(self, origin: str, tier: str, accreditations: Iterable[str] = ()) -> Track:
        """Return the first track covering the credential (every tier has a catch-all, checked at load)."""
        accreditations = tuple(accreditations)
        return next(t for t in self.tracks if t.applies(origin, tier, accreditations))


@dataclass(frozen=True)
class Rulebook:
    """Every destination's rules plus the shared fields, professions, agreements and step wording."""

    version: str
    common: Mapping
    destinations: Mapping[str, Destination]


def load_rulebook(rules_dir: str | Path | None = None, *,
                  is_occupation: Callable[[str], bool] | None = None) -> Rulebook:
    """Load and check the rules in ``rules_dir`` (the shipped ones by default), raising RulesError.

    ``is_occupation`` (``Taxonomy.is_occupation``) says whether a code is a current ISCO-08 unit group; the
    occupations the rules name are checked against it when it is given, so unknown and retired codes are refused.
    """
    path = Path(rules_dir) if rules_dir is not None else RULES_DIR
    problems: list[str] = []
    common = _read(path / "common.yaml", COMMON_SCHEMA, problems)
    documents = {code: _read(path / f"{code}.yaml", DESTINATION_SCHEMA, problems) for code in DESTINATIONS}
    if common is None:
        raise RulesError(problems)
    _check_common(common, is_occupation, problems)
    destinations = {}
    for code, doc in documents.items():
        if doc is not None:
            destinations[code] = _destination(code, doc, common, problems)
    if problems:
        raise RulesError(problems)
    return Rulebook(common["version"], MappingProxyType(common), MappingProxyType(destinations))


def _read(file: Path, schema: dict, problems: list[str]) -> dict | None:
    try:
        doc = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(f"{file.name}: not found in {file.parent}")
        return None
    except (OSError, yaml.YAMLError) as exc:
        problems.append(f"{file.name}: cannot be read as YAML ({str(exc).splitlines()[0]})")
        return None
    errors = sorted(Draft202012Validator(schema).iter_errors(doc), key=lambda e: list(e.absolute_path))
    for error in errors:
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        problems.append(f"{file.name}: {where}: {error.message}")
    return None if errors else doc


def _check_common(common: dict, is_occupation: Callable[[str], bool] | None, problems: list[str]) -> None:
    def check_codes(where: str, codes: Iterable[str]) -> None:
        if is_occupation is not None:
            for code in codes:
                if not is_occupation(code):
                    problems.append(f"common.yaml: {where}: {code} is not a current ISCO-08 unit group of the "
                                    "taxonomy (unknown or retired)")

    for name, f in common["fields"].items():
        for key in ("school", "technical", "higher", "without_recognition"):
            check_codes(f"fields/{name}/{key}", f.get(key, ()))
    for name, p in common["professions"].items():
        check_codes(f"professions/{name}/occupations", p["occupations"])
    for needed in ("get_apostille", "get_legalisation", "get_translation", "offer_substitutes", "rebuild_documents",
                   "apply", "present_as_is", "pass_exam", "get_licence", "ask_office"):
        if needed not in common["steps"]:
            problems.append(f"common.yaml: steps/{needed} is missing")
    if "none" not in common["agreements"]:
        problems.append("common.yaml: agreements/none is missing")


def _destination(code: str, doc: dict, common: dict, problems: list[str]) -> Destination:
    name = f"{code}.yaml"
    if doc["country"] != code:
        problems.append(f"{name}: country is {doc['country']} but the file is named for {code}")
    tracks, seen = [], set()
    for i, t in enumerate(doc["tracks"]):
        where = f"{name}: tracks/{i} ({t['id']})"
        if t["id"] in seen:
            problems.append(f"{where}: id is used twice")
        seen.add(t["id"])
        if t["agreement"] not in common["agreements"]:
            problems.append(f"{where}: agreement {t['agreement']!r} is not in common.yaml agreements")
        if t["cost"] not in common["cost_bands"]:
            problems.append(f"{where}: cost {t['cost']!r} is not a cost band ({', '.join(common['cost_bands'])})")
        for s in t["substitutes"]:
            if s not in common["substitutes"]:
                problems.append(f"{where}: substitute {s!r} is not in common.yaml substitutes")
        if t["weeks"][0] > t["weeks"][1]:
            problems.append(f"{where}: weeks {t['weeks']} must be [shortest, longest]")
        for key in ("date",):
            _check_date(f"{where}: {key}", t[key], problems)
        tracks.append(Track(t["id"], tuple(t["tiers"]), tuple(t["origins"]), t.get("accreditation"), t["agreement"],
                            t["outcome"], t["authority"], t["procedure"], t["authentication"],
                            tuple(t["substitutes"]), (t["weeks"][0], t["weeks"][1]), t["cost"],
                            Source(t["source"]["title"], t["source"]["url"], t["date"])))
    for tier in TIERS:
        if not any(tier in t.tiers and "*" in t.origins and t.accreditation is None for t in tracks):
            problems.append(f"{name}: no catch-all track (origins ['*']) for tier {tier!r}, "
                            "so some origins get no answer")
    professions = {}
    for prof, p in doc["professions"].items():
        if prof not in common["professions"]:
            problems.append(f"{name}: professions/{prof} is not a profession of common.yaml")
        _check_date(f"{name}: professions/{prof}/date", p["date"], problems)
        professions[prof] = Licensing(prof, p["body"], p["licence"], p.get("exam"),
                                      Source(p["source"]["title"], p["source"]["url"], p["date"]))
    _check_date(f"{name}: reviewed", doc["reviewed"], problems)
    return Destination(code, doc["language"], doc["reviewed"], tuple(tracks), MappingProxyType(professions))


def _check_date(where: str, value: str, problems: list[str]) -> None:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        problems.append(f"{where}: {value!r} is not a real date")
