"""How much of matching-dev's profile texts the profiles service lets leave (``public_text``), sentence by sentence.

    PYTHONPATH=. .venv/bin/python bench/free_text_kept.py ../shared/data/matching-dev [-v]

Prints the share of sentences and characters kept, and how many words of each kind were redacted; ``-v`` prints
every sentence marked KEEP or DROP after redaction, to read what leaves and what is withheld.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench.dataset import require_data
from services.profiles.domain.scrub import NAME, REDACTED, public_text, redact, scrub, sentences, talks_about_work


def main(argv=None) -> int:
    """Run the count and print it."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    require_data(args.data, "profiles.jsonl")
    rows = [json.loads(line) for line in (args.data / "profiles.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    total_s = kept_s = total_c = kept_c = redacted = names = 0
    for p in rows:
        text = p["summary"]
        cleaned = redact(scrub(text, country=p["current_country"]))
        parts = sentences(cleaned)
        out = public_text(text, country=p["current_country"])
        total_s += len(parts)
        kept_s += sum(talks_about_work(s) for s in parts)
        total_c, kept_c = total_c + len(text), kept_c + len(out)
        redacted, names = redacted + cleaned.count(REDACTED), names + cleaned.count(NAME)
        if args.verbose:
            print(f"== {p['id']} ({p['text_language']})")
            for s in parts:
                print(("   KEEP " if talks_about_work(s) else "   DROP ") + s)
    print(f"{len(rows)} profiles: sentences kept {kept_s}/{total_s} ({kept_s / total_s:.1%}), characters kept "
          f"{kept_c}/{total_c} ({kept_c / total_c:.1%}); {redacted} words redacted, {names} names")
    return 0


if __name__ == "__main__":
    sys.exit(main())
