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

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, get_decimal_symbol, get_group_symbol
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


def format_money(amount: float | Decimal, currency: str, lang: str) -> str:
    """Return an amount of money as the reader writes it: "1.700.000 COP" (es), "COP 1,700,000" (en), "R$ 2.200"
    (pt); cents only when there are some."""
    lang = language([lang])
    value = Decimal(str(amount))
    whole = value == value.to_integral_value()
    pattern = Locale.parse(lang).currency_formats["standard"].pattern
    if whole:
        pattern = re.sub(r"\.0+", "", pattern)
    text = format_currency(value, currency, format=pattern, locale=lang, currency_digits=not whole)
    # CLDR sets a currency code apart from the digits (babel does not): "COP1,700,000" -> "COP 1,700,000".
    return re.sub(r"(?<=[A-Z])(?=\d)|(?<=\d)(?=[A-Z])", "\u00a0", text)


_SPACES = re.compile(r"[\s\u00a0\u202f]")


def read_number(text: str, lang: str) -> Decimal:
    """Return the number a person typed the way ``lang`` writes numbers, or raise ValueError rather than guess.

    Spanish and Portuguese read "1.500.000", "1500000" and "42,5"; English reads "1,500,000" and "42.5"; spaces
    may group thousands in every language ("1 500 000"). Groups must have three digits, so "42.5" in Spanish or
    "42,5" in English is refused instead of being read as 425; so are exponents, NaN and other scripts' digits.
    """
    lang = language([lang])
    group, decimal = get_group_symbol(lang), get_decimal_symbol(lang)
    value = _SPACES.sub(" ", text.strip())
    groups = "|".join(re.escape(g) for g in {" ", _SPACES.sub(" ", group)})
    match = re.fullmatch(rf"([+-]?)([0-9]{{1,3}}(?:(?:{groups})[0-9]{{3}})+|[0-9]+)(?:{re.escape(decimal)}([0-9]+))?",
                         value)
    if match is None:
        raise ValueError(f"{text!r} is not a number written the {lang} way")
    sign, whole, fraction = match.groups()
    return Decimal(sign + re.sub(r"[^0-9]", "", whole) + ("." + fraction if fraction else ""))


# Pay with its period, one sentence per period so each language can word it its own way.
PAY_PER_PERIOD = {"hour": N_("%(amount)s an hour"), "day": N_("%(amount)s a day"), "week": N_("%(amount)s a week"),
                  "month": N_("%(amount)s a month"), "year": N_("%(amount)s a year")}


def format_pay(amount: float | Decimal, currency: str, period: str, lang: str) -> str:
    """Return pay as the reader says it: "1.700.000 COP al mes" (es), "COP 1,700,000 a month" (en)."""
    money = format_money(amount, currency, lang)
    message = PAY_PER_PERIOD.get(period)
    return translate(message, lang, amount=money) if message else f"{money} / {period}"


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
