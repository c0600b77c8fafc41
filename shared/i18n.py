"""Translation of what a person reads, through the Babel catalogues the portal and every API share.

The catalogues live in ``shared/translations/<lang>/LC_MESSAGES/messages.po`` (compiled to ``.mo``), one
domain for the whole project. Code marks a text with :func:`N_` where it is defined and translates it with
:func:`translate` where a reader's language is known. Numbers passed as parameters are written in the
reader's format (``1.750.905`` in Spanish, ``1,750,905`` in English).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
LANGUAGES = ("es", "pt", "en", "fr")
DEFAULT_LANGUAGE = "en"
LANGUAGE_COOKIE = "puente_lang"  # the language a person chose on the portal's pages, read by every service


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Mark ``message`` for extraction into the catalogues; return it unchanged."""
    return message


@cache
def catalogue(lang: str) -> NullTranslations:
    """Return the compiled catalogue of ``lang`` (English and unknown languages translate to themselves)."""
    if lang not in LANGUAGES or lang == DEFAULT_LANGUAGE:
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS_DIR), [lang], domain="messages")


def language(preferred: Iterable[str | None], default: str = DEFAULT_LANGUAGE) -> str:
    """Return the first supported language among ``preferred`` ("pt-BR" counts as "pt"), else ``default``."""
    for candidate in preferred:
        code = (candidate or "").replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return default


def format_param(value: Any, lang: str) -> Any:
    """Return a parameter as the reader writes it: numbers and dates in the locale's format."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Decimal):
        return format_decimal(value, locale=lang)
    if isinstance(value, datetime):
        return format_date(value.date(), format="long", locale=lang)
    if isinstance(value, date):
        return format_date(value, format="long", locale=lang)
    return value


def translate(message: str, lang: str, /, **params: Any) -> str:
    """Return ``message`` in ``lang`` with its ``%(name)s`` placeholders filled."""
    text = catalogue(language([lang])).gettext(message)
    if not params:
        return text
    return text % {k: format_param(v, language([lang])) for k, v in params.items()}


# marshmallow's and webargs' own English messages, as msgids of the catalogue. Exact texts first, then the
# ones that carry values (captured by name and put back into the translation).
_FIELD_TEXTS = {
    N_("Missing data for required field."), N_("Field may not be null."), N_("Unknown field."),
    N_("Invalid input type."), N_("Invalid value."), N_("Not a valid string."), N_("Not a valid integer."),
    N_("Not a valid number."), N_("Not a valid boolean."), N_("Not a valid date."), N_("Not a valid datetime."),
    N_("Not a valid list."), N_("Not a valid mapping type."), N_("Not a valid email address."),
    N_("Not a valid URL."), N_("Not a valid UUID."), N_("Not a valid tuple."), N_("Number too large."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("String does not match expected pattern."),
}
_FIELD_PATTERNS = [
    (re.compile(r"^Must be one of: (?P<choices>.*)\.$"), N_("Must be one of: %(choices)s.")),
    (re.compile(r"^Length must be between (?P<min>\S+) and (?P<max>\S+)\.$"),
     N_("Length must be between %(min)s and %(max)s.")),
    (re.compile(r"^Length must be (?P<equal>\S+)\.$"), N_("Length must be %(equal)s.")),
    (re.compile(r"^Shorter than minimum length (?P<min>\S+)\.$"), N_("Shorter than minimum length %(min)s.")),
    (re.compile(r"^Longer than maximum length (?P<max>\S+)\.$"), N_("Longer than maximum length %(max)s.")),
    (re.compile(r"^Must be greater than or equal to (?P<min>\S+) and less than or equal to (?P<max>\S+)\.$"),
     N_("Must be greater than or equal to %(min)s and less than or equal to %(max)s.")),
    (re.compile(r"^Must be greater than or equal to (?P<min>\S+)\.$"), N_("Must be greater than or equal to %(min)s.")),
    (re.compile(r"^Must be less than or equal to (?P<max>\S+)\.$"), N_("Must be less than or equal to %(max)s.")),
    (re.compile(r"^Must be greater than (?P<min>\S+)\.$"), N_("Must be greater than %(min)s.")),
    (re.compile(r"^Must be less than (?P<max>\S+)\.$"), N_("Must be less than %(max)s.")),
]


def translate_field_reason(reason: str, lang: str) -> str:
    """Return one of marshmallow's English field messages in ``lang`` (other texts are translated as msgids)."""
    if reason in _FIELD_TEXTS:
        return translate(reason, lang)
    for pattern, message in _FIELD_PATTERNS:
        match = pattern.match(reason)
        if match:
            return translate(message, lang, **match.groupdict())
    return translate(reason, lang)
