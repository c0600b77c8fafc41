"""The profiles use cases on in-memory fakes: access, events, erasure, merging, pagination."""

from dataclasses import replace
from datetime import date

import pytest

from services.profiles.domain.model import Actor, Document
from services.profiles.domain.rules import InvalidProfile
from services.profiles.ports import ListFilters
from services.profiles.usecases import ROLES
from shared.auth import Authenticator, TokenIssuer
from shared.errors import Forbidden, Invalid, NotFound, PreconditionFailed, PreconditionRequired
from shared.pagination import encode_cursor
from shared.published.profiles import ProfilePublished, ProfileWithdrawn
from tests.unit.profiles.factories import ADMIN, CUCUTA, LIMA, LIMA_2, NO, YES, Clock, details, make_service

PUBLISHED, WITHDRAWN = ProfilePublished.TYPE, ProfileWithdrawn.TYPE


def types(store):
    return [(e.type, e.subject) for e in store.events]


def test_creating_a_consenting_profile_publishes_it_once():
    profiles, store = make_service()
    created = profiles.create(LIMA, details(), YES)
    assert types(store) == [(PUBLISHED, created.profile.id)]
    assert created.profile.centre == "centre-lima" and created.duplicates == []


def test_creating_a_profile_without_matching_consent_publishes_nothing():
    profiles, store = make_service()
    profiles.create(LIMA, details(), {**YES, "matching": False})
    assert store.events == [] and len(store.profiles) == 1


def test_an_invalid_profile_stores_nothing_and_publishes_nothing():
    profiles, store = make_service()
    with pytest.raises(InvalidProfile):
        profiles.create(LIMA, details(skills=["S9999"]), YES)
    assert store.profiles == {} and store.events == []


def test_only_counsellors_register_people():
    profiles, _ = make_service()
    with pytest.raises(Forbidden):
        profiles.create(ADMIN, details(), YES)


def test_the_text_language_is_detected_when_the_counsellor_leaves_it_out():
    profiles, store = make_service()
    created = profiles.create(LIMA, details(text_language=None, skills_text="Trabalhei com cozinha"), YES)
    assert created.profile.details.text_language == "pt"
    assert ProfilePublished.from_data(store.events[0].data).text_language == "pt"


def test_a_duplicate_in_the_same_centre_is_named_and_one_elsewhere_is_not():
    profiles, _ = make_service()
    first = profiles.create(LIMA, details(), YES).profile
    elsewhere = profiles.create(CUCUTA, details(), YES)
    assert [(d.profile_id, d.same_centre) for d in elsewhere.duplicates] == [(first.id, False)]
    again = profiles.create(LIMA_2, details(), YES)
    here = [d for d in again.duplicates if d.same_centre]
    assert [d.profile_id for d in here] == [first.id]


def test_other_centres_cannot_see_a_profile_and_admins_see_it_without_sensitive_fields():
    profiles, _ = make_service()
    created = profiles.create(LIMA, details(), YES).profile
    with pytest.raises(NotFound):
        profiles.get(CUCUTA, created.id)
    seen = profiles.get(ADMIN, created.id).details
    assert seen.situation_notes is None and seen.accessibility_needs is None
    assert seen.work_authorizations[0].permit_type is None and seen.work_authorizations[0].status == "permit"
    full = profiles.get(LIMA_2, created.id).details
    assert full.situation_notes == "Vive con dos hijos; arriendo atrasado"


def test_an_update_needs_the_version_it_changes():
    profiles, _ = make_service()
    created = profiles.create(LIMA, details(), YES).profile
    with pytest.raises(PreconditionRequired):
        profiles.update(LIMA, created.id, details(), YES, None)
    with pytest.raises(PreconditionFailed) as stale:
        profiles.update(LIMA, created.id, details(), YES, 7)
    assert stale.value.current_etag == '"1"'
    updated = profiles.update(LIMA, created.id, details(availability="later"), YES, 1)
    assert updated.version == 2 and updated.details.availability == "later"


def test_every_change_is_published_while_consent_lasts_and_withdrawal_tombstones_the_profile():
    clock = Clock()
    profiles, store = make_service(clock=clock)
    p = profiles.create(LIMA, details(), YES).profile
    clock.tick()
    profiles.update(LIMA, p.id, details(availability="later"), YES, 1)
    clock.tick()
    withdrawn = profiles.update(LIMA_2, p.id, details(), {**YES, "matching": False}, 2)
    assert types(store) == [(PUBLISHED, p.id), (PUBLISHED, p.id), (WITHDRAWN, p.id)]
    assert ProfileWithdrawn.from_data(store.events[2].data).reason == "consent_withdrawn" and store.tombstones == [p.id]
    assert withdrawn.consents["matching"].recorded_by == "counsellor-2"
    clock.tick()
    profiles.update(LIMA, p.id, details(), {**YES, "matching": False}, 3)
    assert len(store.events) == 3  # no consent, no event: not even another withdrawal


def test_erasure_deletes_the_person_and_announces_it_with_a_tombstone():
    profiles, store = make_service()
    p = profiles.create(LIMA, details(), NO).profile
    with pytest.raises(NotFound):
        profiles.erase(CUCUTA, p.id)
    profiles.erase(LIMA, p.id)
    assert store.profiles == {} and store.tombstones == [p.id]
    assert store.events[-1].type == WITHDRAWN and ProfileWithdrawn.from_data(store.events[-1].data).reason == "erased"
    with pytest.raises(NotFound):
        profiles.get(LIMA, p.id)


