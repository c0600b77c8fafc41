"""Assess a credential for a destination country from the rules: status, level, occupations, next steps."""

from __future__ import annotations

from dataclasses import dataclass

from services.credentials.domain.model import Credential
from services.credentials.domain.rules import LANGS, Licensing, Rulebook, Source, Track

STATUSES = ("recognised", "procedure_required", "licence_required", "not_recognisable", "unknown")


@dataclass(frozen=True)
class Step:
    """One next step, worded in every supported language."""

    code: str
    text: dict[str, str]


@dataclass(frozen=True)
class Assessment:
    """What a credential is worth in one destination, and what to do next; guidance, never a decision."""

    destination: str
    status: str
    recognised_level: int | None
    regulated: bool
    profession: str | None
    agreement: str | None
    authority: str | None
    procedure: str | None
    licensing_body: str | None
    weeks: tuple[int, int] | None
    cost: str | None
    occupations_now: tuple[str, ...]
    occupations_after_recognition: tuple[str, ...]
    occupations_later: tuple[str, ...]
    steps: tuple[Step, ...]
    sources: tuple[Source, ...]
    rules_version: str
    assessed_at: str

    def occupations_for(self, workflow_status: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Return (open now, open later) once the workflow says the recognition was granted or not."""
        now = self.occupations_now
        if workflow_status == "recognised":
            now = _union(now, self.occupations_after_recognition)
        later = tuple(c for c in self.occupations_later if c not in now)
        return now, later


def tier_of(level: int, orientation: str) -> str:
    """Return the rules tier of an ISCED 2011 level and programme orientation."""
    if level >= 6:
        return "higher"
    if level >= 4 or (level == 3 and orientation == "vocational"):
        return "technical"
    return "school"


def field_occupations(rules: Rulebook, field: str | None, level: int, orientation: str = "academic"
                      ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return the occupations a qualification in an ISCED-F ``field`` leads to once recognised, and those it
    opens without recognition, by the rules' field table (both empty for a field the rules do not know)."""
    tier = tier_of(level, orientation)
    entry = _field(rules.common, field)
    if entry is None:
        return (), ()
    leads_to = tuple(entry.get(tier, ())) if tier != "school" or level >= 3 else ()
    return leads_to, tuple(entry.get("without_recognition", ()))


def assess(credential: Credential, destination: str, rules: Rulebook, *, at: str) -> Assessment:
    """Assess ``credential`` for ``destination``; unknown pairs get status ``unknown``, never a guess."""
    common = rules.common
    tier = tier_of(credential.level, credential.orientation)
    leads_to, without = field_occupations(rules, credential.field, credential.level, credential.orientation)
    rules_for = rules.destinations.get(destination)
    if rules_for is None or destination == credential.country:
        return Assessment(destination, "unknown", None, False, None, None, None, None, None, None, None,
                          without, (), (), (_step(common, "ask_office", {}),), (), rules.version, at)

    track = rules_for.track_for(credential.country, tier, credential.accreditations)
    profession, licensing = _profession(common, rules_for.professions, credential.field, tier)
    regulated_codes = tuple(common["professions"][profession]["occupations"]) if licensing else ()
    ctx = {"authority": track.authority, "procedure": track.procedure, "weeks": f"{track.weeks[0]}-{track.weeks[1]}"}
    steps, documents_ready, blocked = _document_steps(credential, track, rules_for.language, common, ctx)

    if blocked or track.outcome == "not_recognisable":
        status = "not_recognisable"
    elif track.outcome == "recognised" and documents_ready:
        status = "licence_required" if licensing else "recognised"
    else:
        status = "procedure_required"

    if track.outcome != "not_recognisable" and not blocked:
        code = "present_as_is" if track.outcome == "recognised" else "apply"
        steps.append(_step(common, code, ctx, cost=track.cost))
    if licensing and status != "not_recognisable":
        if licensing.exam:
            steps.append(_step(common, "pass_exam", {"exam": licensing.exam}))
        steps.append(_step(common, "get_licence", {"body": licensing.body, "licence": licensing.licence}))

    unregulated = tuple(c for c in leads_to if c not in regulated_codes)
    if status == "recognised":
        now, after, later = leads_to, leads_to, leads_to
    elif status == "licence_required":
        now, after, later = _union(without, unregulated), unregulated, leads_to
    elif status == "procedure_required":
        now, after, later = without, unregulated, leads_to
    else:
        now, after, later = without, (), ()
    sources = (track.source, _agreement_source(common, track)) + ((licensing.source,) if licensing else ())
    return Assessment(
        destination=destination, status=status,
        recognised_level=None if status == "not_recognisable" else credential.level,
        regulated=licensing is not None, profession=profession if licensing else None,
        agreement=track.agreement, authority=track.authority, procedure=track.procedure,
        licensing_body=licensing.body if licensing else None, weeks=track.weeks, cost=track.cost,
        occupations_now=now, occupations_after_recognition=after, occupations_later=later,
        steps=tuple(steps), sources=tuple(dict.fromkeys(sources)), rules_version=rules.version, assessed_at=at)


def _document_steps(credential: Credential, track: Track, language: str, common, ctx) -> tuple[list, bool, bool]:
    """Return (steps about documents, whether the documents are ready, whether missing documents block)."""
    steps: list[Step] = []
    held = set(credential.documents)
    if credential.documents_missing:
        if not track.substitutes:
            return [_step(common, "rebuild_documents", {})], False, True
        ordered = sorted(track.substitutes, key=lambda s: s != "qualifications_passport")
        if credential.evidence.usable and "qualifications_passport" not in ordered:
            ordered.insert(0, "qualifications_passport")  # structured evidence strengthens every request
        steps.append(_step(common, "offer_substitutes", ctx, substitutes=ordered))
        return steps, False, False
    ready = True
    if track.authentication and not held & {"apostilled", "legalised"}:
        code = "get_apostille" if credential.country in common["apostille_countries"] else "get_legalisation"
        steps.append(_step(common, code, {}))
        ready = False
    if common["document_language"].get(credential.country, "es") != language and "certified_translation" not in held:
        steps.append(_step(common, "get_translation", {}, language=language))
        ready = False
    return steps, ready, False


def _step(common, code: str, ctx: dict, *, cost: str | None = None, substitutes=(),
          language: str | None = None) -> Step:
    texts = {}
    for lang in LANGS:
        values = dict(ctx)
        if cost:
            values["cost"] = common["cost_bands"][cost][lang]
        if substitutes:
            values["substitutes"] = "; ".join(common["substitutes"][s][lang] for s in substitutes)
        if language:
            values["language"] = common["language_names"][language][lang]
        texts[lang] = common["steps"][code][lang].format(**values)
    return Step(code, texts)


def _field(common, code: str | None) -> dict | None:
    """Return the field entry with the longest ISCED-F prefix of ``code``."""
    if not code:
        return None
    for size in (4, 3, 2):
        if code[:size] in common["fields"] and len(code) >= size:
            return common["fields"][code[:size]]
    return None


def _profession(common, regulated, field: str | None, tier: str) -> tuple[str | None, Licensing | None]:
    if not field:
        return None, None
    for name, p in common["professions"].items():
        if tier in p["tiers"] and any(field.startswith(f) for f in p["fields"]):
            return name, regulated.get(name)
    return None, None


def _agreement_source(common, track: Track) -> Source:
    a = common["agreements"][track.agreement]
    return Source(a["source"]["title"], a["source"]["url"], track.source.date)


def _union(a, b) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*a, *b)))
