"""Use cases: apply events to the read models and the indexes, rank, and find new strong matches."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from services.matching.domain.audit import audit_report
from services.matching.domain.concepts import ConceptBridge, profile_document, vacancy_document
from services.matching.domain.explanation import blockers_out, explain, person_language
from services.matching.domain.messages import ELIGIBLE_ONLY, PROFILE_NOT_FOUND, VACANCY_NOT_FOUND
from services.matching.domain.readmodels import ProfileView, VacancyView
from services.matching.domain.scoring import BLEND_VERSION, STRONG, Match, Weights, assess, order
from services.matching.events import credential_view, placement_outcome, profile_view, vacancy_view
from services.matching.index import VectorIndex
from services.matching.ports import ReadModels, ReadModelStore
from services.matching.rerank import Decision, Example, Reranker, Scorer, label_pairs
from shared.auth import Principal
from shared.encoders import CachedEncoder
from shared.errors import BadRequest, Forbidden, Invalid, NotFound
from shared.i18n import DEFAULT_LANGUAGE
from shared.pagination import BAD_CURSOR, decode_cursor, encode_cursor
from shared.published.credentials import CredentialAssessed
from shared.published.placements import PlacementRecordedV1
from shared.published.profiles import ProfilePublished
from shared.published.vacancies import VacancyPublished


@dataclass(frozen=True)
class Suggestion:
    """A new strong match to announce."""

    profile_id: str
    vacancy_id: str
    score: float
    eligible: bool
    model_version: str


def _newer(stored: str | None, incoming: str) -> bool:
    # ISO timestamps from one producer compare as instants only after parsing (offsets may differ).
    if not stored:
        return True
    return datetime.fromisoformat(incoming) >= datetime.fromisoformat(stored)


class MatchingService:
    """Keeps indexes in step with the read models and ranks pairs with the blend, or with the re-ranker learned
    from placement outcomes once it beats the blend on held-out outcomes."""

    def __init__(self, taxonomy: Any, embedder: CachedEncoder, vacancy_index: VectorIndex, profile_index: VectorIndex,
                 *, weights: Weights | None = None, bridge: ConceptBridge | None = None, pool: int = 400,
                 strong: float = STRONG, today: Callable[[], date] = lambda: datetime.now(UTC).date(),
                 reranker: Reranker | None = None, model_refresh_s: float = 60.0,
                 clock: Callable[[], float] = time.monotonic, read_models: ReadModels | None = None):
        self.taxonomy, self.embedder = taxonomy, embedder
        self.vacancy_index, self.profile_index = vacancy_index, profile_index
        self.weights = weights or Weights()
        self.bridge = bridge if bridge is not None else ConceptBridge(taxonomy, embedder)
        self.pool, self.strong, self.today = pool, strong, today
        self.read_models = read_models  # opens stores for the queries (matches_for, audit_for, model)
        self._loaded_revision: int | None = None
        # The consumer thread writes the indexes while request threads read them (embedded mode, tests).
        self._lock = threading.RLock()
        digest = hashlib.sha256(json.dumps(self.weights.__dict__, sort_keys=True).encode()).hexdigest()[:8]
        self.blend_version = f"{BLEND_VERSION}+{digest}+{embedder.name}"
        # Re-ranker state: replaced whole (one assignment), so a ranking reads one consistent model.
        self.reranker, self.model_refresh_s, self.clock = reranker, model_refresh_s, clock
        self.decision: Decision | None = None
        self._model: Scorer | None = None
        self._rows_digest: str | None = None
        self._model_checked: float | None = None
        self._train_lock = threading.Lock()

    @property
    def model_version(self) -> str:
        """Return the version of what ranks now: the adopted re-ranker's, else the blend's."""
        model = self._model
        return model.version if model is not None else self.blend_version

    # -- events in --------------------------------------------------------------------------------
    def apply_profiles(self, store: ReadModelStore, events: Sequence[ProfilePublished]) -> list[ProfileView]:
        """Store published profiles (newest wins), inferring concepts and encoding all new texts in one batch."""
        latest: dict[str, ProfileView] = {}
        for event in events:
            view = profile_view(event)
            known = latest.get(view.profile_id) or store.get_profile(view.profile_id)
            if known is None or _newer(known.updated_at, view.updated_at):
                latest[view.profile_id] = view
        views = list(latest.values())
        if not views:
            return []
        inferred = self.bridge.profile_occupations([v.text for v in views], [v.text_language for v in views])
        views = [replace(v, inferred_occupations=occ, inferred_skills=self.bridge.skills(v.text, v.text_language))
                 for v, occ in zip(views, inferred, strict=True)]
        vectors = self.embedder.encode([profile_document(v, self.taxonomy) for v in views], kind="query")
        for view, vector in zip(views, vectors, strict=True):
            store.put_profile(view, vector)
        with self._lock:
            self.profile_index.upsert([v.profile_id for v in views], vectors)
        return views

    def withdraw_profile(self, store: ReadModelStore, profile_id: str) -> None:
        """Forget a profile: matching keeps nothing of a person who left, not even the cached vectors of their
        texts (computed again from the read model, which is all matching has of them)."""
        view = store.get_profile(profile_id)
        store.delete_profile(profile_id)
        with self._lock:
            self.profile_index.remove([profile_id])
        self._model_checked = None  # their outcomes went with them: retrain without them at the next sync
        if view is not None:
            texts = [profile_document(view, self.taxonomy), *self.bridge.encoded_profile_texts(view.text)]
            self.embedder.forget(texts, kind="query")

    def apply_vacancies(self, store: ReadModelStore, events: Sequence[VacancyPublished]) -> list[VacancyView]:
        """Store published vacancies (newest state wins) and encode their texts in one batch."""
        latest: dict[str, VacancyView] = {}
        for event in events:
            view = vacancy_view(event)
            known = latest.get(view.vacancy_id) or store.get_vacancy(view.vacancy_id)
            if known is None or _newer(known.changed_at, view.changed_at):
                latest[view.vacancy_id] = view
        # A vacancy published without a code (a bulk feed, an older producer) still meets people through one.
        views = [v if v.occupation else replace(v, occupation=self.bridge.vacancy_occupation(
            v.title, v.description, v.language)) for v in latest.values()]
        if not views:
            return []
        vectors = self.embedder.encode([vacancy_document(v, self.taxonomy) for v in views], kind="passage")
        for view, vector in zip(views, vectors, strict=True):
            store.put_vacancy(view, vector)
        with self._lock:
            self.vacancy_index.upsert([v.vacancy_id for v in views], vectors)
        return views

    def change_vacancy_status(self, store: ReadModelStore, vacancy_id: str, status: str, at: str,
                              employer_id: str | None = None, country: str | None = None) -> None:
        """Mark a vacancy held or closed (if this is the newest news of it) and take it out of the index."""
        known = store.get_vacancy(vacancy_id)
        if known is not None and not _newer(known.changed_at, at):
            return
        if known is None:  # held before we saw it published: remember it so a late, older publish cannot open it
            known = VacancyView(vacancy_id=vacancy_id, employer_id=employer_id or "", status=status,
                                country=country or "ZZ")
        store.put_vacancy(replace(known, status=status, changed_at=at), None)
        with self._lock:
            self.vacancy_index.remove([vacancy_id])

    def apply_credentials(self, store: ReadModelStore, events: Sequence[CredentialAssessed]) -> None:
        """Store credential assessments (newest per credential wins)."""
        for event in events:
            store.put_credential(credential_view(event))

    def apply_placements(self, store: ReadModelStore, events: Sequence[PlacementRecordedV1], *,
                         retrain: bool = True) -> None:
        """Store placement outcomes for the re-ranker and the fairness audit, then retrain on them (a rebuild
        passes ``retrain=False`` and trains once at the end)."""
        for event in events:
            store.put_placement(placement_outcome(event))
        if retrain:
            self.refresh_model(store)

    # -- re-ranker --------------------------------------------------------------------------------
    def refresh_model(self, store: ReadModelStore, *, wait: bool = True) -> Decision | None:
        """Retrain on the stored outcomes when they (or the pairs' components) changed; adopt the model only
        when it beats the blend on held-out outcomes, else rank with the blend. None without a re-ranker;
        with ``wait=False``, the current decision at once when another thread is already training."""
        if self.reranker is None:
            return None
        if not self._train_lock.acquire(blocking=wait):
            return self.decision
        try:
            self._model_checked = self.clock()
            examples = self.examples(store)
            digest = hashlib.sha256(json.dumps(
                [[e.profile_id, e.vacancy_id, e.label, e.blend, sorted(e.parts.items())] for e in examples]
            ).encode()).hexdigest()
            if digest == self._rows_digest and self.decision is not None:
                return self.decision
            decision = self.reranker.train(examples, self.blend_version)
            self.decision, self._rows_digest = decision, digest
            self._model = decision.model if decision.adopted else None
            return decision
        finally:
            self._train_lock.release()

    def examples(self, store: ReadModelStore) -> list[Example]:
        """Return the labelled pairs whose profile and vacancy matching still knows, with the blend's view of
        each as it would rank them today (ordered by ids, so a rebuild builds the same rows)."""
        labels = label_pairs(store.placements())
        if not labels:
            return []
        profile_ids = sorted({p for p, _ in labels})
        vacancy_ids = sorted({v for _, v in labels})
        profiles = {p.profile_id: p for p in store.profiles(profile_ids)}
        vacancies = {v.vacancy_id: v for v in store.vacancies(vacancy_ids) if v.title}
        profile_vectors = dict(store.vectors("profile", profile_ids))
        vacancy_vectors = dict(store.vectors("vacancy", vacancy_ids))
        # A filled vacancy is closed and out of the index, yet its outcomes teach the most: its text is
        # unchanged, so the embedding cache gives its vector back without encoding it again.
        closed = [v for v in sorted(vacancies) if v not in vacancy_vectors]
        if closed:
            vectors = self.embedder.encode([vacancy_document(vacancies[v], self.taxonomy) for v in closed],
                                          kind="passage")
            vacancy_vectors.update(zip(closed, vectors, strict=True))
        credentials = store.credentials(profile_ids)
        today = self.today()
        out = []
        for (profile_id, vacancy_id), label in sorted(labels.items()):
            profile, vacancy = profiles.get(profile_id), vacancies.get(vacancy_id)
            if profile is None or vacancy is None or profile_id not in profile_vectors:
                continue
            cosine = float(np.dot(profile_vectors[profile_id], vacancy_vectors[vacancy_id]))
            m = assess(profile, vacancy, credentials.get(profile_id, []), cosine, self.taxonomy, self.weights,
                       today, self.blend_version)
            out.append(Example(profile_id, vacancy_id, dict(m.parts), m.score, label))
        return out

    def model_report(self) -> dict[str, Any]:
        """Return what ranks now and, for admins, the last training's held-out comparison with the blend."""
        decision = self.decision
        if self.reranker is None:
            state = "disabled"
        elif decision is None or decision.candidate_version is None:
            state = "not_trained"
        else:
            state = "adopted" if decision.adopted else "blend_kept"
        policy = self.reranker.policy if self.reranker is not None else None
        return {"model_version": self.model_version, "blend_version": self.blend_version, "state": state,
                "training": decision.report() if decision is not None else None,
                "policy": None if policy is None else {
                    "min_outcomes": policy.min_outcomes, "min_per_class": policy.min_per_class,
                    "held_out": policy.held_out, "margin": policy.margin, "confidence": policy.confidence}}

    def _rank(self, matches: list[Match], by: str) -> list[Match]:
        # The blend decides what is no match at all (the plausibility cut is on its scale); an adopted model
        # then only reorders what is left, by the same usefulness rule.
        w = self.weights
        kept = order(matches, by=by, plausible=w.plausible, relative=w.plausible_relative, blocked=w.blocked)
        model = self._model
        if model is None or not kept:
            return kept
        scores = model.score([m.parts for m in kept])
        return order([replace(m, score=round(min(1.0, max(0.0, float(s))), 6), model_version=model.version)
                      for m, s in zip(kept, scores, strict=True)], by=by, blocked=w.blocked)

    # -- index ------------------------------------------------------------------------------------
    def sync(self, store: ReadModelStore) -> None:
        """Bring the indexes up to the store's revision: only the rows changed since the last sync, or all
        of them the first time and after a rebuild."""
        self._sync_index(store)
        # Outcomes reach another process's matcher only through the store: look again every model_refresh_s.
        checked = self._model_checked
        if self.reranker is not None and (checked is None or self.clock() - checked >= self.model_refresh_s):
            self.refresh_model(store, wait=False)

    def _sync_index(self, store: ReadModelStore) -> None:
        with self._lock:
            if self._loaded_revision is None:
                self._reload(store)
                return
            revision, changed = store.changes_since(self._loaded_revision)
            if revision == self._loaded_revision:
                return
            if ("reset", "*") in changed:
                self._reload(store)
                return
            for kind, index in (("vacancy", self.vacancy_index), ("profile", self.profile_index)):
                ids = sorted(i for k, i in changed if k == kind)
                if not ids:
                    continue
                found = store.vectors(kind, ids)
                index.remove(sorted(set(ids) - {i for i, _ in found}))
                if found:
                    index.upsert([i for i, _ in found], np.stack([v for _, v in found]))
            self._loaded_revision = revision

    def _reload(self, store: ReadModelStore) -> None:
        revision = store.revision()
        for kind, index in (("vacancy", self.vacancy_index), ("profile", self.profile_index)):
            rows = store.vectors(kind)
            index.clear()
            if rows:
                index.upsert([i for i, _ in rows], np.stack([v for _, v in rows]))
        self._loaded_revision = revision

    def reset(self) -> None:
        """Empty the indexes (before a replay) and forget what was loaded."""
        with self._lock:
            self.vacancy_index.clear()
            self.profile_index.clear()
            self._loaded_revision = None
            # The store is being emptied: rank with the blend until the replayed outcomes train a model again.
            self.decision, self._model, self._rows_digest, self._model_checked = None, None, None, None

    # -- ranking ----------------------------------------------------------------------------------
    def for_profile(self, store: ReadModelStore, profile_id: str) -> list[Match] | None:
        """Rank the open vacancies for a profile by usefulness (see ``order``); None when the profile is unknown."""
        pairs = self.profile_pairs(store, profile_id)
        if pairs is None:
            return None
        return self._rank([match for match, _ in pairs], by="vacancy_id")

    def profile_pairs(self, store: ReadModelStore, profile_id: str) -> list[tuple[Match, float]] | None:
        """Return every pair ``for_profile`` ranks, assessed with the service's weights and not yet ordered, each
        with its cosine (a benchmark re-scores them under other weights); None when the profile is unknown."""
        profile = store.get_profile(profile_id)
        if profile is None:
            return None
        query = self._vector(store, "profile", profile_id)
        with self._lock:
            near = dict(self.vacancy_index.search(query, self.pool)) if query is not None else {}
        prefixes = {c[:3] for c in (*profile.occupations, *profile.desired, *profile.inferred_occupations)}
        pool = {v.vacancy_id: v for v in store.vacancies(near)}
        pool.update({v.vacancy_id: v for v in store.vacancies(occupation_prefixes=prefixes)})
        pool = {k: v for k, v in pool.items() if v.status == "open"}
        missing = [k for k in pool if k not in near]
        if query is not None and missing:
            with self._lock:
                near.update(self.vacancy_index.similarity(query, missing))
        credentials = store.credentials([profile_id]).get(profile_id, [])
        today = self.today()
        return [(assess(profile, v, credentials, near.get(k, 0.0), self.taxonomy, self.weights, today,
                        self.blend_version), near.get(k, 0.0)) for k, v in pool.items()]

    def for_vacancy(self, store: ReadModelStore, vacancy_id: str, *, introductions_only: bool = False
                    ) -> list[Match] | None:
        """Rank candidate profiles for an open vacancy; None when the vacancy is unknown or not open."""
        vacancy = store.get_vacancy(vacancy_id)
        if vacancy is None or vacancy.status != "open":
            return None
        query = self._vector(store, "vacancy", vacancy_id)
        with self._lock:
            near = dict(self.profile_index.search(query, self.pool)) if query is not None else {}
        profiles = [p for p in store.profiles(near) if not introductions_only or p.introductions]
        credentials = store.credentials([p.profile_id for p in profiles])
        today = self.today()
        matches = [assess(p, vacancy, credentials.get(p.profile_id, []), near.get(p.profile_id, 0.0),
                          self.taxonomy, self.weights, today, self.blend_version) for p in profiles]
        return self._rank(matches, by="profile_id")

    def _vector(self, store: ReadModelStore, kind: str, id_: str) -> np.ndarray | None:
        return dict(store.vectors(kind, [id_])).get(id_)

    # -- fairness audit ---------------------------------------------------------------------------
    def audit(self, store: ReadModelStore, *, by: str, top: int = 10, min_group: int = 5) -> dict[str, Any]:
        """Return exposure (share of top-``top`` slots over every open vacancy's ranking) and placement rates
        per group of the profiles, as ``audit_report`` computes them."""
        vacancy_ids = [i for i, _ in store.vectors("vacancy")]
        slots: list[str] = []
        for vacancy_id in vacancy_ids:
            slots.extend(m.profile_id for m in (self.for_vacancy(store, vacancy_id) or [])[:top])
        groups = audit_report(slots, store.profiles(), store.placements(), by=by, min_group=min_group)
        return {"by": by, "top": top, "vacancies": len(vacancy_ids), "slots": len(slots), "min_group": min_group,
                "groups": groups, "model_version": self.model_version}

    # -- new strong matches -----------------------------------------------------------------------
    def suggestions(self, store: ReadModelStore, *, profiles: Iterable[str] = (), vacancies: Iterable[str] = (),
                    top: int = 5) -> list[Suggestion]:
        """Return eligible pairs at or above the strong threshold not announced before (and mark them)."""
        out = []
        ranked: list[Match] = []
        for pid in profiles:
            ranked.extend([m for m in self.for_profile(store, pid) or [] if m.eligible][:top])
        for vid in vacancies:
            ranked.extend([m for m in self.for_vacancy(store, vid) or [] if m.eligible][:top])
        for m in ranked:
            if m.eligible and m.score >= self.strong and store.claim_suggestion(m.profile_id, m.vacancy_id):
                out.append(Suggestion(m.profile_id, m.vacancy_id, m.score, True, m.model_version))
        return out

    # -- queries ----------------------------------------------------------------------------------
    def matches_for(self, principal: Principal, *, profile: str | None = None, vacancy: str | None = None,
                    cursor: str | None = None, limit: int = 20, lang: str | None = None,
                    eligible: bool | None = None, min_score: float | None = None) -> RankedPage:
        """Return one page of open vacancies ranked for a profile (its centre's counsellors, admins), or of
        candidates ranked for an open vacancy (counsellors, admins, its employer), in the order of ``order``.

        ``eligible`` keeps only the eligible (True) or only the blocked (False) items, and ``min_score`` only
        those scoring at least that; both apply after the ranking's own relevance floor, so a filtered page is
        never padded with pairs that were no match. Employers see only eligible candidates who consented to
        introductions: a person's situation is the counsellor's business, not the employer's.

        Explanations are written in ``lang``; without one, a ranking of jobs is written in the person's language
        (``explanation.person_language``) and a ranking of candidates in English. A ranking of jobs also
        carries each explanation in the person's language under ``read_aloud`` when ``lang`` is another.

        Raises BadRequest for a cursor this API did not issue, NotFound for an unknown profile or a vacancy that
        is unknown or not open, Forbidden for an employer asking for blocked candidates, and
        ``shared.auth.Forbidden`` for anyone else.
        """
        offset = _offset(cursor)
        with self._reading() as store:
            self.sync(store)
            if profile is not None:
                principal.require("counsellor", "admin")
                found = store.get_profile(profile)
                if found is None:
                    raise NotFound("profile_not_found", PROFILE_NOT_FOUND)
                principal.require("counsellor", "admin", org=found.centre)
                ranked = self.for_profile(store, found.profile_id) or []
                vacancies = {v.vacancy_id: v for v in store.vacancies([m.vacancy_id for m in ranked])}
                key = "vacancy_id"
                aloud = person_language(found)
                lang = lang or aloud or DEFAULT_LANGUAGE
            else:
                wanted = store.get_vacancy(vacancy or "")
                if wanted is None or wanted.status != "open":
                    raise NotFound("vacancy_not_found", VACANCY_NOT_FOUND)
                employer = principal.role == "employer"
                principal.require("counsellor", "admin", "employer", org=wanted.employer_id if employer else None)
                if employer and eligible is False:
                    raise Forbidden("eligible_only", ELIGIBLE_ONLY, pointer="/eligible")
                ranked = self.for_vacancy(store, wanted.vacancy_id, introductions_only=employer) or []
                if employer:
                    ranked = [m for m in ranked if m.eligible]
                if principal.role == "counsellor":  # only their own centre's people (docs/authorisation.md)
                    own = {p.profile_id for p in store.profiles([m.profile_id for m in ranked])
                           if p.centre == principal.org}
                    ranked = [m for m in ranked if m.profile_id in own]
                vacancies = {wanted.vacancy_id: wanted}
                key = "profile_id"
                aloud, lang = None, lang or DEFAULT_LANGUAGE
        if eligible is not None:
            ranked = [m for m in ranked if m.eligible is eligible]
        if min_score is not None:
            ranked = [m for m in ranked if m.score >= min_score]
        page = ranked[offset: offset + limit]
        items = [{key: getattr(m, key), "score": m.score, "eligible": m.eligible, "blockers": blockers_out(m, lang),
                  "explanation": explain(m, vacancies[m.vacancy_id], self.taxonomy, lang, aloud)} for m in page]
        more = offset + limit < len(ranked)
        # The version the items were ranked with, even if a retraining swapped the model since.
        return RankedPage(items, encode_cursor(offset + limit) if more else None,
                          ranked[0].model_version if ranked else self.model_version)

    def audit_for(self, *, by: str, top: int = 10) -> dict[str, Any]:
        """Return the fairness audit (see ``audit``) on the current read models."""
        with self._reading() as store:
            self.sync(store)
            return self.audit(store, by=by, top=top)

    def current_model(self) -> dict[str, Any]:
        """Return what ranks now and why (see ``model_report``), after catching up with the read models."""
        with self._reading() as store:
            self.sync(store)
        return self.model_report()

    def _reading(self) -> AbstractContextManager[ReadModelStore]:
        if self.read_models is None:
            raise RuntimeError("this MatchingService was built without read_models; build it with app.build_service")
        return self.read_models.reading()


@dataclass(frozen=True)
class RankedPage:
    """One page of a ranking: the items as the API shows them, the next page's cursor, the model's version."""

    items: list[dict[str, Any]]
    next_cursor: str | None
    model_version: str


def _offset(cursor: str | None) -> int:
    """Return the position a ranking's cursor points at (0 without one).

    A ranking is recomputed on every request, so its cursor holds an offset. A cursor this API did not issue
    is a 400 on ``/cursor``, as it has always been for this endpoint.
    """
    if cursor is None:
        return 0
    try:
        (offset,) = decode_cursor(cursor, 1)
    except Invalid:
        offset = None
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise BadRequest("bad_cursor", BAD_CURSOR, pointer="/cursor")
    return offset
