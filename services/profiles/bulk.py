"""Bulk import of profiles from CSV or JSON Lines, one transaction per row, with a per-row report.

A bad row is reported and skipped; it never stops the batch. Each row's fingerprint (centre plus the
row's content) is stored with the profile it created, so importing the same file again creates nothing.

Usage: ``puente import profiles FILE --centre centre-lima --by counsellor@centre`` (uses the
service's settings, like ``puente serve profiles``).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from marshmallow import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from services.profiles.api import split_input
from services.profiles.domain.model import Actor
from services.profiles.domain.rules import InvalidProfile
from services.profiles.schemas import ProfileIn
from services.profiles.usecases import ProfileService
from shared.http import flatten_errors
from shared.i18n import N_, translate, translate_field_reason
from shared.inputs import control_issues

LIST_SEPARATOR = ";"
UNREADABLE = N_("Invalid input type.")  # marshmallow's own wording, so the catalogue already says it
TRUE = {"1", "true", "yes", "si", "sí", "sim", "oui", "wi", "y", "x"}


@dataclass
class RowResult:
    row: int  # 1-based data row (CSV header excluded) or line number (JSON Lines)
    status: str  # created, already_imported, duplicate, invalid
    profile_id: str | None = None
    errors: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: list[RowResult]

    @property
    def counts(self) -> dict[str, int]:
        """Return how many rows ended in each status."""
        return dict(Counter(r.status for r in self.rows))

    def to_jsonl(self) -> str:
        """Return the report as JSON Lines, one object per row."""
        return "".join(json.dumps(r.__dict__, ensure_ascii=False) + "\n" for r in self.rows)


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(LIST_SEPARATOR) if v.strip()]


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in TRUE


def _or_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def csv_row_to_body(row: dict[str, str]) -> dict:
    """Turn one flat CSV row into the API's profile body (lists are ';'-separated, languages 'es:native')."""
    get = row.get
    documents = []
    if _or_none(get("document_number")):
        documents.append({"type": (get("document_type") or "other").strip(), "number": get("document_number").strip(),
                          "country": (get("document_country") or "").strip().upper()})
    languages = []
    for item in _split(get("languages")):
        code, _, level = item.partition(":")
        languages.append({"code": code.strip(), "level": level.strip() or "native"})
    experience = []
    if _or_none(get("experience_title")):
        experience.append({"title": get("experience_title").strip(),
                           "occupation": _or_none(get("experience_occupation")),
                           "description": (get("experience_description") or "").strip()})
    body = {
        "identity": {"given_names": (get("given_names") or "").strip(),
                     "family_names": (get("family_names") or "").strip(),
                     "date_of_birth": _or_none(get("date_of_birth")),
                     "nationalities": [c.upper() for c in _split(get("nationalities"))],
                     "documents": documents, "phone": _or_none(get("phone")), "whatsapp": _flag(get("whatsapp")),
                     "email": _or_none(get("email"))},
        "location": {"country": (get("country") or "").strip().upper(), "city": _or_none(get("city")),
                     "willing_to_relocate": _flag(get("willing_to_relocate")),
                     "relocation_countries": [c.upper() for c in _split(get("relocation_countries"))]},
        "languages": languages,
        "experience": experience,
        "skills_text": (get("skills_text") or "").strip(),
        "skills": _split(get("skills")),
        "desired_occupations": _split(get("desired_occupations")),
        "availability": _or_none(get("availability")),
        "text_language": _or_none(get("text_language")),
        "consents": {p: _flag(get(f"consent_{p}")) for p in ("matching", "introductions", "statistics")},
    }
    return body


def read_rows(path: Path) -> Iterator[tuple[int, dict | None, str]]:
    """Yield (row number, API body or None when unreadable, raw text) for each row of a CSV or JSONL file."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                body = json.loads(line)
            except ValueError:
                yield number, None, line
                continue
            yield number, body if isinstance(body, dict) else None, line
        return
    for number, row in enumerate(csv.DictReader(io.StringIO(text)), start=1):
        raw = json.dumps(row, sort_keys=True, ensure_ascii=False)
        yield number, csv_row_to_body(row), raw


def fingerprint(centre: str, raw: str) -> str:
    """Return the import key of one row: the same row imported into the same centre has the same key."""
    canonical = raw
    with contextlib.suppress(ValueError):  # a line that is not JSON is hashed as it stands
        canonical = json.dumps(json.loads(raw), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{centre}\n{canonical}".encode()).hexdigest()


def import_file(profiles: ProfileService, path: str | Path, actor: Actor, *, lang: str = "es",
                console: Console | None = None) -> ImportReport:
    """Import every row of ``path`` for ``actor``'s centre, showing a progress bar; return the per-row report."""
    path = Path(path)
    rows = list(read_rows(path))
    results: list[RowResult] = []
    schema = ProfileIn()
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console or Console(stderr=True), transient=False) as progress:
        task = progress.add_task(f"import {path.name}", total=len(rows))
        for number, body, raw in rows:
            results.append(_import_row(profiles, schema, actor, number, body, raw, lang))
            progress.advance(task)
    return ImportReport(results)


def _import_row(profiles: ProfileService, schema: ProfileIn, actor: Actor, number: int, body: dict | None,
                raw: str, lang: str) -> RowResult:
    if body is None:
        return RowResult(number, "invalid", errors=[{"pointer": "", "reason": translate(UNREADABLE, lang)}])
    hidden = control_issues(body)
    if hidden:  # a NUL or an escape sequence is never data (and PostgreSQL refuses a NUL)
        return RowResult(number, "invalid", errors=[
            {"pointer": i.pointer, "reason": translate(i.message, lang)} for i in hidden])
    try:
        details, consents = split_input(schema.load(body))
        outcome = profiles.import_one(actor, details, consents, fingerprint(actor.org, raw))
    except ValidationError as exc:
        return RowResult(number, "invalid", errors=[
            {"pointer": e["pointer"], "reason": translate_field_reason(e["reason"], lang)}
            for e in flatten_errors(exc.messages)])
    except InvalidProfile as exc:
        return RowResult(number, "invalid", errors=[
            {"pointer": p.pointer, "reason": translate(p.message, lang, **p.params)} for p in exc.problems])
    warnings = [f"possible duplicate ({', '.join(d.reasons)})" + ("" if d.same_centre else " at another centre")
                for d in outcome.duplicates]
    return RowResult(number, outcome.status, outcome.profile_id, warnings=warnings)

