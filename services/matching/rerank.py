"""The re-ranker learned from placement outcomes: labels, features, the held-out comparison with the blend,
the port the matcher trains through, its scikit-learn adapter and a fake.

The blend stays the ranking until a model trained on outcomes beats it on outcomes it never saw. Features are
the blend's own components, so nothing reaches the model that the blend does not already use: matching's read
models hold no nationality, sex, age, disability or ethnicity, and ``FEATURES`` is the whole input.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import numpy as np

from services.matching.domain.readmodels import Placement

COMPONENTS = ("semantic", "occupation", "skills", "experience", "language", "location")
# Skills and experience do not apply to every pair (no required skills, no known years); the model is told so
# rather than reading a missing value as a zero.
FEATURES = (*COMPONENTS, "skills_applies", "experience_applies")
# An interview or a hire means the employer judged the pair a fit; a rejection means they did not. "applied"
# says nothing yet and "withdrawn" is the person's choice, not a judgement of fit, so both stay unlabelled.
POSITIVE = frozenset({"interviewed", "hired"})
NEGATIVE = frozenset({"rejected"})
VERSION_PREFIX = "rerank-"


@dataclass(frozen=True)
class Policy:
    """When to train and when a trained model may replace the blend."""

    min_outcomes: int = 200  # labelled pairs before any training
    min_per_class: int = 40  # of positives and of negatives, so neither class is a handful of anecdotes
    min_held_out_per_class: int = 10  # the comparison needs both classes among the held-out pairs
    held_out: float = 0.3  # share of profiles (not pairs) whose outcomes are kept for the comparison
    margin: float = 0.02  # ROC AUC the model must gain over the blend on held-out pairs
    confidence: float = 0.9  # and the lower bound of this two-sided bootstrap interval of the gain must be > 0
    resamples: int = 300  # bootstrap resamples of held-out profiles
    c: float = 1.0  # inverse regularisation strength of the logistic regression
    seed: int = 0


@dataclass(frozen=True)
class Example:
    """One labelled pair: the blend's components and score for it, and what happened."""

    profile_id: str
    vacancy_id: str
    parts: Mapping[str, float | None]
    blend: float
    label: int  # 1 positive, 0 negative


class Scorer(Protocol):
    """An adopted model: a probability of a good outcome (0..1) per pair's components."""

    version: str

    def score(self, parts: Sequence[Mapping[str, float | None]]) -> np.ndarray: ...


@dataclass(frozen=True)
class Decision:
    """What a training run found and whether its model replaces the blend."""

    adopted: bool
    reason: str  # adopted, too_few_outcomes, too_few_of_a_class, too_few_held_out, no_better_than_blend
    baseline: str  # the blend version the model was compared with (its features come from that blend)
    outcomes: int = 0
    positives: int = 0
    negatives: int = 0
    candidate_version: str | None = None  # the trained model's version, adopted or not
    train_pairs: int = 0
    held_out_pairs: int = 0
    blend_auc: float | None = None
    model_auc: float | None = None
    gain_low: float | None = None  # lower bound of the bootstrap interval of model_auc - blend_auc
    coefficients: Mapping[str, float] | None = None  # per standardised feature, for admins to read
    model: Scorer | None = field(default=None, compare=False, repr=False)

    def report(self) -> dict[str, Any]:
        """Return the decision as JSON-ready data (without the model object)."""
        out = {k: v for k, v in asdict(self).items() if k != "model"}
        out["coefficients"] = dict(self.coefficients) if self.coefficients is not None else None
        return out


class Reranker(Protocol):
    """Trains a model on labelled pairs and decides whether it replaces the blend."""

    policy: Policy

    def train(self, examples: Sequence[Example], baseline: str) -> Decision: ...


