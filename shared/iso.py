"""ISO 3166-1 alpha-2 country codes and ISO 4217 currency codes in use, from the CLDR data Babel ships.

Pure Python (Babel's data files only), so domain code may use it. The lists come from CLDR rather than
being typed here: CLDR follows ISO's changes and Babel is already how Puente formats numbers and dates.
"""

from __future__ import annotations

from datetime import date

from babel.core import get_global
from babel.numbers import get_territory_currencies

# CLDR region codes that are not ISO 3166-1 alpha-2 countries: codes ISO withdrew (Burma, Serbia and
# Montenegro, East Germany, the USSR, East Timor, South Yemen, Yugoslavia, Zaire), exceptionally reserved
# or CLDR-only areas (Ascension, Clipperton, Diego Garcia, Ceuta and Melilla, the Canary Islands, Tristan da
# Cunha, the European Union) and the unknown region. Kosovo (XK) stays: ISO leaves it user-assigned, but
# Kosovar passports and the rest of the world use it.
_NOT_COUNTRIES = frozenset({"BU", "CS", "DD", "SU", "TP", "YD", "YU", "ZR",
                            "AC", "CP", "DG", "EA", "IC", "TA", "EU", "ZZ"})

COUNTRIES: frozenset[str] = frozenset(
    code for code in get_global("territory_currencies") if len(code) == 2 and code.isalpha()) - _NOT_COUNTRIES


def currencies_in_use(on: date | None = None) -> frozenset[str]:
    """Return the ISO 4217 codes that are legal tender somewhere on ``on`` (today by default)."""
    on = on or date.today()
    return frozenset(c for country in COUNTRIES for c in get_territory_currencies(country, on, tender=True))


CURRENCIES: frozenset[str] = currencies_in_use()
