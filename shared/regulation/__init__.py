"""Which occupations need a licence or a recognised title, country by country.

``regulated_occupations.json`` beside this file is generated from the credentials service's rulebooks
(``scripts/regulated_occupations.py``; a test fails when the two drift), so any service may read the facts
without importing another service's code. Guidance, as the rulebooks are: a licensing body decides.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

DATA_FILE = Path(__file__).resolve().parent / "regulated_occupations.json"


@dataclass(frozen=True)
class Regulation:
    """Per country (ISO 3166-1 alpha-2), the ISCO-08 unit groups only a licence opens, with their profession."""

    version: str
    countries: Mapping[str, Mapping[str, str]]

    def profession(self, country: str, isco: str | None) -> str | None:
        """Return the regulated profession ``isco`` belongs to in ``country`` (e.g. "nursing"), or None."""
        if not isco:
            return None
        return self.countries.get(country, {}).get(isco)

    def is_regulated(self, country: str, isco: str | None) -> bool:
        """Return whether practising ``isco`` in ``country`` needs a licence or a recognised title."""
        return self.profession(country, isco) is not None


@cache
def load_regulation(path: str | Path | None = None) -> Regulation:
    """Return the regulation facts (the shipped file by default)."""
    doc = json.loads(Path(path or DATA_FILE).read_text(encoding="utf-8"))
    countries = {code: MappingProxyType(dict(c["occupations"])) for code, c in doc["countries"].items()}
    return Regulation(doc["rules_version"], MappingProxyType(countries))
