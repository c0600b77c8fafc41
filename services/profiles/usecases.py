"""The profiles use cases: each takes ports, runs in one unit of work, and stages its events there."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from services.profiles.domain.duplicates import BY_DOCUMENT, DuplicateMatch, document_keys, find_duplicates
from services.profiles.domain.merging import merge_details
from services.profiles.domain.messages import (
    IF_MATCH_REQUIRED,
    PROFILE_CHANGED,
    PROFILE_NOT_FOUND,
    REASONS,
    ROLE_NOT_ALLOWED,
)
from services.profiles.domain.model import CONSENT_WITHDRAWN, ERASED, Actor, Profile, ProfileDetails, new_profile
from services.profiles.domain.publishing import may_publish
from services.profiles.domain.rules import CodeBook, validated
from services.profiles.events import ProfilePublished, ProfileWithdrawn
from services.profiles.ports import Clock, ConceptSuggestion, ListFilters, SkillNormalizer, UnitOfWork
from shared.errors import Forbidden, Invalid, NotFound, PreconditionFailed, PreconditionRequired
from shared.pagination import BAD_CURSOR, Page, decode_cursor, next_page

MAX_PAGE, DEFAULT_PAGE = 100, 20
COUNSELLOR, ADMIN = "counsellor", "admin"
ROLES = (COUNSELLOR, ADMIN)  # the roles any profiles use case accepts
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


class ProfileService:
    """Create, read, change, list, merge and erase profiles; publish what consent allows."""

    def __init__(self, uow: Callable[[], UnitOfWork], codes: CodeBook, normalizer: SkillNormalizer, clock: Clock,
                 new_id: Callable[[], str] = lambda: str(uuid.uuid4()), source: str = SOURCE):
        self.uow, self.codes, self.normalizer, self.clock, self.new_id = uow, codes, normalizer, clock, new_id
        self.source = source  # the CloudEvents source of the events staged

    # --- access -------------------------------------------------------------------------------------------

    @staticmethod
    def _require(actor: Actor, *roles: str) -> None:
        if actor.role not in roles:
            raise Forbidden("role_not_allowed", ROLE_NOT_ALLOWED)

    @staticmethod
    def _visible(actor: Actor, profile: Profile | None) -> Profile:
        if profile is None or (actor.role == COUNSELLOR and profile.centre != actor.org):
            raise NotFound("profile_not_found", PROFILE_NOT_FOUND)
        return profile

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
            uow.stage(ProfilePublished.of(profile, profile.details.text_language, now.date()).event(self.source))
        elif was_published:
            self._withdraw(uow, profile.id, CONSENT_WITHDRAWN, now)

    def _withdraw(self, uow: UnitOfWork, profile_id: str, reason: str, now: datetime) -> None:
        uow.stage(ProfileWithdrawn(profile_id, reason, now).event(self.source))
        uow.stage_tombstone(profile_id)

    def _remove(self, uow: UnitOfWork, profile_id: str, now: datetime) -> None:
        uow.profiles.delete(profile_id)
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

    def get(self, actor: Actor, profile_id: str) -> Profile:
        """Return a profile the caller may see (admins see it without the sensitive fields)."""
        self._require(actor, COUNSELLOR, ADMIN)
        with self.uow() as uow:
            profile = self._visible(actor, uow.profiles.get(profile_id))
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
             cursor: str | None = None) -> Page[Profile]:
        """Return one page of the caller's centre's profiles, oldest first, and the cursor of the next."""
        self._require(actor, COUNSELLOR)
        limit = max(1, min(limit, MAX_PAGE))
        after = position(cursor) if cursor else None
        with self.uow() as uow:
            rows = uow.profiles.page(actor.org, filters, after, limit + 1)
        return next_page(rows, limit, cursor_of)

    def erase(self, actor: Actor, profile_id: str) -> None:
        """Delete the person's data (not a flag), announce the withdrawal and tombstone the topic."""
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
            self._remove(uow, other_id, now)
            uow.profiles.save(keep)
            self._publish(uow, keep, was_published, now)
        return keep

    def suggest(self, actor: Actor, text: str, lang: str | None, kind: str | None,
                limit: int = 5) -> list[ConceptSuggestion]:
        """Return taxonomy concepts for free text, for the counsellor to confirm."""
        self._require(actor, COUNSELLOR)
        return self.normalizer.suggest(text, lang=lang, kind=kind, limit=max(1, min(limit, 20)))
