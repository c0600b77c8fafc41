"""Checks on what arrives from outside, before it reaches a rule or a database: characters and JSON shape.

Pure Python, so the HTTP edge, the marshmallow fields of every API and the bulk feeds share one definition:

- control characters (C0 except tab and line breaks, DEL, C1) and lone UTF-16 surrogates are never data: a
  NUL makes PostgreSQL refuse the statement, an escape sequence rewrites a log line or a terminal;
- invisible characters (direction overrides and isolates, zero-width characters, the byte-order mark) make a
  name or a document number read differently from what is stored, so they are refused there;
- JSON nested deeper than any Puente document is refused before it is parsed further (Python's parser
  raises RecursionError, not ValueError, on very deep input).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from shared.errors import FieldIssue
from shared.i18n import N_

MAX_DEPTH = 32  # the deepest Puente document (a JobPosting) is 5 levels deep

# C0 controls except tab, LF and CR; DEL and the C1 controls; lone surrogates (UTF-16 halves, not characters).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
LINE_BREAKS = re.compile("[\t\n\r\u2028\u2029]")
# Bidirectional embeddings, overrides and isolates, marks that change reading direction, zero-width
# characters, invisible operators, the Mongolian vowel separator and the byte-order mark.
INVISIBLE = re.compile("[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")

CONTROL_CHARACTERS = N_("Remove the control characters (such as NUL or escape) from this text.")
INVISIBLE_CHARACTERS = N_("Remove the invisible characters (direction marks or zero-width spaces) from this text.")
ONE_LINE = N_("Write this on one line.")
BLANK = N_("Enter a value; spaces alone do not count.")
TOO_DEEP = N_("The JSON body is nested more than %(max)s levels deep.")


class TooDeep(ValueError):
    """JSON nested deeper than :data:`MAX_DEPTH` (a ValueError, as any other JSON that cannot be used)."""

    def __init__(self, max_depth: int = MAX_DEPTH):
        super().__init__(f"nested more than {max_depth} levels deep")
        self.max_depth = max_depth


def depth(value: Any) -> int:
    """Return how deeply ``value`` nests arrays and objects (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


def loads(raw: str | bytes, max_depth: int = MAX_DEPTH) -> Any:
    """Parse JSON, raising ValueError when it is malformed and :class:`TooDeep` when it nests too deeply."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise TooDeep(max_depth) from None
    if depth(value) > max_depth:
        raise TooDeep(max_depth)
    return value


def _pointer(path: tuple) -> str:
    return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _strings(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str):
                    yield (*where, key), key
                stack.append((child, (*where, key)))
        elif isinstance(item, list):
            stack.extend((child, (*where, i)) for i, child in enumerate(item))


def control_issues(value: Any, prefix: tuple = ()) -> list[FieldIssue]:
    """Return one issue per string (or object key) in ``value`` that holds a control character, in order."""
    found = {_pointer(path) for path, text in _strings(value, prefix) if CONTROL.search(text)}
    return [FieldIssue(pointer, CONTROL_CHARACTERS) for pointer in sorted(found)]


def text_problem(text: str, *, one_line: bool = False, visible: bool = False) -> str | None:
    """Return the msgid of what is wrong with ``text`` (control, line-break or invisible characters), or None."""
    if CONTROL.search(text):
        return CONTROL_CHARACTERS
    if one_line and LINE_BREAKS.search(text):
        return ONE_LINE
    if visible and INVISIBLE.search(text):
        return INVISIBLE_CHARACTERS
    return None
