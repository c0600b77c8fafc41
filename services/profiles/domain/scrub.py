"""Remove e-mail addresses, phone numbers and identity-document numbers from free text before it leaves.

Free text reaches other services (matching, statistics) only through this. It errs on the side of
privacy: a long run of digits that is not obviously a year range is treated as a document number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import phonenumbers

EMAIL, PHONE, DOCUMENT, NAME = "[email]", "[phone]", "[document]", "[name]"

# Countries whose numbers Puente's users write, tried when a number has no international prefix.
PHONE_REGIONS = ("CO", "VE", "PE", "EC", "CL", "AR", "BR", "BO", "PY", "UY", "HT", "DO", "CU", "US")

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_SPACE = r"[ \t]?"
# Words after which the next token is an identity number, in es/pt/fr/ht/en (accents optional).
_DOC_WORDS = (
    r"c[eé]dula(?:\s+de\s+identidad)?|c\.\s?i\.|ci|dni|pasaporte|passaporte|passport|passeport|paspò|"
    r"cpf|rg|rne|crnm|cnie|nit|nie|nif|rut|run|ptp|pep|carn[eé]t?(?:\s+de\s+extranjer[ií]a)?|"
    r"c[eé]dula\s+de\s+extranjer[ií]a|documento|document|pi[eè]ce\s+d'identit[eé]|kat\s+idantite|"
    r"id(?:\s+card)?|n[uú]mero\s+de\s+documento|numéro|nimewo"
)
_AFTER_DOC_WORD = re.compile(
    # up to three short words may sit between the word and the number ("CPF é", "paspò mwen se", "n.º")
    rf"(?i)\b(?:{_DOC_WORDS})(?:\W+[^\W\d]{{1,6}}){{0,3}}?[\W_]*"
    rf"(?P<number>[A-Za-z]{{0,3}}[-.\s]?\d[\d.\-/ ]{{2,}}\d)")
# A token with at least six digits, optionally behind a few letters (V-12.345.678, AB1234567, 123.456.789-09).
_LONG_NUMBER = re.compile(r"(?<![\w@])(?:[A-Za-z]{1,3}[-.]?)?\d[\d.\-/]{4,}\d(?![\w@])")
_YEAR_RANGE = re.compile(r"^(?:19|20)\d\d\s*[-/–]\s*(?:19|20)?\d\d$")
_DATE = re.compile(r"^\d{1,2}[-./]\d{1,2}[-./](?:19|20)?\d\d$|^(?:19|20)\d\d[-./]\d{1,2}[-./]\d{1,2}$")


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def _replace_spans(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    out, last = [], 0
    for start, end, token in sorted(spans):
        if start < last:  # overlaps a span already replaced
            continue
        out.append(text[last:start])
        out.append(token)
        last = end
    out.append(text[last:])
    return "".join(out)


def _phone_spans(text: str, regions: Iterable[str]) -> list[tuple[int, int, str]]:
    spans = []
    for region in dict.fromkeys(regions):
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
            if _YEAR_RANGE.match(match.raw_string.strip()) or _DATE.match(match.raw_string.strip()):
                continue
            if _digits(match.raw_string) >= 7:
                spans.append((match.start, match.end, PHONE))
    return spans


def scrub(text: str, *, country: str | None = None, known: Iterable[str] = (), names: Iterable[str] = ()) -> str:
    """Return ``text`` with e-mails, phones and document numbers (and the given values and names) replaced."""
    if not text:
        return text
    spans = [(m.start(), m.end(), EMAIL) for m in _EMAIL.finditer(text)]
    text = _replace_spans(text, spans)
    spans = [(m.start("number"), m.end("number"), DOCUMENT) for m in _AFTER_DOC_WORD.finditer(text)
             if _digits(m.group("number")) >= 4]
    text = _replace_spans(text, spans)
    regions = ((country,) if country else ()) + PHONE_REGIONS
    text = _replace_spans(text, _phone_spans(text, regions))
    spans = [(m.start(), m.end(), DOCUMENT) for m in _LONG_NUMBER.finditer(text)
             if _digits(m.group()) >= 6 and not _YEAR_RANGE.match(m.group()) and not _DATE.match(m.group())]
    text = _replace_spans(text, spans)
    for value in known:
        if value and len(value) >= 4:
            text = re.sub(re.escape(value), DOCUMENT, text, flags=re.IGNORECASE)
    for name in names:
        for part in (name or "").split():
            if len(part) >= 3:
                text = re.sub(rf"(?i)(?<!\w){re.escape(part)}(?!\w)", NAME, text)
    return text
