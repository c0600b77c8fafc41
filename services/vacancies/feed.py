"""Bulk feeds: JSON Lines, CSV or a JSON array (of our vacancies or schema.org JobPostings), row by row."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError

from services.vacancies import use_cases
from services.vacancies.domain.jobposting import from_jobposting
from services.vacancies.domain.model import DomainError
from services.vacancies.schemas import VacancyIn
from shared.http import flatten_errors

CSV_LISTS = ("required_skills", "nice_skills")


@dataclass
class RowResult:
    """What happened to one row."""

    row: int
    outcome: str  # created | updated | unchanged | error
    external_id: str | None = None
    id: str | None = None
    status: str | None = None
    errors: list[dict[str, str]] = field(default_factory=list)
    findings: list = field(default_factory=list)


def _csv_row(raw: dict[str, str]) -> dict[str, Any]:
    row: dict[str, Any] = {k: v for k, v in raw.items() if k and v not in (None, "")}
    pay = {k[4:]: row.pop(k) for k in list(row) if k.startswith("pay_")}
    if pay:
        row["pay"] = pay
    benefits = {k[9:]: row.pop(k).lower() in ("true", "1", "yes", "si", "sí", "sim") for k in list(row)
                if k.startswith("benefits_")}
    if benefits:
        row["benefits"] = benefits
    for key in CSV_LISTS:
        if key in row:
            row[key] = [s.strip() for s in row[key].split(";") if s.strip()]
    if "languages" in row:
        row["languages"] = [dict(zip(("code", "min_level"), part.strip().split(":"), strict=False))
                            for part in row["languages"].split(";") if part.strip()]
    return row


def parse(body: bytes, content_type: str) -> Iterator[tuple[int, Any, str | None]]:
    """Yield (row number, object, parse error) for every row of an upload."""
    text = body.decode("utf-8-sig")
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind == "text/csv":
        for i, raw in enumerate(csv.DictReader(io.StringIO(text)), start=1):
            yield i, _csv_row(raw), None
        return
    stripped = text.lstrip()
    if kind in ("application/json", "application/ld+json") or stripped.startswith("["):
        try:
            doc = json.loads(text)
        except ValueError as exc:
            yield 1, None, f"not JSON: {exc}"
            return
        items = doc if isinstance(doc, list) else doc.get("@graph", [doc]) if isinstance(doc, dict) else [doc]
        for i, item in enumerate(items, start=1):
            yield i, item, None
        return
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield i, json.loads(line), None
        except ValueError as exc:
            yield i, None, f"not JSON: {exc.msg}"


def to_submission(obj: Any) -> dict[str, Any]:
    """Return the loaded vacancy fields of one row, or raise ValidationError / DomainError."""
    if not isinstance(obj, dict):
        raise DomainError("invalid", "row is not an object", [{"pointer": "", "reason": "must be a JSON object"}])
    if obj.get("@type") == "JobPosting":
        obj, errors = from_jobposting(obj)
        if errors:
            raise DomainError("invalid", "the JobPosting lacks fields", errors)
    return VacancyIn().load(obj)


def run(deps: use_cases.Deps, principal, rows: Iterator[tuple[int, Any, str | None]],
        progress: Callable[[RowResult], None] | None = None) -> list[RowResult]:
    """Submit every row on its own; a bad row is reported and never stops the others."""
    results = []
    for number, obj, parse_error in rows:
        external_id = obj.get("external_id") if isinstance(obj, dict) else None
        try:
            if parse_error:
                raise DomainError("invalid", parse_error, [{"pointer": "", "reason": parse_error}])
            data = to_submission(obj)
            external_id = data.get("external_id")
            before = _find(deps, principal, external_id)
            outcome = use_cases.submit(deps, principal, data)
            kind = ("created" if outcome.created else
                    "unchanged" if before is not None and before.version == outcome.vacancy.version else "updated")
            result = RowResult(number, kind, external_id, outcome.vacancy.id, outcome.vacancy.status,
                               findings=list(outcome.vacancy.findings))
        except ValidationError as exc:
            result = RowResult(number, "error", external_id, errors=flatten_errors(exc.messages))
        except DomainError as exc:
            errors = exc.errors or [{"pointer": "", "reason": exc.detail}]
            result = RowResult(number, "error", external_id, errors=errors)
        results.append(result)
        if progress:
            progress(result)
    return results


def _find(deps, principal, external_id):
    if not external_id:
        return None
    with deps.uow() as uow:
        return uow.vacancies.find_external(principal.org, external_id)


def import_file(deps: use_cases.Deps, principal, path: str, content_type: str | None = None) -> list[RowResult]:
    """Import a feed file with a progress bar (the ``puente vacancies import`` command calls this)."""
    from pathlib import Path

    from rich.progress import Progress

    raw = Path(path).read_bytes()
    kind = content_type or ("text/csv" if path.endswith(".csv") else
                            "application/json" if path.endswith((".json", ".jsonld")) else "application/x-ndjson")
    rows = list(parse(raw, kind))
    with Progress() as bar:
        task = bar.add_task("vacancies", total=len(rows))
        return run(deps, principal, iter(rows), progress=lambda _r: bar.advance(task))


def cli_import(container, path: str, org: str, role: str = "ministry") -> dict[str, int]:
    """Import a feed file into a service container as ``org`` and return counts per outcome (for `puente`)."""
    from services.vacancies.app import build_deps
    from shared.auth import Principal

    results = import_file(build_deps(container), Principal(f"cli:{org}", role, org), path)
    return {k: sum(r.outcome == k for r in results) for k in ("created", "updated", "unchanged", "error")}