def label_pairs(placements: Iterable[Placement]) -> dict[tuple[str, str], int]:
    """Return one label per (profile, vacancy): 1 once it reached an interview or a hire, else 0 once rejected.

    Independent of the order outcomes arrive in, so a replay labels the same pairs the same way.
    """
    labels: dict[tuple[str, str], int] = {}
    for p in placements:
        pair = (p.profile_id, p.vacancy_id)
        if p.outcome in POSITIVE:
            labels[pair] = 1
        elif p.outcome in NEGATIVE:
            labels.setdefault(pair, 0)
    return labels


def features(parts: Mapping[str, float | None]) -> list[float]:
    """Return the model's input for one pair, in ``FEATURES`` order, rounded so a rebuild yields the same bytes."""
    row = [round(float(parts.get(name) or 0.0), 6) for name in COMPONENTS]
    row.append(0.0 if parts.get("skills") is None else 1.0)
    row.append(0.0 if parts.get("experience") is None else 1.0)
    return row


def is_held_out(profile_id: str, share: float) -> bool:
    """Return whether a profile's outcomes belong to the held-out side (by hash, so one person is on one side)."""
    bucket = int.from_bytes(hashlib.sha256(profile_id.encode()).digest()[:8], "big") / 2 ** 64
    return bucket < share


def _auc(y: np.ndarray, scores: np.ndarray, weights: np.ndarray | None = None) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, scores, sample_weight=weights))


class SklearnScorer:
    """A fitted scikit-learn pipeline behind the ``Scorer`` port."""

    def __init__(self, version: str, pipeline: Any):
        self.version, self.pipeline = version, pipeline

    def score(self, parts: Sequence[Mapping[str, float | None]]) -> np.ndarray:
        """Return the probability of a good outcome per pair."""
        if not parts:
            return np.zeros(0)
        return self.pipeline.predict_proba(np.array([features(p) for p in parts]))[:, 1]


class SklearnReranker:
    """Standardised logistic regression on the blend's components.

    Chosen over boosted trees: outcomes come by the hundreds, not the millions; its coefficients can be shown
    to an administrator as they are; and lbfgs on fixed rows gives the same model every time.
    """

    def __init__(self, policy: Policy | None = None):
        self.policy = policy or Policy()

    def params(self) -> dict[str, Any]:
        """Return everything besides the rows that decides the model (it goes into the version)."""
        import sklearn

        return {"model": "standard-scaler+logistic-regression", "c": self.policy.c, "seed": self.policy.seed,
                "held_out": self.policy.held_out, "features": FEATURES, "sklearn": sklearn.__version__}

    def train(self, examples: Sequence[Example], baseline: str) -> Decision:
        """Fit on the training profiles, compare with the blend on the held-out ones, adopt only a clear win."""
        policy = self.policy
        rows = sorted(examples, key=lambda e: (e.profile_id, e.vacancy_id))
        y = np.array([e.label for e in rows], dtype=int)
        counts = {"baseline": baseline, "outcomes": len(rows), "positives": int(y.sum()),
                  "negatives": int(len(y) - y.sum())}
        if len(rows) < policy.min_outcomes:
            return Decision(False, "too_few_outcomes", **counts)
        if min(counts["positives"], counts["negatives"]) < policy.min_per_class:
            return Decision(False, "too_few_of_a_class", **counts)
        x = np.array([features(e.parts) for e in rows])
        held = np.array([is_held_out(e.profile_id, policy.held_out) for e in rows])
        sides = {"train_pairs": int((~held).sum()), "held_out_pairs": int(held.sum())}
        if min(int(y[held].sum()), int((1 - y[held]).sum()), int(y[~held].sum()), int((1 - y[~held]).sum())
               ) < policy.min_held_out_per_class:
            return Decision(False, "too_few_held_out", **counts, **sides)

        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        pipeline = make_pipeline(StandardScaler(), LogisticRegression(C=policy.c, max_iter=1000,
                                                                      random_state=policy.seed))
        pipeline.fit(x[~held], y[~held])
        digest = hashlib.sha256(json.dumps({
            "baseline": baseline, "params": self.params(),
            "rows": [[e.profile_id, e.vacancy_id, *r, e.label, bool(h)]
                     for e, r, h in zip(rows, x.tolist(), held.tolist(), strict=True)],
        }, sort_keys=True).encode()).hexdigest()
        version = f"{VERSION_PREFIX}{digest[:12]}"

        y_held, model_scores = y[held], pipeline.predict_proba(x[held])[:, 1]
        blend_scores = np.array([e.blend for e, h in zip(rows, held, strict=True) if h])
        blend_auc, model_auc = _auc(y_held, blend_scores), _auc(y_held, model_scores)
        gain_low = self._gain_low([e.profile_id for e, h in zip(rows, held, strict=True) if h], y_held,
                                  model_scores, blend_scores)
        adopted = model_auc - blend_auc >= policy.margin and gain_low > 0
        coefficients = dict(zip(FEATURES, (round(float(c), 4) for c in pipeline[-1].coef_[0]), strict=True))
        return Decision(adopted, "adopted" if adopted else "no_better_than_blend", **counts, **sides,
                        candidate_version=version, blend_auc=round(blend_auc, 4), model_auc=round(model_auc, 4),
                        gain_low=round(gain_low, 4), coefficients=coefficients,
                        model=SklearnScorer(version, pipeline) if adopted else None)

    def _gain_low(self, profile_ids: list[str], y: np.ndarray, model: np.ndarray, blend: np.ndarray) -> float:
        # Resample whole profiles, not pairs: one person's outcomes move together, and resampling them apart
        # would make the interval look narrower than it is.
        people = {p: i for i, p in enumerate(sorted(set(profile_ids)))}
        member = np.array([people[p] for p in profile_ids])
        rng = np.random.default_rng(self.policy.seed)
        gains = []
        for _ in range(self.policy.resamples):
            weights = np.bincount(rng.integers(0, len(people), len(people)), minlength=len(people))[member]
            if not (weights * y).any() or not (weights * (1 - y)).any():
                continue
            gains.append(weighted_auc(y, model, weights) - weighted_auc(y, blend, weights))
        if not gains:
            return 0.0
        return float(np.quantile(gains, (1 - self.policy.confidence) / 2))


