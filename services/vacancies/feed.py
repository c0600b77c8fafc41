"""Bulk feeds: JSON Lines, CSV or a JSON array (of our vacancies or schema.org JobPostings), read row by row.

Each row is read and loaded here; :meth:`VacancyService.bulk` submits the rows that could be read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from marshmallow import ValidationError

from services.vacancies.domain.jobposting import from_jobposting
from services.vacancies.schemas import VacancyIn
from services.vacancies.usecases import FeedRow, RowResult, VacancyService
from shared import inputs
from shared.errors import Invalid
from shared.http import flatten_errors
from shared.i18n import N_

CSV_LISTS = ("required_skills", "nice_skills")
OUTCOMES = ("created", "updated", "unchanged", "error")


class RowError(Exception):
    """A row that cannot be read as a vacancy: (pointer, reason) pairs."""

    def __init__(self, errors: list[dict[str, str]]):
        super().__init__(errors)
        self.errors = errors


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
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield 1, None, f"not UTF-8 text: byte {exc.start}"
        return
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind == "text/csv":
        number = 0
        try:
            # newline="": the csv module reads line ends itself, a lone carriage return included.
            for number, raw in enumerate(csv.DictReader(io.StringIO(text, newline="")), start=1):
                yield number, _csv_row(raw), None
        except csv.Error as exc:  # a malformed row ends the file's reading, reported on that row
            yield number + 1, None, f"not CSV: {exc}"
        return
    stripped = text.lstrip()
    if kind in ("application/json", "application/ld+json") or stripped.startswith("["):
        try:
            # One level more than a row may nest: the array (or @graph) that holds the rows.
            doc = inputs.loads(text, inputs.MAX_DEPTH + 2)
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
            obj = inputs.loads(line)
        except ValueError as exc:
            yield i, None, f"not JSON: {getattr(exc, 'msg', exc)}"
        else:
            yield i, obj, None


def to_submission(obj: Any) -> dict[str, Any]:
    """Return the loaded vacancy fields of one row, or raise ValidationError / RowError."""
    if not isinstance(obj, dict):
        raise RowError([{"pointer": "", "reason": "must be a JSON object"}])
    if obj.get("@type") == "JobPosting":
        obj, errors = from_jobposting(obj)
        if errors:
            raise RowError(errors)
    return VacancyIn().load(obj)


FEED_SHAPE = N_("Send a JSON array of vacancies, or one JobPosting (or its @graph) as an object.")


def refuse_unusable_json(body: bytes) -> None:
    """Raise Invalid (422, pointing at the whole body) for a JSON feed that is neither an array nor an object: no
    row can be read from it. Malformed JSON is left to :func:`rows`, which reports it as the first row's error."""
    try:
        doc = inputs.loads(body)
    except ValueError:
        return
    if not isinstance(doc, list | dict):
        raise Invalid("feed_shape", FEED_SHAPE, pointer="")


def rows(body: bytes, content_type: str) -> Iterator[FeedRow]:
    """Yield every row of an upload, loaded, or with the reasons it could not be read."""
    for number, obj, parse_error in parse(body, content_type):
        external_id = obj.get("external_id") if isinstance(obj, dict) else None
        if parse_error:
            yield FeedRow(number, external_id, errors=({"pointer": "", "reason": parse_error},))
            continue
        hidden = inputs.control_issues(obj)
        if hidden:  # a NUL or an escape sequence is never data; the row is refused, the feed goes on
            yield FeedRow(number, None, errors=tuple({"pointer": i.pointer, "reason": i.message} for i in hidden))
            continue
        try:
            data = to_submission(obj)
        except ValidationError as exc:
            yield FeedRow(number, external_id, errors=tuple(flatten_errors(exc.messages)))
        except RowError as exc:
            yield FeedRow(number, external_id, errors=tuple(exc.errors))
        else:
            yield FeedRow(number, data.get("external_id"), data)


def outcome_counts(results: Iterable[RowResult]) -> dict[str, int]:
    """Return how many rows were created, updated, unchanged or refused."""
    results = list(results)
    return {k: sum(r.outcome == k for r in results) for k in OUTCOMES}


def import_file(service: VacancyService, principal, path: str, content_type: str | None = None) -> list[RowResult]:
    """Import a feed file with a progress bar (the ``puente import vacancies`` command calls this)."""
    from pathlib import Path

    from rich.progress import Progress

    raw = Path(path).read_bytes()
    kind = content_type or ("text/csv" if path.endswith(".csv") else
                            "application/json" if path.endswith((".json", ".jsonld")) else "application/x-ndjson")
    feed = list(rows(raw, kind))
    with Progress() as bar:
        task = bar.add_task("vacancies", total=len(feed))
        return service.bulk(principal, feed, progress=lambda _r: bar.advance(task))
