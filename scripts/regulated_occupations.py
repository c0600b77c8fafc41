"""Write shared/regulation/regulated_occupations.json from the credentials service's rulebooks.

    PYTHONPATH=. .venv/bin/python scripts/regulated_occupations.py          # write the file
    PYTHONPATH=. .venv/bin/python scripts/regulated_occupations.py --check  # exit 1 when it is out of date

The rulebooks (services/credentials/rules/*.yaml) say which professions each destination regulates and which
ISCO-08 unit groups only a licence opens. Services never import each other's code, so the facts matching
needs (is this occupation regulated in this country?) live in a small data file under shared/ that both may
read; tests/unit/test_regulation.py fails when it drifts from the rulebooks.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from services.credentials.domain.rules import load_rulebook
from shared.regulation import DATA_FILE


def build() -> dict:
    """Return the file's content: per destination, each regulated ISCO-08 unit group and its profession."""
    rules = load_rulebook()
    occupations = {name: p["occupations"] for name, p in rules.common["professions"].items()}
    countries = {}
    for code, destination in sorted(rules.destinations.items()):
        regulated: dict[str, str] = {}
        for profession in sorted(destination.professions):
            for isco in occupations[profession]:
                if regulated.setdefault(isco, profession) != profession:
                    raise SystemExit(f"{code}: {isco} belongs to both {regulated[isco]} and {profession}")
        countries[code] = {"reviewed": destination.reviewed, "occupations": dict(sorted(regulated.items()))}
    return {"generated_from": "services/credentials/rules (scripts/regulated_occupations.py)",
            "rules_version": rules.version, "countries": countries}


def render(data: dict) -> str:
    """Return the file's text as it is committed."""
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def main(argv=None) -> int:
    """Write the file, or with --check say whether it is current."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 when the committed file is out of date")
    args = ap.parse_args(argv)
    text = render(build())
    path = Path(DATA_FILE)
    if args.check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            print(f"{path} is out of date: run scripts/regulated_occupations.py", file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
