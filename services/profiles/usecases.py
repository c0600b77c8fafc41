"""The profiles use cases: each takes ports, runs in one unit of work, and stages its events there.

Two classes: ProfileService (the person: create, read, change, list, merge, erase) and PlacementService (the
person's way to jobs: placements, consent-gated introductions, employers' requests, and the vacancies known
from the vacancies topic). They share one unit of work and one database; the pipeline is its own class because
it has its own callers (employers too), its own topic and its own consumer path, and ProfileService was
already a full screen of use cases.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from services.profiles.domain.access import (
    INTRODUCTION_READ,
    PROFILE_LISTED,
    PROFILE_READ,
    REQUEST_LISTED,
    AccessRecord,
    purpose_of,
    reads,
)
from services.profiles.domain.duplicates import BY_DOCUMENT, DuplicateMatch, document_keys, find_duplicates
from services.profiles.domain.merging import merge_details
from services.profiles.domain.messages import (
    ALREADY_INTRODUCED,
    IF_MATCH_PLACEMENT,
    IF_MATCH_REQUIRED,
    INTRODUCTIONS_NOT_CONSENTED,
    PLACEMENT_CHANGED,
    PLACEMENT_EXISTS,
    PLACEMENT_NOT_FOUND,
    PROFILE_CHANGED,
    PROFILE_NOT_FOUND,
    REASONS,
    ROLE_NOT_ALLOWED,
    VACANCY_NOT_FOUND,
    VACANCY_NOT_OPEN,
)
from services.profiles.domain.model import (
    CONSENT_WITHDRAWN,
    ERASED,
    Actor,
    Identity,
    LanguageSkill,
    Profile,
    ProfileDetails,
    new_profile,
)
from services.profiles.domain.placements import (
    INTRODUCED,
    NOT_HIRED,
    REQUEST_DECLINED,
    REQUEST_INTRODUCED,
    REQUEST_OPEN,
    STALE_AFTER,
    VACANCY_CLOSED,
    VACANCY_HELD,
    VACANCY_OPEN,
    ConsentRecord,
    Introduction,
    IntroductionRequest,
    KnownVacancy,
    Placement,
    Step,
    introduce,
    propose,
)
from services.profiles.domain.publishing import may_publish
from services.profiles.domain.rules import CodeBook, validated
from services.profiles.events import PLACEMENTS, placement_events, published
from services.profiles.ports import (
    AccessFilters,
    Clock,
    ConceptSuggestion,
    ListFilters,
    PlacementFilters,
    SkillNormalizer,
    UnitOfWork,
)
from shared.errors import Conflict, Forbidden, Invalid, NotFound, PreconditionFailed, PreconditionRequired
from shared.pagination import BAD_CURSOR, Page, decode_cursor, next_page
from shared.published.profiles import ProfileWithdrawn
from shared.published.vacancies import VacancyEvent, VacancyHeld, VacancyPublished

MAX_PAGE, DEFAULT_PAGE = 100, 20
COUNSELLOR, ADMIN, EMPLOYER = "counsellor", "admin", "employer"
ROLES = (COUNSELLOR, ADMIN)  # the roles any profile use case accepts (the pipeline also serves employers)
SOURCE = "/services/profiles"


@dataclass
class Created:
    profile: Profile
    duplicates: list[DuplicateMatch]


@dataclass
class ImportOutcome:
    status: str  # created, already_imported, duplicate
    profile_id: str | None
    duplicates: list[DuplicateMatch] = field(default_factory=list)


@dataclass
class Listed:
    """A profile in the centre's list, with the workspace's columns."""

    profile: Profile
    last_contact_at: datetime  # the latest of: profile created or changed, a placement step or introduction
    latest_stage: str | None  # the stage of the person's latest-moved placement (None without placements)


def cursor_of(profile: Profile) -> tuple[str, str]:
    """Return the list position of ``profile`` as a cursor holds it."""
    return profile.created_at.isoformat(), profile.id


def position(cursor: str) -> tuple[datetime, str]:
    """Return the position a cursor points after, or raise Invalid naming the cursor."""
    created, profile_id = decode_cursor(cursor, 2)
    try:
        return datetime.fromisoformat(created), str(profile_id)
    except (TypeError, ValueError):
        raise Invalid("bad_cursor", BAD_CURSOR, pointer="/cursor") from None


def _merge_refused(code: str) -> Invalid:
    return Invalid(code, REASONS[code], pointer="/other_id")


def require_role(actor: Actor, *roles: str) -> None:
    """Raise Forbidden unless ``actor`` has one of ``roles``."""
    if actor.role not in roles:
        raise Forbidden("role_not_allowed", ROLE_NOT_ALLOWED)


def visible_profile(actor: Actor, profile: Profile | None) -> Profile:
    """Return ``profile`` if ``actor`` may see it; another centre's counsellors get the same 404 as for none."""
    if profile is None or (actor.role == COUNSELLOR and profile.centre != actor.org):
        raise NotFound("profile_not_found", PROFILE_NOT_FOUND)
    return profile