def weighted_auc(y: np.ndarray, scores: np.ndarray, weights: np.ndarray) -> float:
    """Return the ROC AUC of scores with a weight per pair, ties counting half, as ``roc_auc_score`` computes it.

    Written out because the bootstrap calls it hundreds of times and the library's checks cost ~100x the sum.
    """
    levels, level = np.unique(scores, return_inverse=True)
    pos = np.bincount(level, weights=weights * y, minlength=len(levels))
    neg = np.bincount(level, weights=weights * (1 - y), minlength=len(levels))
    below = np.cumsum(neg) - neg  # negative weight scored strictly lower than each level
    return float((pos * (below + neg / 2)).sum() / (pos.sum() * neg.sum()))


class FakeReranker:
    """Adopts a model that scores by one component once it has ``min_outcomes`` examples; records each call."""

    def __init__(self, component: str = "skills", *, min_outcomes: int = 1, version: str = "rerank-fake"):
        self.policy = Policy(min_outcomes=min_outcomes, min_per_class=0)
        self.component, self.version = component, version
        self.calls: list[list[Example]] = []

    def score(self, parts: Sequence[Mapping[str, float | None]]) -> np.ndarray:
        """Return the chosen component of each pair (0 where it does not apply)."""
        return np.array([float(p.get(self.component) or 0.0) for p in parts])

    def train(self, examples: Sequence[Example], baseline: str) -> Decision:
        """Adopt this fake's scorer when there are enough examples."""
        self.calls.append(list(examples))
        labels = [e.label for e in examples]
        counts = {"baseline": baseline, "outcomes": len(labels), "positives": sum(labels),
                  "negatives": len(labels) - sum(labels)}
        if len(examples) < self.policy.min_outcomes:
            return Decision(False, "too_few_outcomes", **counts)
        return Decision(True, "adopted", **counts, candidate_version=self.version, model=self)