def test_erasure_deletes_what_was_published_of_the_person_and_keeps_only_the_withdrawal_and_tombstone():
    clock = Clock()
    profiles, store = make_service(clock=clock)
    p = profiles.create(LIMA, details(), YES).profile
    other = profiles.create(LIMA, details(identity=replace(details().identity, documents=[], phone=None)), YES).profile
    clock.tick()
    profiles.update(LIMA, p.id, details(availability="later"), YES, 1)
    profiles.erase(LIMA, p.id)
    assert types(store) == [(PUBLISHED, other.id), (WITHDRAWN, p.id)] and store.tombstones == [p.id]


def test_merging_folds_the_duplicate_in_keeps_consents_and_erases_the_duplicate():
    profiles, store = make_service()
    keep = profiles.create(LIMA, details(skills=["S1001"]), {**YES, "introductions": False}).profile
    other_details = details(skills=["S1002"], identity=replace(
        details().identity, documents=[Document("passport", "P999999", "VE")], email=None))
    other = profiles.create(LIMA, other_details, YES).profile
    merged = profiles.merge(LIMA, keep.id, other.id)
    assert set(merged.details.skills) == {"S1001", "S1002"} and len(merged.details.identity.documents) == 2
    assert merged.consents_to("introductions") is False and merged.version == 2
    assert set(store.profiles) == {keep.id}
    assert (WITHDRAWN, other.id) in types(store) and store.tombstones == [other.id]
    assert types(store)[-1] == (PUBLISHED, keep.id)


def test_a_profile_of_another_centre_cannot_be_merged_in():
    profiles, _ = make_service()
    keep = profiles.create(LIMA, details(), YES).profile
    other = profiles.create(CUCUTA, details(), YES).profile
    with pytest.raises(Invalid) as unknown:
        profiles.merge(LIMA, keep.id, other.id)
    with pytest.raises(Invalid) as itself:
        profiles.merge(LIMA, keep.id, keep.id)
    assert (unknown.value.code, unknown.value.pointer) == ("merge_unknown", "/other_id")
    assert (itself.value.code, itself.value.pointer) == ("merge_self", "/other_id")


def test_the_list_is_the_centres_own_filtered_and_paged_by_cursor():
    clock = Clock()
    profiles, _ = make_service(clock=clock)
    ids = []
    for i in range(5):
        clock.tick()
        born = date(1980 + i, 1, 1)
        ids.append(profiles.create(LIMA, details(identity=replace(details().identity, date_of_birth=born,
                                                                  documents=[], given_names=f"P{i}")),
                                   YES).profile.id)
    profiles.create(CUCUTA, details(), YES)
    profiles.create(LIMA, details(availability="later", identity=replace(details().identity, documents=[])), YES)
    first = profiles.list(LIMA, ListFilters(availability="immediate"), limit=2)
    second = profiles.list(LIMA, ListFilters(availability="immediate"), limit=2, cursor=first.next_cursor)
    third = profiles.list(LIMA, ListFilters(availability="immediate"), limit=2, cursor=second.next_cursor)
    assert [listed.profile.id for listed in first.items + second.items + third.items] == ids
    assert third.next_cursor is None
    assert profiles.list(LIMA, ListFilters(skill="S1001", city="lima"), limit=500).items  # limit is capped
    for bad in ("not-a-cursor", encode_cursor("not a time", ids[0])):
        with pytest.raises(Invalid) as refused:
            profiles.list(LIMA, ListFilters(), cursor=bad)
        assert (refused.value.code, refused.value.pointer) == ("bad_cursor", "/cursor")


@pytest.mark.parametrize("role", ROLES)
def test_every_role_the_use_cases_accept_is_one_a_real_token_carries_and_is_let_through(role):
    # The API turns the principal a token decodes to into the Actor the use cases check.
    issuer = TokenIssuer("k" * 40, 60)
    principal = Authenticator(issuer).authenticate("Bearer " + issuer.issue("u-1", role, "centre-lima"))
    profiles, _ = make_service()
    created = profiles.create(LIMA, details(), YES).profile
    caller = Actor(principal.subject, principal.role, principal.org)
    assert profiles.get(caller, created.id).id == created.id


def test_reads_are_logged_with_their_purpose_and_the_log_outlives_the_erasure_on_the_fakes_too():
    from services.profiles.ports import AccessFilters

    clock = Clock()
    profiles, store = make_service(clock=clock)
    p = profiles.create(LIMA, details(), YES).profile
    profiles.get(LIMA, p.id, purpose="data_request")
    clock.tick()
    profiles.get(ADMIN, p.id)
    with pytest.raises(Invalid):
        profiles.get(LIMA, p.id, purpose="curiosity")
    profiles.erase(LIMA, p.id)
    page = profiles.access_log(ADMIN, AccessFilters(profile_id=p.id), limit=1)
    rest = profiles.access_log(ADMIN, AccessFilters(profile_id=p.id), cursor=page.next_cursor)
    assert [(r.actor, r.purpose, r.seq) for r in page.items + rest.items] == [
        ("counsellor-1", "data_request", 1), ("admin-1", "oversight", 2)]
    with pytest.raises(Forbidden):
        profiles.access_log(LIMA, AccessFilters())
