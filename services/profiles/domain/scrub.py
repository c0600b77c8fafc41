"""Make free text fit to leave the profiles service: only what matching needs, nothing that says who a person is.

Free text reaches other services (matching, statistics) only through ``public_text``, in three steps:

1. ``scrub``: e-mail addresses, phone numbers, identity-document numbers, the person's own recorded values and
   names (a run of name parts becomes one ``[name]``, so how many names a person has does not show). It errs on
   the side of privacy: a long run of digits that is not obviously a year range is a document number.
2. ``redact``: street addresses, ages, other people's names (after a title or a word such as "mi tío", or a
   common given name), and words of health, pregnancy, disability, nationality, ethnicity, countries and
   migration status, in es, pt, fr, ht and en (``lexicon``).
3. ``work_sentences``: only sentences about work leave (trades, tasks, skills, tools, training, experience:
   a work word, or an occupation or skill of the taxonomy); a sentence about family, health, journey or
   papers is withheld whole, whatever the lists of step 2 miss in it.

Word lists cannot know every name or condition: a risky word inside a sentence about work that no list holds
still leaves (a surname after no title, a rare condition, a city of origin). Cities are kept: they are not
origin by themselves and matching reads them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers

from services.profiles.domain.lexicon import (
    ABBREVIATIONS,
    COUNTRIES,
    COUNTRIES_ONLY_CAPITALISED,
    GIVEN_NAMES,
    HEALTH,
    NAME_CUES,
    NAME_PARTICLES,
    NOT_WORK,
    ORIGIN,
    ORIGIN_PLACES,
    PLACE_PREFIXES,
    STATUS,
    WORK_STEMS,
    WORK_WORDS,
)
from shared.text import fold

EMAIL, PHONE, DOCUMENT, NAME = "[email]", "[phone]", "[document]", "[name]"
# What ``redact`` takes out: a mark without letters, so that no reader of the text (matching's taxonomy
# normaliser, an encoder) takes it for a word: "[place]" was read as French "placo", a plasterer's word.
REDACTED = "[…]"
ADDRESS = AGE = HEALTH_WORD = ORIGIN_WORD = COUNTRY = PLACE = STATUS_WORD = REDACTED
PLACEHOLDERS = (EMAIL, PHONE, DOCUMENT, NAME, REDACTED)

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


# A run of name tokens, possibly joined by particles ("[name] de los [name]", "[name]-[name]"), is one name.
_NAME_RUN = re.compile(r"\[name\](?:(?:\s*-\s*|\s+(?:(?:de|del|la|las|los|da|das|do|dos|du|des|van|von|der|le|di)"
                       r"\s+){0,2})\[name\])+")


def collapse_names(text: str) -> str:
    """Return ``text`` with every run of ``[name]`` tokens made one, so the number of name parts never shows."""
    return _NAME_RUN.sub(NAME, text)


def scrub(text: str, *, country: str | None = None, known: Iterable[str] = (), names: Iterable[str] = ()) -> str:
    """Return ``text`` with e-mails, phones and document numbers (and the given values and names) replaced; a run
    of name parts becomes one ``[name]``."""
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
            if len(part) >= 3 and fold(part) not in NAME_PARTICLES:  # "de los" is no name, and is everywhere
                text = re.sub(rf"(?i)(?<!\w){re.escape(part)}(?!\w)", NAME, text)
    return collapse_names(text)


# --- step 2: other risky words ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str
    folded: str

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper() and not self.text[0].isdigit()


_WORD = re.compile(r"\w+")


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.start(), m.end(), m.group(), fold(m.group())) for m in _WORD.finditer(text)]


def _phrases(words: Iterable[str]) -> tuple[frozenset[tuple[str, ...]], int]:
    keys = frozenset(tuple(_WORD.findall(fold(w))) for w in words)
    return keys, max(len(k) for k in keys)


_HEALTH, _ORIGIN, _STATUS, _PLACES, _GIVEN = (
    _phrases(HEALTH), _phrases(ORIGIN), _phrases(STATUS), _phrases(ORIGIN_PLACES), _phrases(GIVEN_NAMES))
_COUNTRIES, _CAPITALISED_COUNTRIES = (_phrases(COUNTRIES - COUNTRIES_ONLY_CAPITALISED),
                                      _phrases(COUNTRIES_ONLY_CAPITALISED))


def _phrase_spans(tokens: list[_Token], phrases: tuple[frozenset[tuple[str, ...]], int], token: str, *,
                  capitalised: bool = False) -> list[tuple[int, int, str]]:
    """Return the spans of the phrases found in ``tokens`` (longest first), replaced by ``token``."""
    keys, longest = phrases
    spans, i = [], 0
    while i < len(tokens):
        for n in range(min(longest, len(tokens) - i), 0, -1):
            if tuple(t.folded for t in tokens[i:i + n]) in keys and (not capitalised or tokens[i].capitalised):
                spans.append((tokens[i].start, tokens[i + n - 1].end, token))
                i += n
                break
        else:
            i += 1
    return spans


_UPPER = "A-ZÁÉÍÓÚÑÇÀÈÌÒÙÂÊÎÔÛÃÕÜ"
_PART = rf"(?:[{_UPPER}0-9][\w'’/\-]*)"
_NUMBERING = r"(?:,\s*)?(?:(?:#|n[º°o]\.?|no\.|nro\.?)\s*)?"
# A street word whose next word, capitalised or a number, starts the address ("Calle 45 # 12-30", "Rua Augusta,
# 1500", "Ri Pavée 23"); up to four more such words follow.
_STREET = re.compile(
    r"(?i:\b(?:calle|cll|avenida|av|avda|jir[oó]n|jr|pasaje|psje|calzada|urbanizaci[oó]n|urb|barrio|bairro|"
    r"rua|travessa|rue|avenue|boulevard|blvd|all[ée]e|impasse|lari|street|road))\b\.?\s+"
    rf"(?:(?i:de\s+(?:la\s+|los\s+|las\s+)?|da\s+|do\s+|du\s+|des\s+|de\s+l'|of\s+))?{_PART}"
    rf"(?:\s*{_NUMBERING}{_PART}){{0,4}}"
    # "Ri" (Creole) only capitalised: lowercase "ri" is French for laughed.
    rf"|\bRi\s+{_PART}(?:\s*{_NUMBERING}{_PART}){{0,4}}")
# A street word that is also an everyday word ("carrera", "manzana", "lote"): an address only with a number.
_STREET_WITH_NUMBER = re.compile(
    r"(?i:\b(?:carrera|cra|kra|kr|cl|diagonal|dg|transversal|tv|manzana|mz|lote|lt|estrada|alameda|st|rd))\b\.?\s*"
    rf"(?:{_NUMBERING}){_PART}?(?:\s*{_NUMBERING}{_PART}){{0,4}}")
# "12 rue de la Paix", "221 Baker Street", "500 Main St."
_NUMBER_FIRST = re.compile(
    rf"\b\d{{1,5}}(?:\s*(?:bis|ter))?,?\s+(?i:rue|avenue|av|boulevard|bd|all[ée]e|impasse|chemin|place)\b\.?"
    rf"(?:\s+(?i:de\s+la|de\s+l'|de|du|des|d'))?(?:\s*{_PART}){{1,4}}"
    rf"|\b\d{{1,5}}\s+(?:[{_UPPER}][\w'\-]*\s+){{1,3}}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Drive|Boulevard|Way)\b\.?")
_AGE_FOLLOWS = r"(?=\s*(?:[,.;:!?)]|$)|\s+(?:y|e|et|and|ak|epi|de\s+edad|de\s+idade|old|d'[aâ]ge)\b)"
_AGE = re.compile(
    # "tengo 45 años", "j'ai 29 ans", "mwen gen 33 an", "I am 40 years old"
    r"\b(?:tengo|tiene|ten[ií]a|cumpl[ií]|tenho|tem|tinha|j'ai|il\s+a|elle\s+a|gen|i\s+am|i'm|he\s+is|"
    r"she\s+is|aged|[aâ]g[ée]e?\s+de)\s+\d{1,2}\s+(?:años|anos|ans|an|years?)\b" + _AGE_FOLLOWS +
    # "40 años de edad", "39-year-old", "edad: 40"
    r"|\b\d{1,2}\s+(?:años|anos|ans|years?)\s+(?:de\s+edad|de\s+idade|d'[aâ]ge|old)\b"
    r"|\b\d{1,2}[\s-]+years?[\s-]+old\b"
    r"|\b(?:edad|idade|[aâ]ge|laj)\s*:?\s*\d{1,2}\b", re.IGNORECASE)
# "Psicóloga de 34 años,", "[origin] de Pasto, 33 años.", "Mme [name], 44 ans, a été": two digits after "de" or a
# comma and before the end of a clause, unless the words before say it is a duration ("hace", "experiencia de").
_AGE_IN_NOTE = re.compile(r"(?:\bde\s+|,\s*|\(\s*)(?P<age>\d{2}\s+(?:años|anos|ans|years))"
                          r"(?=\s*[,.;:)]|\s*$|\s+(?:y|e|et|and)\b)", re.IGNORECASE)
_DURATION_BEFORE = re.compile(r"(?i)(?:hace|h[aá]|desde|durante|por|pendant|depuis|for|since|lleva|llevo|"
                              r"experien\w*|trabaj\w*|trabalh\w*|travaill?\w*|worked|working)\s+(?:de\s+)?$")
# "[name], 27, from Caracas": two digits alone between commas, right after a name or a capitalised word.
_AGE_BARE = re.compile(r"(?:\]|\b[A-ZÁÉÍÓÚÑ][\w-]*),\s*(?P<age>[1-7]\d)\s*,")


def _age_spans(text: str) -> list[tuple[int, int, str]]:
    spans = [(m.start(), m.end(), AGE) for m in _AGE.finditer(text)]
    for m in _AGE_IN_NOTE.finditer(text):
        if not _DURATION_BEFORE.search(text[max(0, m.start() - 30):m.start("age")]):
            spans.append((m.start("age"), m.end("age"), AGE))
    spans += [(m.start("age"), m.end("age"), AGE) for m in _AGE_BARE.finditer(text)]
    return spans


def _address_spans(text: str) -> list[tuple[int, int, str]]:
    spans = [(m.start(), m.end(), ADDRESS) for m in _STREET.finditer(text)]
    spans += [(m.start(), m.end(), ADDRESS) for m in _STREET_WITH_NUMBER.finditer(text)
              if any(ch.isdigit() for ch in m.group())]
    spans += [(m.start(), m.end(), ADDRESS) for m in _NUMBER_FIRST.finditer(text)]
    return spans


_TITLE_ABBREVIATIONS = {"sr", "sra", "srta", "dr", "dra", "lic", "ing", "prof", "m", "mme", "mlle", "mr", "mrs", "ms"}


def _name_run(text: str, tokens: list[_Token], i: int) -> int:
    """Return the index after the capitalised run that starts at ``i`` (``i`` when none does)."""
    j, parts = i, 0
    while j < len(tokens) and parts < 4:
        if tokens[j].capitalised and tokens[j].folded not in NAME_PARTICLES and not tokens[j].text.isupper():
            if j > i and not re.fullmatch(r"[\s\-]+", text[tokens[j - 1].end:tokens[j].start]):
                break
            j, parts = j + 1, parts + 1
        elif (parts and tokens[j].folded in NAME_PARTICLES and j + 1 < len(tokens)
              and re.fullmatch(r"\s+", text[tokens[j - 1].end:tokens[j].start])):
            k = j
            while k < len(tokens) and tokens[k].folded in NAME_PARTICLES:
                k += 1
            if k < len(tokens) and tokens[k].capitalised and tokens[k].folded not in NAME_PARTICLES:
                j = k
            else:
                break
        else:
            break
    return j


def _name_spans(text: str, tokens: list[_Token]) -> list[tuple[int, int, str]]:
    """Return the spans of other people's names: a capitalised run after a title or a word for a person, or
    starting with a common given name (not after "San", "Santa" and the like)."""
    spans, i = [], 0
    given, longest = _GIVEN
    while i < len(tokens):
        t = tokens[i]
        # A lone "m" is a title only as "M." ("M. Dupont"): in Creole "m" is "I".
        if t.folded in NAME_CUES and i + 1 < len(tokens) and (t.folded != "m" or t.text == "M"):
            gap = text[t.end:tokens[i + 1].start]
            allowed = r"\.?[\s,:]*" if t.folded in _TITLE_ABBREVIATIONS else r"[\s,:]+"
            end = _name_run(text, tokens, i + 1) if re.fullmatch(allowed, gap) else i + 1
            if end > i + 1:
                spans.append((tokens[i + 1].start, tokens[end - 1].end, NAME))
                i = end
                continue
        if t.capitalised and not (i and tokens[i - 1].folded in PLACE_PREFIXES) and any(
                tuple(x.folded for x in tokens[i:i + n]) in given for n in range(1, longest + 1)):
            end = _name_run(text, tokens, i)
            if end > i:
                spans.append((t.start, tokens[end - 1].end, NAME))
                i = end
                continue
        i += 1
    return spans


def redact(text: str) -> str:
    """Return ``text`` with street addresses, ages, other people's names and words of health, pregnancy,
    disability, nationality, ethnicity, countries and migration status replaced by tokens."""
    if not text:
        return text
    text = _replace_spans(text, _address_spans(text))
    text = _replace_spans(text, _age_spans(text))
    text = _replace_spans(text, _name_spans(text, _tokens(text)))
    tokens = _tokens(text)
    spans = (_phrase_spans(tokens, _HEALTH, HEALTH_WORD) + _phrase_spans(tokens, _ORIGIN, ORIGIN_WORD)
             + _phrase_spans(tokens, _STATUS, STATUS_WORD)
             + _phrase_spans(tokens, _COUNTRIES, COUNTRY)
             + _phrase_spans(tokens, _CAPITALISED_COUNTRIES, COUNTRY, capitalised=True)
             + _phrase_spans(tokens, _PLACES, PLACE, capitalised=True))
    return collapse_names(_replace_spans(text, spans))


# --- step 3: sentences about work ---------------------------------------------------------------------------

_BOUNDARY = re.compile(r"(?<=[.;!?])\s+|\s*\n+\s*")
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS))
_YEARS_AS = re.compile(r"(?i)\b\d{1,2}\s+(?:años|anos|ans|years|lane|ane)\s+(?:como|comme|as|k[oò]m|trabajando|"
                       r"trabalhando|working)\b")


def sentences(text: str) -> list[str]:
    """Split ``text`` after . ; ! ? and at line ends, but not after an abbreviation or an initial ("Sr.", "J.")."""
    out, start = [], 0
    for m in _BOUNDARY.finditer(text):
        piece = text[start:m.start()]
        before = _WORD.findall(piece[-8:])
        if piece.endswith(".") and before and (fold(before[-1]) in ABBREVIATIONS
                                               or (len(before[-1]) == 1 and before[-1].isupper())):
            continue
        out.append(piece)
        start = m.end()
    out.append(text[start:])
    return [s.strip() for s in out if s.strip()]


def _plural(word: str) -> str:
    # Both sides of the taxonomy lookup drop a plural ending, so "pañetes" meets "pañete", "albañiles" "albañil".
    if len(word) > 4 and word.endswith("es") and word[-3] in "lrndzj":
        return word[:-2]
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


@functools.cache
def _taxonomy_terms() -> tuple[frozenset[tuple[str, ...]], int]:
    """Return the occupation and skill labels and synonyms of the taxonomy as word tuples (read once)."""
    from shared.taxonomy import load_taxonomy

    terms, everyday = set(), {(_plural(w),) for w in NOT_WORK}
    for term, _code in load_taxonomy().terms():
        words = tuple(_plural(w) for w in _WORD.findall(fold(term)))
        if words and len(" ".join(words)) >= 4 and words not in everyday:
            terms.add(words)
    return frozenset(terms), max(len(t) for t in terms)


def talks_about_work(sentence: str) -> bool:
    """Return whether a sentence is about work: a work word, "N years as", or a taxonomy occupation or skill."""
    plain = _PLACEHOLDER.sub(" ", sentence)
    words = [fold(w) for w in _WORD.findall(plain)]
    if any(w in WORK_WORDS or w.startswith(WORK_STEMS) for w in words) or _YEARS_AS.search(plain):
        return True
    terms, longest = _taxonomy_terms()
    stems = [_plural(w) for w in words]
    return any(tuple(stems[i:i + n]) in terms for n in range(1, longest + 1) for i in range(len(stems) - n + 1))


def work_sentences(text: str) -> str:
    """Return the sentences of ``text`` that are about work, joined by spaces; the others are withheld."""
    return " ".join(s for s in sentences(text) if talks_about_work(s))


def public_text(text: str, *, country: str | None = None, known: Iterable[str] = (),
                names: Iterable[str] = ()) -> str:
    """Return what of a free text may leave: its sentences about work, scrubbed (``scrub``) and redacted
    (``redact``)."""
    if not text:
        return text
    return work_sentences(redact(scrub(text, country=country, known=known, names=names)))