def forget_pipeline(uow: UnitOfWork, profile_id: str) -> None:
    """Delete a person's placements, introductions and introduction requests (erasure)."""
    uow.introduction_requests.delete_for_profile(profile_id)
    uow.introductions.delete_for_profile(profile_id)
    uow.placements.delete_for_profile(profile_id)


def move_pipeline(uow: UnitOfWork, from_profile: str, to_profile: str) -> None:
    """Give a merged-away person's pipeline to the kept profile; where both have a placement for the same
    vacancy, the kept profile's stands and the other is deleted with its introduction."""
    kept = {p.vacancy_id for p in uow.placements.of_profile(to_profile)}
    for placement in uow.placements.of_profile(from_profile):
        if placement.vacancy_id in kept:
            uow.introductions.delete_for_placement(placement.id)
            uow.placements.delete(placement.id)
    uow.placements.reassign(from_profile, to_profile)
    uow.introductions.reassign(from_profile, to_profile)
    uow.introduction_requests.reassign(from_profile, to_profile)


class ProfileService:
    """Create, read, change, list, merge and erase profiles; publish what consent allows."""

    def __init__(self, uow: Callable[[], UnitOfWork], codes: CodeBook, normalizer: SkillNormalizer, clock: Clock,
                 new_id: Callable[[], str] = lambda: str(uuid.uuid4()), source: str = SOURCE):
        self.uow, self.codes, self.normalizer, self.clock, self.new_id = uow, codes, normalizer, clock, new_id
        self.source = source  # the CloudEvents source of the events staged

    # --- access -------------------------------------------------------------------------------------------

    _require = staticmethod(require_role)
    _visible = staticmethod(visible_profile)

    @staticmethod
    def shows_sensitive(actor: Actor, profile: Profile) -> bool:
        """Return whether ``actor`` may read the sensitive fields: only the owning centre's counsellors."""
        return actor.role == COUNSELLOR and actor.org == profile.centre

    # --- helpers ------------------------------------------------------------------------------------------

    def _prepare(self, details: ProfileDetails, now: datetime) -> ProfileDetails:
        details = validated(details, self.codes, now.date())
        if not details.text_language:
            text = " ".join([details.skills_text, *(f"{j.title} {j.description}" for j in details.experience)])
            details.text_language = self.normalizer.detect_language(text) if text.strip() else None
        return details

    def _publish(self, uow: UnitOfWork, profile: Profile, was_published: bool, now: datetime) -> None:
        if may_publish(profile):
            uow.stage(published(profile, profile.details.text_language, now.date()).event(self.source))
        elif was_published:
            self._withdraw(uow, profile.id, CONSENT_WITHDRAWN, now)

    def _withdraw(self, uow: UnitOfWork, profile_id: str, reason: str, now: datetime) -> None:
        uow.stage(ProfileWithdrawn(profile_id, reason, now).event(self.source))
        uow.stage_tombstone(profile_id)

    def _remove(self, uow: UnitOfWork, profile_id: str, now: datetime) -> None:
        # The placements topic has no event to retract a step: the withdrawal below (reason erased) is what tells
        # matching to drop the person's placement outcomes, as it drops everything else about them.
        forget_pipeline(uow, profile_id)
        uow.profiles.delete(profile_id)
        # What was published of them (and what still waited to be) is a copy of them: it goes now, not after the
        # outbox's retention; the store forgets the deleted rows once this commits.
        uow.forget_messages(profile_id)
        # Always announced: a consumer may still hold the person from before a consent was withdrawn.
        self._withdraw(uow, profile_id, ERASED, now)

    # --- use cases ----------------------------------------------------------------------------------------

    def create(self, actor: Actor, details: ProfileDetails, consents: dict[str, bool], *,
               profile_id: str | None = None) -> Created:
        """Register a person; return the profile and the likely duplicates to warn about."""
        self._require(actor, COUNSELLOR)
        now = self.clock()
        profile = new_profile(profile_id or self.new_id(), actor.org, self._prepare(details, now), consents,
                              actor.subject, now)
        with self.uow() as uow:
            duplicates = self._duplicates(uow, profile)
            uow.profiles.add(profile)
            self._publish(uow, profile, False, now)
        return Created(profile, duplicates)

    def import_one(self, actor: Actor, details: ProfileDetails, consents: dict[str, bool],
                   import_key: str) -> ImportOutcome:
        """Register one imported row unless it was imported before or its document is already registered here."""
        self._require(actor, COUNSELLOR)
        now = self.clock()
        prepared = self._prepare(details, now)
        with self.uow() as uow:
            earlier = uow.profiles.imported(import_key)
            if earlier is not None:
                return ImportOutcome("already_imported", earlier)
            profile = new_profile(self.new_id(), actor.org, prepared, consents, actor.subject, now)
            duplicates = self._duplicates(uow, profile)
            same_document = [d for d in duplicates if d.same_centre and BY_DOCUMENT in d.reasons]
            if same_document:
                return ImportOutcome("duplicate", same_document[0].profile_id, duplicates)
            uow.profiles.add(profile, import_key)
            self._publish(uow, profile, False, now)
        return ImportOutcome("created", profile.id, duplicates)

    @staticmethod
    def _duplicates(uow: UnitOfWork, profile: Profile) -> list[DuplicateMatch]:
        ident = profile.details.identity
        candidates = uow.profiles.candidates(document_keys(ident), ident.phone, ident.date_of_birth)
        return find_duplicates(profile, candidates)

    def get(self, actor: Actor, profile_id: str, purpose: str | None = None) -> Profile:
        """Return a profile the caller may see (admins see it without the sensitive fields), recording the read
        with its purpose (the role's default when none is given)."""
        self._require(actor, COUNSELLOR, ADMIN)
        purpose = purpose_of(actor, purpose)
        with self.uow() as uow:
            profile = self._visible(actor, uow.profiles.get(profile_id))
            uow.access_log.add(reads(actor, self.clock(), [profile.id], PROFILE_READ, purpose))
        if not self.shows_sensitive(actor, profile):
            profile.details = profile.details.redacted()
        return profile

    def update(self, actor: Actor, profile_id: str, details: ProfileDetails, consents: dict[str, bool],
               expected_version: int | None) -> Profile:
        """Replace a profile's details and consents if nobody changed it since ``expected_version``."""
        self._require(actor, COUNSELLOR)
        if expected_version is None:
            raise PreconditionRequired("if_match_required", IF_MATCH_REQUIRED)
        now = self.clock()
        details = self._prepare(details, now)
        with self.uow() as uow:
            profile = self._visible(actor, uow.profiles.get(profile_id))
            if profile.version != expected_version:
                # The current ETag (as shared.http.etag writes it) tells the caller what to read again.
                raise PreconditionFailed("profile_changed", PROFILE_CHANGED, current_etag=f'"{profile.version}"')
            was_published = may_publish(profile)
            profile.details = details
            profile.record_consents(consents, actor.subject, now)
            profile.updated_at, profile.version = now, profile.version + 1
            uow.profiles.save(profile)
            self._publish(uow, profile, was_published, now)
        return profile

    def list(self, actor: Actor, filters: ListFilters, limit: int = DEFAULT_PAGE,
             cursor: str | None = None, purpose: str | None = None) -> Page[Listed]:
        """Return one page of the caller's centre's profiles, oldest first, with each person's last contact and
        latest placement stage, and the cursor of the next page; each listed person's names read are recorded."""
        self._require(actor, COUNSELLOR)
        purpose = purpose_of(actor, purpose)
        limit = max(1, min(limit, MAX_PAGE))
        after = position(cursor) if cursor else None
        if filters.stale is not None:
            filters = replace(filters, stale_cutoff=self.clock() - STALE_AFTER)
        with self.uow() as uow:
            page = next_page(uow.profiles.page(actor.org, filters, after, limit + 1), limit, cursor_of)
            contacts = uow.placements.contacts(p.id for p in page.items)
            uow.access_log.add(reads(actor, self.clock(), (p.id for p in page.items), PROFILE_LISTED, purpose))
        items = []
        for profile in page.items:
            contact = contacts.get(profile.id)
            last = max(profile.updated_at, contact.at) if contact else profile.updated_at
            items.append(Listed(profile, last, contact.latest_stage if contact else None))
        return Page(items, page.next_cursor)

    def access_log(self, actor: Actor, filters: AccessFilters, limit: int = DEFAULT_PAGE,
                   cursor: str | None = None) -> Page[AccessRecord]:
        """Return one page of the record of reads of people's identifying fields, oldest first (admins only)."""
        self._require(actor, ADMIN)
        limit = max(1, min(limit, MAX_PAGE))
        after = decode_cursor(cursor, 2, parse=(datetime.fromisoformat, int)) if cursor else None
        with self.uow() as uow:
            rows = uow.access_log.page(filters, after, limit + 1)
        return next_page(rows, limit, lambda r: (r.at.isoformat(), r.seq))

    def erase(self, actor: Actor, profile_id: str) -> None:
        """Delete the person's data (not a flag), announce the withdrawal and tombstone the topic. The access log's
        records of reads of their data stay: they hold only the pseudonymous profile id."""
        self._require(actor, COUNSELLOR, ADMIN)
        now = self.clock()
        with self.uow() as uow:
            self._visible(actor, uow.profiles.get(profile_id))
            self._remove(uow, profile_id, now)

    def merge(self, actor: Actor, keep_id: str, other_id: str) -> Profile:
        """Fold ``other_id`` into ``keep_id`` (both of the caller's centre) and erase ``other_id``."""
        self._require(actor, COUNSELLOR)
        if keep_id == other_id:
            raise _merge_refused("merge_self")
        now = self.clock()
        with self.uow() as uow:
            keep = self._visible(actor, uow.profiles.get(keep_id))
            other = uow.profiles.get(other_id)
            if other is None or other.centre != keep.centre:
                raise _merge_refused("merge_unknown")
            was_published = may_publish(keep)
            # The kept profile's consents stand: a merge must never widen what the person agreed to.
            keep.details = merge_details(keep.details, other.details)
            keep.updated_at, keep.version = now, keep.version + 1
            move_pipeline(uow, other_id, keep_id)
            self._remove(uow, other_id, now)
            uow.profiles.save(keep)
            self._publish(uow, keep, was_published, now)
        return keep

    def suggest(self, actor: Actor, text: str, lang: str | None, kind: str | None,
                limit: int = 5) -> list[ConceptSuggestion]:
        """Return taxonomy concepts for free text, for the counsellor to confirm."""
        self._require(actor, COUNSELLOR)
        return self.normalizer.suggest(text, lang=lang, kind=kind, limit=max(1, min(limit, 20)))


