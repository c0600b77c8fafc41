"""Find a person in a centre's list by what the counsellor types: a name, a document number or a phone number.

- Names: every word typed is the start of a word of the given or family names, accents and case aside
  ("jose per" finds José Gregorio Pérez Lugo).
- Documents: the text is compared as the duplicate check compares numbers, as if it were a document of the
  stored one's type and country ("V-14.567.890", "14567890" and "014567890" find the same Venezuelan cédula).
- Phones: the text is normalised as the person's phone was when it was stored (E.164, with the person's
  country for a number typed without its prefix).

The adapters index the same keys (:func:`search_keys`), so the SQL list and the in-memory fake agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from services.profiles.domain.duplicates import document_key
from services.profiles.domain.model import Document, Identity
from services.profiles.domain.rules import normalise_phone
from shared.text import fold

NAME, DOCUMENT_NUMBER, NATIONAL_ID_NUMBER = "name", "docnum", "docnid"  # kinds of search key
MAX_WORDS = 6  # more typed words than this are ignored: a name is rarely longer


def name_words(identity: Identity) -> set[str]:
    """Return the folded words of a person's given and family names."""
    return set(fold(identity.full_name, punctuation=False).split())


def _number(document: Document) -> str:
    """Return the comparable number of a document (its duplicate-check key without the country)."""
    return document_key(document).split(":", 1)[1]


def document_numbers(identity: Identity) -> set[tuple[str, str]]:
    """Return each document's comparable number, with whether it is read as a national id's."""
    return {(NATIONAL_ID_NUMBER if d.type == "national_id" else DOCUMENT_NUMBER, _number(d))
            for d in identity.documents if d.number and _number(d)}


def search_keys(identity: Identity) -> set[tuple[str, str]]:
    """Return the (kind, value) keys a person is found by, besides their phone."""
    return {(NAME, w) for w in name_words(identity)} | document_numbers(identity)


@dataclass(frozen=True)
class SearchQuery:
    """What a counsellor typed, read as name prefixes, as a document number and as a phone number."""

    text: str
    words: tuple[str, ...]
    documents: frozenset[tuple[str, str]]

    @classmethod
    def parse(cls, text: str) -> SearchQuery:
        """Return the query of ``text``."""
        words = tuple(dict.fromkeys(fold(text, punctuation=False).split()))[:MAX_WORDS]
        documents = set()
        if re.search(r"[0-9A-Za-z]", text):
            # The stored number's country never changes its comparable form, so any country will do here.
            documents = {(DOCUMENT_NUMBER, _number(Document("passport", text, "ZZ"))),
                         (NATIONAL_ID_NUMBER, _number(Document("national_id", text, "ZZ")))}
        return cls(text, words, frozenset(documents))

    def phone_in(self, country: str | None) -> str | None:
        """Return the text as a phone stored for a person living in ``country`` would read, or None."""
        return _phone(self.text, country)

    def matches(self, identity: Identity, country: str | None) -> bool:
        """Return whether a person (living in ``country``) is found by this query."""
        names = name_words(identity)
        if self.words and all(any(n.startswith(w) for n in names) for w in self.words):
            return True
        if self.documents & document_numbers(identity):
            return True
        phone = self.phone_in(country)
        return phone is not None and identity.phone == phone


@lru_cache(maxsize=1024)
def _phone(text: str, country: str | None) -> str | None:
    if not re.search(r"\d{4}", re.sub(r"\D", "", text)):
        return None  # fewer than four digits is no phone number
    try:
        return normalise_phone(text, country)
    except ValueError:
        return None
