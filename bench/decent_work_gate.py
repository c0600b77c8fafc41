"""Measure the decent-work gate on labelled vacancies: recall of planted violations and false holds.

Usage: python -m bench.decent_work_gate PATH/vacancies.jsonl [--as-of 2025-08-01] [--show]

Each line is a vacancy with ``decent_work`` either "ok" or {"flag": ...}. The gate sees what an employer
would submit (text, country, pay, hours, contract; never the label) and is judged as of ``--as-of``, the
date the labels' wage figures belong to. A simple keyword baseline runs beside it on the same lines.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

from bench.dataset import require_data
from services.vacancies.domain.gate import DecentWorkGate
from services.vacancies.domain.model import CONTRACT_TYPES, Draft, Pay
from shared.text import fold

# Which finding codes count as finding each labelled violation (for the "right reason" figure).
EXPECTED = {
    "below_minimum_wage": {"pay_below_minimum"},
    "worker_pays_fees": {"worker_pays_fees"},
    "document_retention": {"document_retention"},
    "discriminatory_requirement": {"discrimination_nationality", "discrimination_sex", "discrimination_age",
                                   "discrimination_family", "discrimination_disability"},
    "excessive_hours": {"hours_over_maximum", "no_weekly_rest"},
    "no_contract_unpaid_trial": {"unpaid_trial", "informal_no_contract"},
}
BASELINE_WORDS = ("pasaporte", "passaporte", "passport", "pagar", "abonar", "pay a", "prueba", "teste", "trial",
                  "solo ", "apenas ", "only ", "sin planilla", "sin contrato", "sem carteira", "informal", "efectivo")


def to_draft(row: dict) -> Draft:
    """Map a labelled line to what an employer would submit (the label and the true ISCO code stay out)."""
    salary = row["salary"]
    return Draft(title=row["title"], description=row["description"], language=row["language"],
                 country=row["country"], city=row.get("city"),
                 pay=Pay(float(salary["amount"]), salary["currency"], salary["period"]),
                 hours_per_week=float(row["hours_per_week"]),
                 contract_type=row["contract"] if row["contract"] in CONTRACT_TYPES else "other",
                 licence_required=bool(row.get("requires_licence")))


def baseline_holds(row: dict) -> bool:
    """Hold when any of a fixed list of suspicious words appears (the naive approach)."""
    text = fold(f"{row['title']} {row['description']}")
    return any(word in text for word in BASELINE_WORDS)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("path", type=Path)
    p.add_argument("--as-of", type=date.fromisoformat, default=date(2025, 8, 1))
    p.add_argument("--show", action="store_true", help="print every miss and false hold")
    args = p.parse_args(argv)
    require_data(args.path)
    rows = [json.loads(line) for line in args.path.read_text(encoding="utf-8").splitlines() if line.strip()]
    gate = DecentWorkGate()
    started = time.perf_counter()
    results = [(row, gate.check(to_draft(row), args.as_of)) for row in rows]
    elapsed = time.perf_counter() - started

    planted = [(r, g) for r, g in results if r["decent_work"] != "ok"]
    clean = [(r, g) for r, g in results if r["decent_work"] == "ok"]
    caught = [(r, g) for r, g in planted if g.holds]
    right = [(r, g) for r, g in planted
             if {f.code for f in g.findings if f.severity == "hold"} & EXPECTED[r["decent_work"]["flag"]]]
    false_holds = [(r, g) for r, g in clean if g.holds]
    warned = [(r, g) for r, g in clean if not g.holds and g.findings]
    b_caught = sum(baseline_holds(r) for r, _ in planted)
    b_false = sum(baseline_holds(r) for r, _ in clean)

    print(f"decent-work gate on {args.path} as of {args.as_of}: {len(rows)} vacancies, "
          f"{len(planted)} with a planted violation, {len(clean)} clean")
    print(f"gate      recall {len(caught)}/{len(planted)} = {len(caught) / len(planted):.1%} "
          f"(right reason {len(right)}/{len(planted)} = {len(right) / len(planted):.1%}); "
          f"false holds {len(false_holds)}/{len(clean)} = {len(false_holds) / len(clean):.1%}; "
          f"clean with warnings only {len(warned)}; {1000 * elapsed / len(rows):.2f} ms a vacancy")
    print(f"baseline  recall {b_caught}/{len(planted)} = {b_caught / len(planted):.1%}; "
          f"false holds {b_false}/{len(clean)} = {b_false / len(clean):.1%} (keyword list)")
    per_flag = Counter(r["decent_work"]["flag"] for r, _ in planted)
    per_flag_caught = Counter(r["decent_work"]["flag"] for r, _ in caught)
    print("per violation: " + ", ".join(f"{k} {per_flag_caught[k]}/{v}" for k, v in sorted(per_flag.items())))
    codes = Counter(f.code for _, g in results for f in g.findings)
    print("findings: " + ", ".join(f"{k} {v}" for k, v in codes.most_common()))
    if args.show:
        for r, g in planted:
            if not g.holds:
                print(f"MISSED {r['id']} {r['decent_work']['flag']}: {r['title']}")
        for r, g in false_holds + warned:
            print(f"{'FALSE HOLD' if g.holds else 'WARNED'} {r['id']}: "
                  + "; ".join(f"{f.code} {f.params}" for f in g.findings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