# --- the pipeline --------------------------------------------------------------------------------------------

@dataclass
class PlacementView:
    """A placement with what is known of its vacancy (None when profiles no longer knows it)."""

    placement: Placement
    vacancy: KnownVacancy | None


@dataclass
class Introduced:
    """What an introduction changed: the placement (now introduced) and the introduction with its consent."""

    placement: PlacementView
    introduction: Introduction


@dataclass
class IntroducedPerson:
    """One person introduced for a vacancy, as the vacancy's employer (or the person's centre) reads them."""

    introduction: Introduction
    stage: str
    identity: Identity
    languages: list[LanguageSkill]


@dataclass
class RequestView:
    """An introduction request, with its vacancy; the person's identity only for their own centre."""

    request: IntroductionRequest
    vacancy: KnownVacancy | None
    identity: Identity | None = None


def _placement_cursor(placement: Placement) -> tuple[str, str]:
    return placement.created_at.isoformat(), placement.id


class PlacementService:
    """Put a person forward for a vacancy and record each step; introduce them to the employer once they consent;
    take employers' requests for introductions; keep what the vacancies topic says about vacancies."""

    def __init__(self, uow: Callable[..., UnitOfWork], clock: Clock,
                 new_id: Callable[[], str] = lambda: str(uuid.uuid4()), source: str = SOURCE):
        # ``uow()`` opens a transaction of its own; ``uow(tx)`` works inside a consumer's inbox transaction.
        self.uow, self.clock, self.new_id, self.source = uow, clock, new_id, source

    # --- helpers ------------------------------------------------------------------------------------------

    @staticmethod
    def _visible(actor: Actor, placement: Placement | None) -> Placement:
        if placement is None or placement.centre != actor.org:
            raise NotFound("placement_not_found", PLACEMENT_NOT_FOUND)
        return placement

    @staticmethod
    def _open_vacancy(uow: UnitOfWork, vacancy_id: str) -> KnownVacancy:
        vacancy = uow.vacancies.get(vacancy_id)
        if vacancy is None:
            raise Invalid("vacancy_unknown", REASONS["vacancy_unknown"], pointer="/vacancy_id")
        if not vacancy.is_open:
            raise Conflict("vacancy_not_open", VACANCY_NOT_OPEN)
        return vacancy

    @staticmethod
    def _employers_vacancy(uow: UnitOfWork, actor: Actor, vacancy_id: str) -> KnownVacancy:
        vacancy = uow.vacancies.get(vacancy_id)
        if vacancy is None or vacancy.employer_org != actor.org:
            raise NotFound("vacancy_not_found", VACANCY_NOT_FOUND)
        return vacancy

    def _announce(self, uow: UnitOfWork, placement: Placement, steps: Iterable[Step]) -> None:
        for step in steps:
            index = next(i for i, s in enumerate(placement.history) if s is step)
            previous = placement.history[index - 1].stage if index else None
            for event in placement_events(placement, step, previous, self.source):
                uow.stage(event, topic=PLACEMENTS)

    @staticmethod
    def _close_requests(uow: UnitOfWork, placement: Placement, status: str, at: datetime) -> None:
        for request in uow.introduction_requests.open_for(placement.vacancy_id, placement.profile_id):
            request.close(status, at)
            uow.introduction_requests.save(request)

    # --- placements (counsellors of the person's centre) ---------------------------------------------------

    def propose(self, actor: Actor, profile_id: str, vacancy_id: str, note: str | None = None) -> PlacementView:
        """Put a person of the caller's centre forward for an open vacancy; Conflict (naming the existing
        placement) when they already have one for it."""
        require_role(actor, COUNSELLOR)
        now = self.clock()
        with self.uow() as uow:
            profile = visible_profile(actor, uow.profiles.get(profile_id))
            existing = uow.placements.find(profile.id, vacancy_id)
            if existing is not None:
                raise Conflict("placement_exists", PLACEMENT_EXISTS, placement_id=existing.id)
            vacancy = self._open_vacancy(uow, vacancy_id)
            placement = propose(self.new_id(), profile.id, profile.centre, vacancy_id, actor.subject, now, note)
            uow.placements.add(placement)
            self._announce(uow, placement, placement.history)
        return PlacementView(placement, vacancy)

    def get(self, actor: Actor, placement_id: str) -> PlacementView:
        """Return a placement of the caller's centre."""
        require_role(actor, COUNSELLOR)
        with self.uow() as uow:
            placement = self._visible(actor, uow.placements.get(placement_id))
            return PlacementView(placement, uow.vacancies.get(placement.vacancy_id))

    def list(self, actor: Actor, filters: PlacementFilters, limit: int = DEFAULT_PAGE,
             cursor: str | None = None) -> Page[PlacementView]:
        """Return one page of the caller's centre's placements, oldest first."""
        require_role(actor, COUNSELLOR)
        limit = max(1, min(limit, MAX_PAGE))
        after = position(cursor) if cursor else None
        with self.uow() as uow:
            page = next_page(uow.placements.page(actor.org, filters, after, limit + 1), limit, _placement_cursor)
            vacancies = uow.vacancies.get_many(p.vacancy_id for p in page.items)
        return Page([PlacementView(p, vacancies.get(p.vacancy_id)) for p in page.items], page.next_cursor)

    def move(self, actor: Actor, placement_id: str, stage: str, expected_version: int | None, *,
             note: str | None = None, on: date | None = None) -> PlacementView:
        """Record the placement's next stage if nobody changed it since ``expected_version``."""
        require_role(actor, COUNSELLOR)
        if expected_version is None:
            raise PreconditionRequired("if_match_required", IF_MATCH_PLACEMENT)
        now = self.clock()
        with self.uow() as uow:
            placement = self._visible(actor, uow.placements.get(placement_id))
            if placement.version != expected_version:
                raise PreconditionFailed("placement_changed", PLACEMENT_CHANGED, current_version=placement.version)
            step = placement.move(stage, actor.subject, now, on=on, note=note)
            uow.placements.save(placement)
            if stage == NOT_HIRED:
                self._close_requests(uow, placement, REQUEST_DECLINED, now)
            self._announce(uow, placement, [step])
            return PlacementView(placement, uow.vacancies.get(placement.vacancy_id))

    # --- introductions ------------------------------------------------------------------------------------

    def introduce(self, actor: Actor, profile_id: str, vacancy_id: str, *, given: bool, language: str,
                  read_aloud: bool) -> Introduced:
        """Record the person's consent to share their name and contact with the vacancy's employer, and move (or
        create) their placement to ``introduced``. Nobody is introduced without that consent, nor while their
        profile refuses introductions, nor to a vacancy that is not open."""
        require_role(actor, COUNSELLOR)
        now = self.clock()
        with self.uow() as uow:
            profile = visible_profile(actor, uow.profiles.get(profile_id))
            consent = ConsentRecord(given, language, read_aloud, actor.subject, now)
            vacancy = self._open_vacancy(uow, vacancy_id)
            if not profile.consents_to("introductions"):
                raise Conflict("introductions_not_consented", INTRODUCTIONS_NOT_CONSENTED)
            placement = uow.placements.find(profile.id, vacancy_id)
            new = placement is None
            if new:
                placement = propose(self.new_id(), profile.id, profile.centre, vacancy_id, actor.subject, now)
            introduction = introduce(self.new_id(), placement, vacancy.employer_org, consent)
            step = placement.move(INTRODUCED, actor.subject, now, introduction=True)
            if new:
                uow.placements.add(placement)
            else:
                uow.placements.save(placement)
            uow.introductions.add(introduction)
            self._close_requests(uow, placement, REQUEST_INTRODUCED, now)
            self._announce(uow, placement, placement.history if new else [step])
        return Introduced(PlacementView(placement, vacancy), introduction)

    def introductions(self, actor: Actor, vacancy_id: str, limit: int = DEFAULT_PAGE,
                      cursor: str | None = None, purpose: str | None = None) -> Page[IntroducedPerson]:
        """Return the people introduced for a vacancy: to its employer (another employer gets 404), everyone whose
        profile still consents to introductions; to a counsellor, their own centre's. Each person shown is a read of
        their names and contact, recorded."""
        require_role(actor, COUNSELLOR, EMPLOYER)
        purpose = purpose_of(actor, purpose)
        limit = max(1, min(limit, MAX_PAGE))
        after = position(cursor) if cursor else None
        with self.uow() as uow:
            if actor.role == EMPLOYER:
                self._employers_vacancy(uow, actor, vacancy_id)
            centre = actor.org if actor.role == COUNSELLOR else None
            page = next_page(uow.introductions.page(vacancy_id, centre, after, limit + 1), limit,
                             lambda i: (i.consented_at.isoformat(), i.id))
            placements = uow.placements.get_many(i.placement_id for i in page.items)
            profiles = uow.profiles.get_many(i.profile_id for i in page.items)
            items = []
            for introduction in page.items:
                profile, placement = profiles.get(introduction.profile_id), placements.get(introduction.placement_id)
                if profile is None or placement is None:
                    continue
                if actor.role == EMPLOYER and not profile.consents_to("introductions"):
                    continue  # a consent withdrawn since then hides the person from the employer again
                items.append(IntroducedPerson(introduction, placement.stage, profile.details.identity,
                                              profile.details.languages))
            uow.access_log.add(reads(actor, self.clock(), (i.introduction.profile_id for i in items),
                                     INTRODUCTION_READ, purpose))
        return Page(items, page.next_cursor)

    def request_introduction(self, actor: Actor, vacancy_id: str, candidate: str) -> RequestView:
        """Ask the candidate's centre to introduce them for the employer's own open vacancy (once: asking again
        returns the open request)."""
        require_role(actor, EMPLOYER)
        now = self.clock()
        with self.uow() as uow:
            vacancy = self._employers_vacancy(uow, actor, vacancy_id)
            if not vacancy.is_open:
                raise Conflict("vacancy_not_open", VACANCY_NOT_OPEN)
            profile = uow.profiles.get(candidate)
            # Matching shows employers only people who consent to introductions: nobody else can be asked for,
            # and nothing tells an employer whether such a person exists.
            if profile is None or not profile.consents_to("introductions"):
                raise Invalid("candidate_unknown", REASONS["candidate_unknown"], pointer="/candidate")
            placement = uow.placements.find(profile.id, vacancy_id)
            if placement is not None and uow.introductions.for_placement(placement.id) is not None:
                raise Conflict("already_introduced", ALREADY_INTRODUCED)
            open_requests = uow.introduction_requests.open_for(vacancy_id, profile.id)
            if open_requests:
                return RequestView(open_requests[0], vacancy)
            request = IntroductionRequest(self.new_id(), vacancy_id, actor.org, profile.id, profile.centre,
                                          actor.subject, now)
            uow.introduction_requests.add(request)
        return RequestView(request, vacancy)

    def introduction_requests(self, actor: Actor, limit: int = DEFAULT_PAGE,
                              cursor: str | None = None, purpose: str | None = None) -> Page[RequestView]:
        """Return a counsellor's queue (their centre's open requests, with the people's names, a read recorded) or
        an employer's own requests (every status, candidates by pseudonymous id only)."""
        require_role(actor, COUNSELLOR, EMPLOYER)
        purpose = purpose_of(actor, purpose)
        limit = max(1, min(limit, MAX_PAGE))
        after = position(cursor) if cursor else None
        with self.uow() as uow:
            if actor.role == COUNSELLOR:
                rows = uow.introduction_requests.page(after, limit + 1, centre=actor.org, status=REQUEST_OPEN)
            else:
                rows = uow.introduction_requests.page(after, limit + 1, employer_org=actor.org)
            page = next_page(rows, limit, lambda r: (r.requested_at.isoformat(), r.id))
            vacancies = uow.vacancies.get_many(r.vacancy_id for r in page.items)
            profiles = (uow.profiles.get_many(r.profile_id for r in page.items) if actor.role == COUNSELLOR else {})
            named = [r.profile_id for r in page.items if r.profile_id in profiles]
            uow.access_log.add(reads(actor, self.clock(), named, REQUEST_LISTED, purpose))
        return Page([RequestView(r, vacancies.get(r.vacancy_id),
                                 profiles[r.profile_id].details.identity if r.profile_id in profiles else None)
                     for r in page.items], page.next_cursor)

    # --- the vacancies topic ------------------------------------------------------------------------------

    def record_vacancies(self, events: Iterable[VacancyEvent], *, within=None) -> None:
        """Apply vacancy events in log order: published opens (and names) a vacancy, held or closed stops new
        placements and introductions for it; a closing of a vacancy never seen is nothing to keep."""
        with self.uow(within) as uow:
            for event in events:
                known = uow.vacancies.get(event.vacancy_id)
                if isinstance(event, VacancyPublished):
                    uow.vacancies.put(KnownVacancy(event.vacancy_id, event.employer_id, event.country, VACANCY_OPEN,
                                                   event.published_at, event.title))
                elif isinstance(event, VacancyHeld):
                    uow.vacancies.put(KnownVacancy(event.vacancy_id, event.employer_id, event.country, VACANCY_HELD,
                                                   event.held_at, known.title if known else None))
                elif known is not None:
                    uow.vacancies.put(replace(known, status=VACANCY_CLOSED, changed_at=event.closed_at))

    def forget_vacancy(self, vacancy_id: str, *, within=None) -> None:
        """Forget an erased vacancy (its tombstone on the vacancies topic); introductions keep their employer."""
        with self.uow(within) as uow:
            uow.vacancies.remove(vacancy_id)
