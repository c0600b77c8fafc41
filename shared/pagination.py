"""Keyset pagination: opaque cursors that point just after the last item a page returned."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from shared.errors import Invalid
from shared.i18n import N_

T = TypeVar("T")
BAD_CURSOR = N_("This cursor is not valid; start again from the first page.")


@dataclass
class Page(Generic[T]):
    """One page of a collection and the cursor of the next one (None on the last page)."""

    items: list[T] = field(default_factory=list)
    next_cursor: str | None = None


def encode_cursor(*parts: Any) -> str:
    """Return an opaque, URL-safe cursor holding ``parts`` (JSON values: strings, numbers, None)."""
    raw = json.dumps(list(parts), separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, arity: int, *, parse: Sequence[Callable[[Any], Any]] | None = None,
                  pointer: str = "/cursor") -> tuple[Any, ...]:
    """Return the ``arity`` parts a cursor holds, each passed through ``parse`` (e.g. ``datetime.fromisoformat``).

    Raises Invalid naming the cursor parameter when the token is not one of ours or a part does not parse.
    """
    try:
        parts = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        parts = None
    if not isinstance(parts, list) or len(parts) != arity or any(isinstance(p, dict | list) for p in parts):
        raise Invalid("bad_cursor", BAD_CURSOR, pointer=pointer)
    if parse is None:
        return tuple(parts)
    try:
        return tuple(convert(part) for convert, part in zip(parse, parts, strict=True))
    except (TypeError, ValueError):
        raise Invalid("bad_cursor", BAD_CURSOR, pointer=pointer) from None


def next_page(rows: Sequence[T], limit: int, key) -> Page[T]:
    """Return a page from ``rows`` fetched with ``limit + 1``: the extra row only says a next page exists."""
    items = list(rows[:limit])
    cursor = encode_cursor(*key(items[-1])) if len(rows) > limit and items else None
    return Page(items, cursor)
