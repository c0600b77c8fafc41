"""Lists as files: CSV and XLSX (tablib, openpyxl) with the columns and filters of the page they come from, and
an anonymised form that holds pseudonymous ids instead of names, contacts and documents. No Flask here."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import tablib

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
MAX_ROWS = 5000  # an export follows the list's pages up to this many rows, then says it stopped
# A cell a spreadsheet would run as a formula (OWASP "CSV injection"); a phone number like "+57 300 123" is kept.
FORMULA_START = ("=", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-][\d\s().-]*$")


@dataclass(frozen=True)
class Sheet:
    """A list as it is exported: a title, (key, header) columns, rows keyed like the columns, the filters used."""

    title: str
    columns: Sequence[tuple[str, str]]
    rows: list[Mapping[str, Any]] = field(default_factory=list)
    filters: Sequence[tuple[str, Any]] = ()
    filter_headers: tuple[str, str] = ("Filter", "Value")  # also the second XLSX sheet's title (the first)

    def values(self) -> list[list[Any]]:
        """Return the rows as lists of cells, in the order of the columns."""
        return [[row.get(key) for key, _header in self.columns] for row in self.rows]


def pseudonym(key: str | bytes, scope: str, ident: str) -> str:
    """Return a stable pseudonymous id for ``ident`` within ``scope`` (an organisation): the same person has the
    same id in every export of that organisation, and nobody without the key can turn it back into the id."""
    secret = key.encode() if isinstance(key, str) else key
    digest = hmac.new(secret, f"export:{scope}:{ident}".encode(), hashlib.sha256).hexdigest()
    return f"P-{digest[:10].upper()}"


def safe_text(value: Any) -> Any:
    """Return a cell that a spreadsheet shows as written instead of running it as a formula."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_START) or (value[0] in "+-" and not PLAIN_NUMBER.match(value)):
        return "'" + value
    return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return safe_text(value)


def dataset(sheet: Sheet) -> tablib.Dataset:
    """Return the sheet as a tablib dataset: headers, then one row per item, cells made safe."""
    data = tablib.Dataset(headers=[header for _key, header in sheet.columns], title=sheet.title[:31])
    for row in sheet.values():
        data.append([_cell(v) for v in row])
    return data


def render(sheet: Sheet, fmt: str) -> bytes:
    """Return the sheet as ``fmt`` ("csv": UTF-8 with a BOM, which spreadsheet programs need to read accents;
    "xlsx": the list, then a second sheet naming the filters it was made with)."""
    data = dataset(sheet)
    if fmt == "csv":
        return ("\ufeff" + data.export("csv")).encode("utf-8")
    if fmt != "xlsx":
        raise ValueError(f"unknown export format {fmt!r}")
    filters = tablib.Dataset(*[(name, _cell(value)) for name, value in sheet.filters],
                             headers=list(sheet.filter_headers), title=sheet.filter_headers[0][:31])
    return tablib.Databook([data, filters]).export("xlsx", escape=True)


def rows_of(items: Iterable[Mapping[str, Any]], limit: int = MAX_ROWS) -> tuple[list[Mapping[str, Any]], bool]:
    """Return at most ``limit`` rows, and whether there were more."""
    rows: list[Mapping[str, Any]] = []
    for item in items:
        if len(rows) == limit:
            return rows, True
        rows.append(item)
    return rows, False
