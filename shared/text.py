"""Text helpers every service uses the same way."""

from __future__ import annotations

import re
import unicodedata

_PUNCTUATION = re.compile(r"[^\w\s]")


def fold(text: str | None, *, punctuation: bool = True) -> str:
    """Return ``text`` case-folded, without accents, runs of whitespace made single spaces.

    With ``punctuation=False`` every punctuation mark becomes a space too, so "V-12.345" folds to "v 12 345".
    """
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    if not punctuation:
        plain = _PUNCTUATION.sub(" ", plain)
    return " ".join(plain.split())
